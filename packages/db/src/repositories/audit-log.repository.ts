import type { ActorType, AuditLog, Prisma } from '../generated/prisma/client.js';
import type { DbClient } from '../client.js';
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

  append(tenantId: string, entry: AuditEntryInput): Promise<AuditLog> {
    const { details, ...rest } = entry;
    return this.db.auditLog.create({ data: { tenantId, ...rest, details: (details ?? {}) as Prisma.InputJsonObject } });
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
