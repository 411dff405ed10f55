import type { Role, Session } from '../generated/prisma/client.js';
import { sqlOf, type Db } from '../client.js';
import { GroupCommit } from '../group-commit.js';
import { isUuid, type TenantScoped } from './tenant-scoped.js';
import { asSystem } from '../row-security.js';

/** A valid session's tenant, user and the user's current role there. */
export interface SessionRole {
  sessionId: string;
  tenantId: string;
  userId: string;
  role: Role;
}

/** Login sessions. Only a hash of the token is stored; finding one by it is how the tenant is learnt. */
export class SessionRepository implements TenantScoped<SessionRepository, 'findValid' | 'findValidWithRole'> {
  constructor(private readonly db: Db) {}

  create(
    tenantId: string,
    userId: string,
    tokenHash: string,
    expiresAt: Date,
    origin: { ip?: string | null; userAgent?: string | null } = {},
  ): Promise<Session> {
    return this.db.session.create({ data: { tenantId, userId, tokenHash, expiresAt, ip: origin.ip ?? null, userAgent: origin.userAgent ?? null } });
  }

  /** The user's sessions in this tenant that have not expired at `now`, newest first. */
  async listOfUser(tenantId: string, userId: string, now: Date): Promise<Session[]> {
    if (!isUuid(tenantId) || !isUuid(userId)) return [];
    return this.db.session.findMany({ where: { tenantId, userId, expiresAt: { gt: now } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  /** Ends one of the user's sessions in this tenant (the row is deleted); null when there is no such session. */
  async revoke(tenantId: string, userId: string, id: string): Promise<Session | null> {
    if (!isUuid(tenantId) || !isUuid(userId) || !isUuid(id)) return null;
    const session = await this.db.session.findFirst({ where: { id, tenantId, userId } });
    if (!session) return null;
    const { count } = await this.db.session.deleteMany({ where: { id, tenantId, userId } });
    return count === 1 ? session : null;
  }

  /**
   * What every request with a session token needs, in one round trip: the session (if it has not
   * expired at `now`) and its user's current role in the session's tenant. No membership: null,
   * so a removed or changed membership takes effect at once.
   */
  findValidWithRole(tokenHash: string, now: Date): Promise<SessionRole | null> {
    return this.lookups.submit({ tokenHash, now });
  }

  // Plain SQL on the pool (a prepared statement): it runs before every request's work, and
  // Prisma's query layer cost more CPU than the lookup itself. Concurrent requests' lookups share
  // one round trip (each with its own token and clock).
  // How the tenant is found: before it is known (row-security.ts), whoever's lookup the batch started from.
  private readonly lookups = new GroupCommit<{ tokenHash: string; now: Date }, SessionRole | null>(async (items) => {
    const rows = await asSystem(() =>
      sqlOf(this.db).query<SessionRole & { i: number }>(
        `SELECT DISTINCT ON (q.i) q.i::int AS i, s.id AS "sessionId", s."tenantId", s."userId", m.role::text AS role
       FROM unnest($1::text[], $2::timestamptz[]) WITH ORDINALITY AS q(hash, now, i)
       JOIN "Session" s ON s."tokenHash" = q.hash AND s."expiresAt" > q.now
       JOIN "Membership" m ON m."tenantId" = s."tenantId" AND m."userId" = s."userId"
       ORDER BY q.i`,
        [items.map((i) => i.tokenHash), items.map((i) => i.now)],
      ),
    );
    const found = new Map(rows.map(({ i, ...row }) => [i, row]));
    return items.map((_, i) => found.get(i + 1) ?? null);
  });

  /** The session with this token hash if it has not expired at `now`. */
  findValid(tokenHash: string, now: Date): Promise<Session | null> {
    return asSystem(() => this.db.session.findFirst({ where: { tokenHash, expiresAt: { gt: now } } }));
  }
}
