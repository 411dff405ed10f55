import type { Invitation, Membership, Role, Tenant, User } from '../generated/prisma/client.js';
import type { Db } from '../client.js';
import { isUuid, type TenantScoped } from './tenant-scoped.js';
import { asSystem } from '../row-security.js';

export interface CreateInvitationInput {
  email: string;
  role: Role;
  /** SHA-256 of the token; the token itself goes into the link and is never stored. */
  tokenHash: string;
  invitedById: string | null;
  expiresAt: Date;
}

/** Why an invitation could not be accepted. */
export type InvitationRefusal = 'UNKNOWN' | 'EXPIRED' | 'ACCEPTED' | 'REVOKED' | 'ALREADY_MEMBER' | 'EMAIL_TAKEN' | 'EMAIL_MISMATCH';

export type AcceptedInvitation =
  { ok: true; invitation: Invitation; user: User; tenant: Tenant; membership: Membership } | { ok: false; reason: InvitationRefusal };

/** Who accepts: an existing user (by id), or a new account created with the invitation's email. */
export type Invitee = { userId: string } | { newUser: { passwordHash: string; name: string | null } };

/**
 * Member invitations of a tenant. `findByTokenHash` and `accept` are unscoped by nature: the token is
 * how the invitee (who is not a member yet) finds the tenant.
 */
export class InvitationRepository implements TenantScoped<InvitationRepository, 'findByTokenHash' | 'accept'> {
  constructor(private readonly db: Db) {}

  /** A new invitation; a pending one of the same email here is revoked, so only the newest link works. */
  create(tenantId: string, input: CreateInvitationInput, now: Date = new Date()): Promise<Invitation> {
    return this.db.$transaction(async (tx) => {
      await tx.invitation.updateMany({ where: { tenantId, email: input.email, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
      return tx.invitation.create({ data: { tenantId, ...input } });
    });
  }

  /** Newest first: pending, accepted, revoked and expired alike. */
  async list(tenantId: string, limit = 200): Promise<Invitation[]> {
    if (!isUuid(tenantId)) return [];
    return this.db.invitation.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit });
  }

  async findById(tenantId: string, id: string): Promise<Invitation | null> {
    if (!isUuid(tenantId) || !isUuid(id)) return null;
    return this.db.invitation.findFirst({ where: { id, tenantId } });
  }

  findByTokenHash(tokenHash: string): Promise<(Invitation & { tenant: Tenant }) | null> {
    // The token is how the invitee finds the tenant (row-security.ts).
    return asSystem(() => this.db.invitation.findUnique({ where: { tokenHash }, include: { tenant: true } }));
  }

  /** Revokes a pending invitation (compare-and-set); null when it is not pending any more. */
  async revoke(tenantId: string, id: string, now: Date): Promise<Invitation | null> {
    if (!isUuid(tenantId) || !isUuid(id)) return null;
    const [row] = await this.db.invitation.updateManyAndReturn({ where: { id, tenantId, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
    return row ?? null;
  }

  /**
   * Uses the invitation once, in one transaction: marks it accepted (compare-and-set on "pending and
   * not expired at `now`"), creates the account when the invitee is new, and the membership. Any
   * refusal writes nothing.
   */
  async accept(tokenHash: string, invitee: Invitee, now: Date): Promise<AcceptedInvitation> {
    return asSystem(() => this.acceptOnce(tokenHash, invitee, now));
  }

  private acceptOnce(tokenHash: string, invitee: Invitee, now: Date): Promise<AcceptedInvitation> {
    return this.db.$transaction(async (tx) => {
      const refuse = (reason: InvitationRefusal) => ({ ok: false, reason }) as const;
      const found = await tx.invitation.findUnique({ where: { tokenHash } });
      if (!found) return refuse('UNKNOWN');
      if (found.revokedAt) return refuse('REVOKED');
      if (found.acceptedAt) return refuse('ACCEPTED');
      if (found.expiresAt <= now) return refuse('EXPIRED');

      let user: User | null;
      if ('userId' in invitee) {
        user = await tx.user.findUnique({ where: { id: invitee.userId } });
        if (!user) return refuse('UNKNOWN');
        if (user.email !== found.email) return refuse('EMAIL_MISMATCH');
        if (await tx.membership.findUnique({ where: { tenantId_userId: { tenantId: found.tenantId, userId: user.id } } })) return refuse('ALREADY_MEMBER');
      } else {
        if (await tx.user.findUnique({ where: { email: found.email } })) return refuse('EMAIL_TAKEN');
        user = null;
      }

      const [invitation] = await tx.invitation.updateManyAndReturn({
        where: { id: found.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
        data: { acceptedAt: now },
      });
      if (!invitation) return refuse('ACCEPTED');
      if ('newUser' in invitee) user = await tx.user.create({ data: { email: found.email, ...invitee.newUser } });
      if (!user) return refuse('UNKNOWN');
      const membership = await tx.membership.create({ data: { tenantId: found.tenantId, userId: user.id, role: found.role } });
      const [accepted] = await tx.invitation.updateManyAndReturn({ where: { id: found.id }, data: { acceptedById: user.id } });
      const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: found.tenantId } });
      return { ok: true, invitation: accepted ?? invitation, user, tenant, membership } as const;
    });
  }
}
