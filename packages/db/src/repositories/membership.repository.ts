import type { Membership, Role, User } from '../generated/prisma/client.js';
import type { Db } from '../client.js';
import { isUuid, type TenantScoped } from './tenant-scoped.js';

export type MembershipWithUser = Membership & { user: User };

/** Why a membership change was refused (the caller maps it to an error). */
export type MembershipChangeRefusal = 'NOT_FOUND' | 'LAST_OWNER' | 'CHANGED';

export type MembershipChange = { ok: true; before: MembershipWithUser; after: MembershipWithUser | null } | { ok: false; reason: MembershipChangeRefusal };

/**
 * The members of a tenant. Changing or removing one is checked against "a tenant keeps at least one
 * OWNER" under a lock on the tenant's OWNER rows, so two owners demoting each other at once cannot
 * leave the tenant with none.
 */
export class MembershipRepository implements TenantScoped<MembershipRepository> {
  constructor(private readonly db: Db) {}

  /** Oldest first. */
  async list(tenantId: string): Promise<MembershipWithUser[]> {
    if (!isUuid(tenantId)) return [];
    return this.db.membership.findMany({ where: { tenantId }, include: { user: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  async findById(tenantId: string, id: string): Promise<MembershipWithUser | null> {
    if (!isUuid(tenantId) || !isUuid(id)) return null;
    return this.db.membership.findFirst({ where: { id, tenantId }, include: { user: true } });
  }

  async findByUser(tenantId: string, userId: string): Promise<Membership | null> {
    if (!isUuid(tenantId) || !isUuid(userId)) return null;
    return this.db.membership.findUnique({ where: { tenantId_userId: { tenantId, userId } } });
  }

  /**
   * Sets the member's role (compare-and-set on the role `expected` that the caller checked its rights
   * against), or removes the member (`role` null) and their sessions in this tenant. Refused when it
   * would leave the tenant without an OWNER.
   */
  async change(tenantId: string, id: string, expected: Role, role: Role | null): Promise<MembershipChange> {
    if (!isUuid(tenantId) || !isUuid(id)) return { ok: false, reason: 'NOT_FOUND' };
    return this.db.$transaction(async (tx) => {
      if (expected === 'OWNER' && role !== 'OWNER') {
        const owners = await tx.$queryRaw<Array<{ id: string }>>`
          SELECT id FROM "Membership" WHERE "tenantId" = ${tenantId}::uuid AND role = 'OWNER'::"Role" ORDER BY id FOR UPDATE`;
        if (owners.length <= 1 && owners.some((o) => o.id === id)) return { ok: false, reason: 'LAST_OWNER' } as const;
      }
      const before = await tx.membership.findFirst({ where: { id, tenantId }, include: { user: true } });
      if (!before) return { ok: false, reason: 'NOT_FOUND' } as const;
      if (before.role !== expected) return { ok: false, reason: 'CHANGED' } as const;
      if (role === null) {
        await tx.membership.deleteMany({ where: { id, tenantId, role: expected } });
        await tx.session.deleteMany({ where: { tenantId, userId: before.userId } });
        return { ok: true, before, after: null } as const;
      }
      const updated = await tx.membership.updateManyAndReturn({ where: { id, tenantId, role: expected }, data: { role } });
      if (updated.length !== 1) return { ok: false, reason: 'CHANGED' } as const;
      return { ok: true, before, after: { ...updated[0], user: before.user } } as const;
    });
  }
}
