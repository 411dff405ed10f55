import { Injectable } from '@nestjs/common';
import type { TowerConfig } from '@tower/config';
import { isTowerError, TowerError } from '@tower/core';
import {
  InvitationRepository,
  isUuid,
  MembershipRepository,
  UserRepository,
  type Invitation,
  type InvitationRefusal,
  type Invitee,
  type MembershipChangeRefusal,
  type MembershipWithUser,
} from '@tower/db';
import type { Actor, RequestOrigin } from '../auth/actor.js';
import { AuthService, type AuthResult } from '../auth/auth.service.js';
import { normalizeEmail, PASSWORD_MAX, validateEmail, validateNewPassword } from '../auth/auth.validation.js';
import { CryptoRepository } from '../auth/crypto.repository.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { PrincipalRevocations } from '../auth/principal-revocations.js';
import { InjectConfig } from '../common/tokens.js';
import type { AcceptInvitationArgs, InviteMemberArgs, UpdateMemberRoleArgs } from './dtos/members.args.js';
import { InvitationStatus, type InvitationModel, type InviteMemberPayload, type MemberModel } from './dtos/member.dto.js';
import { InvitationMailer } from './invitation-mailer.js';
import { grantRefusal, invitationLink, invitationStatus, manageRefusal } from './member-policy.js';

const NAME_MAX = 100;

function toMember(m: MembershipWithUser): MemberModel {
  return { id: m.id, role: m.role, createdAt: m.createdAt, user: { id: m.user.id, email: m.user.email, name: m.user.name } };
}

export function toInvitationModel(inv: Invitation, now = new Date()): InvitationModel {
  return {
    id: inv.id,
    email: inv.email,
    role: inv.role,
    status: InvitationStatus[invitationStatus(inv, now)],
    createdAt: inv.createdAt,
    expiresAt: inv.expiresAt,
    acceptedAt: inv.acceptedAt,
    revokedAt: inv.revokedAt,
  };
}

const INVITATION_REFUSALS: Record<InvitationRefusal, () => TowerError> = {
  UNKNOWN: () => new TowerError('NOT_FOUND', 'no such invitation: check the link', { path: 'token', details: { reason: 'UNKNOWN' } }),
  EXPIRED: () => new TowerError('CONFLICT', 'this invitation has expired: ask for a new one', { path: 'token', details: { reason: 'EXPIRED' } }),
  ACCEPTED: () => new TowerError('CONFLICT', 'this invitation was already used', { path: 'token', details: { reason: 'ACCEPTED' } }),
  REVOKED: () => new TowerError('CONFLICT', 'this invitation was revoked', { path: 'token', details: { reason: 'REVOKED' } }),
  ALREADY_MEMBER: () => new TowerError('CONFLICT', 'you are already a member of this organisation', { path: 'token', details: { reason: 'ALREADY_MEMBER' } }),
  EMAIL_TAKEN: () =>
    new TowerError('UNAUTHENTICATED', 'an account with the invited email exists: sign in (or give its password) to accept', {
      path: 'password',
      details: { reason: 'SIGN_IN_REQUIRED' },
    }),
  EMAIL_MISMATCH: () =>
    new TowerError('FORBIDDEN', 'this invitation is for another email address than the signed-in account', {
      path: 'token',
      details: { reason: 'EMAIL_MISMATCH' },
    }),
};

const CHANGE_REFUSALS: Record<MembershipChangeRefusal, (id: string) => TowerError> = {
  NOT_FOUND: (id) => new TowerError('NOT_FOUND', `member ${id} not found`, { path: 'id' }),
  LAST_OWNER: () =>
    new TowerError('CONFLICT', 'the last OWNER cannot be removed or demoted: make another member OWNER first', { details: { reason: 'LAST_OWNER' } }),
  CHANGED: () => new TowerError('CONFLICT', 'the member was changed concurrently; retry', { details: { reason: 'CHANGED' } }),
};

