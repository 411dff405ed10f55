import type { Role, Session } from '../generated/prisma/client.js';
import { sqlOf, type DbClient } from '../client.js';
import type { TenantScoped } from './tenant-scoped.js';

/** Login sessions. Only a hash of the token is stored; finding one by it is how the tenant is learnt. */
export class SessionRepository implements TenantScoped<SessionRepository, 'findValid' | 'findValidWithRole'> {
  constructor(private readonly db: DbClient) {}

  create(tenantId: string, userId: string, tokenHash: string, expiresAt: Date): Promise<Session> {
    return this.db.session.create({ data: { tenantId, userId, tokenHash, expiresAt } });
  }

  /**
   * What every request with a session token needs, in one round trip: the session (if it has not
   * expired at `now`) and its user's current role in the session's tenant. No membership: null,
   * so a removed or changed membership takes effect at once.
   */
  async findValidWithRole(tokenHash: string, now: Date): Promise<{ tenantId: string; userId: string; role: Role } | null> {
    // Plain SQL on the pool (a prepared statement): it runs before every request's work, and
    // Prisma's query layer cost more CPU than the lookup itself.
    const [row] = await sqlOf(this.db).query<{ tenantId: string; userId: string; role: Role }>(
      `SELECT s."tenantId", s."userId", m.role::text AS role
       FROM "Session" s JOIN "Membership" m ON m."tenantId" = s."tenantId" AND m."userId" = s."userId"
       WHERE s."tokenHash" = $1 AND s."expiresAt" > $2
       LIMIT 1`,
      [tokenHash, now],
    );
    return row ?? null;
  }

  /** The session with this token hash if it has not expired at `now`. */
  findValid(tokenHash: string, now: Date): Promise<Session | null> {
    return this.db.session.findFirst({ where: { tokenHash, expiresAt: { gt: now } } });
  }
}
