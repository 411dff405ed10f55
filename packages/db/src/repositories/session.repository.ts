import type { Session } from '../generated/prisma/client.js';
import type { DbClient } from '../client.js';
import type { TenantScoped } from './tenant-scoped.js';

/** Login sessions. Only a hash of the token is stored; finding one by it is how the tenant is learnt. */
export class SessionRepository implements TenantScoped<SessionRepository, 'findValid'> {
  constructor(private readonly db: DbClient) {}

  create(tenantId: string, userId: string, tokenHash: string, expiresAt: Date): Promise<Session> {
    return this.db.session.create({ data: { tenantId, userId, tokenHash, expiresAt } });
  }

  /** The session with this token hash if it has not expired at `now`. */
  findValid(tokenHash: string, now: Date): Promise<Session | null> {
    return this.db.session.findFirst({ where: { tokenHash, expiresAt: { gt: now } } });
  }
}
