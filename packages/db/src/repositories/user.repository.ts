import type { Membership, Tenant, User } from '../generated/prisma/client.js';
import type { DbClient } from '../client.js';
import { asSystem } from '../row-security.js';
import { isUuid } from './tenant-scoped.js';

export type MembershipWithTenant = Membership & { tenant: Tenant };

export interface UserWithTenant {
  user: User;
  tenant: Tenant;
  membership: Membership;
}

/**
 * Users are not tenant-scoped by nature: one user may belong to several tenants (memberships),
 * and login finds the user before any tenant is known. So every lookup here runs `asSystem`
 * (row-security.ts); the API's own role sees only the members of the caller's tenant.
 */
export class UserRepository {
  constructor(private readonly db: DbClient) {}

  /**
   * Sign-up: the tenant, the user and the user's OWNER membership, atomically (one nested write,
   * which Prisma runs in a transaction). A taken email or slug fails with P2002 and creates nothing.
   */
  async createWithTenant(email: string, passwordHash: string, tenantName: string, slug: string): Promise<UserWithTenant> {
    const created = await asSystem(() =>
      this.db.user.create({
        data: { email, passwordHash, memberships: { create: { role: 'OWNER', tenant: { create: { name: tenantName, slug } } } } },
        include: { memberships: { include: { tenant: true } } },
      }),
    );
    const { memberships, ...user } = created;
    const { tenant, ...membership } = memberships[0];
    return { user, tenant, membership };
  }

  findByEmail(email: string): Promise<User | null> {
    return asSystem(() => this.db.user.findUnique({ where: { email } }));
  }

  async findById(userId: string): Promise<User | null> {
    if (!isUuid(userId)) return null;
    return asSystem(() => this.db.user.findUnique({ where: { id: userId } }));
  }

  /** The user's memberships with their tenants, oldest first. */
  async membershipsOf(userId: string): Promise<MembershipWithTenant[]> {
    if (!isUuid(userId)) return [];
    return asSystem(() => this.db.membership.findMany({ where: { userId }, include: { tenant: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }));
  }

  /** The tenant a session or API key belongs to (the viewer's organisation). */
  async tenantById(tenantId: string): Promise<Tenant | null> {
    if (!isUuid(tenantId)) return null;
    return this.db.tenant.findUnique({ where: { id: tenantId } });
  }
}