/** Members of the caller's organisation and invitations to it. */
@Injectable()
export class MembersService {
  constructor(
    private readonly memberships: MembershipRepository,
    private readonly invitations: InvitationRepository,
    private readonly users: UserRepository,
    private readonly auth: AuthService,
    private readonly crypto: CryptoRepository,
    private readonly throttle: LoginThrottle,
    private readonly revocations: PrincipalRevocations,
    private readonly mailer: InvitationMailer,
    @InjectConfig() private readonly config: TowerConfig,
  ) {}

  async list(actor: Actor): Promise<MemberModel[]> {
    return (await this.memberships.list(actor.tenantId)).map(toMember);
  }

  async listInvitations(actor: Actor): Promise<InvitationModel[]> {
    const now = new Date();
    return (await this.invitations.list(actor.tenantId)).map((i) => toInvitationModel(i, now));
  }

  /**
   * A single-use token expiring after INVITATION_TTL_SECONDS; only its hash is stored. The link is
   * returned to the inviter and mailed through the platform's SMTP server. A pending invitation of the
   * same email is replaced (revoked) so only the newest link works.
   */
  async invite(actor: Actor, args: InviteMemberArgs): Promise<InviteMemberPayload> {
    const email = validateEmail(args.email);
    const refusal = grantRefusal(actor.role, args.role);
    if (refusal) throw new TowerError('FORBIDDEN', refusal, { path: 'role' });
    const existing = await this.users.findByEmail(email);
    if (existing && (await this.memberships.findByUser(actor.tenantId, existing.id))) {
      throw new TowerError('CONFLICT', `${email} is already a member`, { path: 'email', details: { reason: 'ALREADY_MEMBER' } });
    }
    const token = this.crypto.newToken('tower_inv');
    const now = new Date();
    const invitation = await this.invitations.create(
      actor.tenantId,
      {
        email,
        role: args.role,
        tokenHash: this.crypto.tokenHash(token),
        invitedById: actor.userId ?? null,
        expiresAt: new Date(now.getTime() + this.config.INVITATION_TTL_SECONDS * 1000),
      },
      now,
    );
    const [tenant, inviter] = await Promise.all([this.users.tenantById(actor.tenantId), actor.userId ? this.users.findById(actor.userId) : null]);
    const link = invitationLink(this.config.TOWER_WEB_URL, token);
    const mail = await this.mailer.send({
      to: email,
      tenantName: tenant?.name ?? 'an organisation',
      invitedBy: inviter?.email ?? null,
      role: args.role,
      link,
      expiresAt: invitation.expiresAt,
    });
    return { invitation: toInvitationModel(invitation, now), link, emailSent: mail.sent, emailError: mail.sent ? null : mail.error };
  }

  async revokeInvitation(actor: Actor, id: string): Promise<InvitationModel> {
    const found = await this.invitations.findById(actor.tenantId, id);
    if (!found) throw new TowerError('NOT_FOUND', `invitation ${id} not found`, { path: 'id' });
    const refusal = grantRefusal(actor.role, found.role);
    if (refusal) throw new TowerError('FORBIDDEN', `a ${actor.role} cannot revoke an invitation to ${found.role}`);
    if (found.revokedAt) return toInvitationModel(found);
    const revoked = await this.invitations.revoke(actor.tenantId, id, new Date());
    if (!revoked) throw new TowerError('CONFLICT', 'this invitation was already accepted', { path: 'id', details: { reason: 'ACCEPTED' } });
    return toInvitationModel(revoked);
  }

  async updateRole(actor: Actor, args: UpdateMemberRoleArgs): Promise<MemberModel> {
    const member = await this.member(actor, args.id);
    const refusal = manageRefusal(actor.role, member.role) ?? grantRefusal(actor.role, args.role);
    if (refusal) throw new TowerError('FORBIDDEN', refusal);
    if (member.role === args.role) return toMember(member);
    const change = await this.memberships.change(actor.tenantId, member.id, member.role, args.role);
    if (!change.ok) throw CHANGE_REFUSALS[change.reason](args.id);
    return toMember(change.after!);
  }

