import { Injectable } from '@nestjs/common';
import { isTowerError, TowerError } from '@tower/core';
import { AuditLogRepository, withTenantScope } from '@tower/db';
import type { Logger } from '@tower/logger';
import type { Actor, RequestOrigin } from '../auth/actor.js';
import { InjectLogger } from '../common/tokens.js';
import { auditArgs, auditOutcome, auditTarget } from './audit-details.js';
import type { AuditEntryConnection } from './dtos/audit-entry.dto.js';
import { keysetConnection, keysetPageArgs, type ConnectionArgs } from '../common/pagination.js';

export interface MutationRecord {
  action: string;
  actor?: Actor;
  origin: RequestOrigin;
  args: Record<string, unknown>;
  /** GraphQL return type name, used as targetType when the result is the target itself. */
  returnType?: string;
  result?: unknown;
  error?: unknown;
}

@Injectable()
export class AuditService {
  constructor(
    private readonly auditLogs: AuditLogRepository,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  /**
   * One row per mutation, successful or refused: who (user or API key), what (mutation, target,
   * non-secret arguments, outcome), when, and from where (IP, user agent). A mutation that failed
   * before any tenant was known (e.g. a login with a wrong password) has no tenant to file it
   * under and is only logged.
   */
  async recordMutation(rec: MutationRecord): Promise<void> {
    const fromResult = rec.result as { tenant?: { id?: string }; user?: { id?: string } } | null | undefined;
    const tenantId = rec.actor?.tenantId ?? fromResult?.tenant?.id;
    const outcome = auditOutcome(rec.error);
    if (!tenantId) {
      this.logger.info({ action: rec.action, outcome, ip: rec.origin.ip }, 'mutation without tenant (not audited)');
      return;
    }
    const { targetType, targetId } = rec.error === undefined ? auditTarget(rec.result, rec.returnType) : { targetType: null, targetId: null };
    try {
      // The tenant may not be the request's yet (login and sign-up learn it from their result).
      await withTenantScope(tenantId, () =>
        this.auditLogs.append(tenantId, {
          actorType: rec.actor?.apiKeyId ? 'api_key' : 'user',
          actorId: rec.actor?.apiKeyId ?? rec.actor?.userId ?? fromResult?.user?.id ?? null,
          action: rec.action,
          targetType,
          targetId,
          details: {
            args: auditArgs(rec.args),
            outcome,
            ...(rec.error !== undefined && isTowerError(rec.error) ? { error: rec.error.message } : {}),
          },
          ip: rec.origin.ip,
          userAgent: rec.origin.userAgent,
        }),
      );
    } catch (err) {
      // The mutation already happened: failing the response would make the client retry it.
      this.logger.error({ err, action: rec.action, tenantId }, 'failed to write the audit log');
    }
  }

  /** Newest first, paged by id (stable while new rows are appended). */
  async list(actor: Actor, args: ConnectionArgs): Promise<AuditEntryConnection> {
    const page = keysetPageArgs(args);
    if (page.afterKey !== null && !/^\d{1,19}$/.test(page.afterKey))
      throw new TowerError('BAD_USER_INPUT', 'after is not a cursor of this list', { path: 'after' });
    const before = page.afterKey === null ? undefined : BigInt(page.afterKey);
    const [rows, totalCount] = await Promise.all([
      this.auditLogs.list(actor.tenantId, { before, limit: page.limit + 1 }),
      this.auditLogs.count(actor.tenantId),
    ]);
    const entries = rows.map((r) => ({ ...r, id: r.id.toString() }));
    return keysetConnection(entries, page, totalCount, (e) => e.id);
  }
}
