import type { ActorType, AuditLog } from '../generated/prisma/client.js';
import { sqlOf, type DbClient } from '../client.js';
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
  constructor(private readonly db: DbClient) {}

  /** One row per mutation, so on the request path: plain SQL rather than Prisma's query layer. */
  async append(tenantId: string, entry: AuditEntryInput): Promise<AuditLog> {
    const [row] = await sqlOf(this.db).query<AuditLog & { id: string }>(
      `INSERT INTO "AuditLog" ("tenantId", "actorType", "actorId", action, "targetType", "targetId", details, ip, "userAgent")
       VALUES ($1::uuid, $2::"ActorType", $3, $4, $5, $6, $7::jsonb, $8, $9)
       RETURNING *`,
      [
        tenantId,
        entry.actorType,
        entry.actorId ?? null,
        entry.action,
        entry.targetType ?? null,
        entry.targetId ?? null,
        JSON.stringify(entry.details ?? {}),
        entry.ip ?? null,
        entry.userAgent ?? null,
      ],
    );
    return { ...row, id: BigInt(row.id) };
  }

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