  /** The member loses access at once: their sessions here end and their open subscriptions close. */
  async remove(actor: Actor, id: string): Promise<MemberModel> {
    const member = await this.member(actor, id);
    const refusal = manageRefusal(actor.role, member.role);
    if (refusal) throw new TowerError('FORBIDDEN', refusal);
    const change = await this.memberships.change(actor.tenantId, member.id, member.role, null);
    if (!change.ok) throw CHANGE_REFUSALS[change.reason](id);
    await this.revocations.revoke([{ kind: 'member', tenantId: actor.tenantId, userId: member.userId }]);
    return toMember(change.before);
  }

  /**
   * Joins the invitation's organisation and opens a session there. The invitee is the signed-in user
   * (a Bearer session whose account has the invited email), or the existing account of that email
   * proven by its password, or a new account created with that email and `password`.
   */
  async accept(args: AcceptInvitationArgs, authorization: string | null, origin: RequestOrigin): Promise<AuthResult> {
    const tokenHash = this.crypto.tokenHash(args.token);
    const invitee = await this.invitee(args, authorization, origin, tokenHash);
    let accepted;
    try {
      accepted = await this.invitations.accept(tokenHash, invitee, new Date());
    } catch (err) {
      // Two new accounts racing for one email: the unique index decides.
      if ((err as { code?: unknown }).code === 'P2002' || (isTowerError(err) && err.code === 'CONFLICT')) throw INVITATION_REFUSALS.EMAIL_TAKEN();
      throw err;
    }
    if (!accepted.ok) throw INVITATION_REFUSALS[accepted.reason]();
    return { ...(await this.auth.openSession(accepted.tenant.id, accepted.user.id, origin)), user: accepted.user, tenant: accepted.tenant };
  }

  private async invitee(args: AcceptInvitationArgs, authorization: string | null, origin: RequestOrigin, tokenHash: string): Promise<Invitee> {
    const caller = authorization ? await this.auth.authenticate(authorization, origin) : null;
    if (authorization && !caller) throw new TowerError('UNAUTHENTICATED', 'missing, invalid, expired or revoked bearer token');
    if (caller) {
      if (!caller.userId) throw new TowerError('FORBIDDEN', 'acceptInvitation needs a user session, not an API key: sign in as the invited user');
      return { userId: caller.userId };
    }
    const invitation = await this.invitations.findByTokenHash(tokenHash);
    if (!invitation) throw INVITATION_REFUSALS.UNKNOWN();
    const existing = await this.users.findByEmail(invitation.email);
    const password = args.password ?? '';
    if (existing) {
      // Proving the account by its password is a login: throttled the same way.
      const email = normalizeEmail(invitation.email);
      await this.throttle.before(origin.ip, email);
      if (!password || password.length > PASSWORD_MAX || !(await this.crypto.verifyPassword(password, existing.passwordHash))) {
        if (password) await this.throttle.failed(origin.ip, email);
        throw INVITATION_REFUSALS.EMAIL_TAKEN();
      }
      await this.throttle.succeeded(origin.ip, email);
      return { userId: existing.id };
    }
    validateNewPassword(password);
    const name = args.name?.trim() || null;
    if (name && name.length > NAME_MAX) throw new TowerError('BAD_USER_INPUT', `name must be at most ${NAME_MAX} characters`, { path: 'name' });
    return { newUser: { passwordHash: await this.crypto.hashPassword(password), name } };
  }

  private async member(actor: Actor, id: string): Promise<MembershipWithUser> {
    const member = isUuid(id) ? await this.memberships.findById(actor.tenantId, id) : null;
    if (!member) throw CHANGE_REFUSALS.NOT_FOUND(id);
    return member;
  }
}
