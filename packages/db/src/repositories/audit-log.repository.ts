import type { ActorType, AuditLog } from '../generated/prisma/client.js';
import { sqlOf, type Db } from '../client.js';
import { GroupCommit } from '../group-commit.js';
import { isUuid, type TenantScoped } from './tenant-scoped.js';

export interface AuditEntryInput {
  actorType: ActorType;
  /** User or API key id; null for the system. */
  actorId?: string | null;
  /** What was done, e.g. the GraphQL mutation name. */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  /** JSON-serialisable; never secrets. */
  details?: Record<string, unknown>;
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditPage {
  /** Only entries with a smaller id (older) than this: the keyset cursor of the previous page. */
  before?: bigint;
  limit: number;
}

/** The append-only audit trail of a tenant. */
export class AuditLogRepository implements TenantScoped<AuditLogRepository> {
  constructor(private readonly db: Db) {}

  /**
   * One row per mutation, so on the request path: plain SQL rather than Prisma's query layer, and
   * concurrent requests' rows are group-committed — one INSERT (one commit) per batch.
   */
  append(tenantId: string, entry: AuditEntryInput): Promise<AuditLog> {
    return this.appends.submit({ tenantId, entry });
  }

  private readonly appends = new GroupCommit<{ tenantId: string; entry: AuditEntryInput }, AuditLog>(async (items) => {
    const col = <T>(f: (i: { tenantId: string; entry: AuditEntryInput }) => T) => items.map(f);
    const rows = await sqlOf(this.db).query<AuditLog & { id: string }>(
      `INSERT INTO "AuditLog" ("tenantId", "actorType", "actorId", action, "targetType", "targetId", details, ip, "userAgent")
       SELECT v.tenant_id, v.actor_type::"ActorType", v.actor_id, v.action, v.target_type, v.target_id, v.details::jsonb, v.ip, v.user_agent
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
            WITH ORDINALITY AS v(tenant_id, actor_type, actor_id, action, target_type, target_id, details, ip, user_agent, i)
       ORDER BY v.i
       RETURNING *`,
      [
        col((i) => i.tenantId),
        col((i) => i.entry.actorType),
        col((i) => i.entry.actorId ?? null),
        col((i) => i.entry.action),
        col((i) => i.entry.targetType ?? null),
        col((i) => i.entry.targetId ?? null),
        col((i) => JSON.stringify(i.entry.details ?? {})),
        col((i) => i.entry.ip ?? null),
        col((i) => i.entry.userAgent ?? null),
      ],
    );
    // Ids are drawn in the SELECT's order, so the i-th smallest id is the i-th entry.
    return rows.map((row) => ({ ...row, id: BigInt(row.id) })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  });

  /** Newest first, paged by id: stable while new entries are appended. */
  async list(tenantId: string, page: AuditPage): Promise<AuditLog[]> {
    if (!isUuid(tenantId)) return [];
    return this.db.auditLog.findMany({
      where: { tenantId, ...(page.before === undefined ? {} : { id: { lt: page.before } }) },
      orderBy: { id: 'desc' },
      take: page.limit,
    });
  }

  async count(tenantId: string): Promise<number> {
    if (!isUuid(tenantId)) return 0;
    return this.db.auditLog.count({ where: { tenantId } });
  }
}
