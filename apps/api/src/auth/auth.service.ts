import { Injectable } from '@nestjs/common';
import type { TowerConfig } from '@tower/config';
import { isTowerError, TowerError } from '@tower/core';
import {
  ApiKeyRepository,
  isUuid,
  SessionRepository,
  UserRepository,
  withTenantScope,
  type ApiKey,
  type MembershipWithTenant,
  type Session,
  type Tenant,
  type User,
} from '@tower/db';
import type { Logger } from '@tower/logger';
import { InjectConfig, InjectLogger } from '../common/tokens.js';
import { ROLE_RANK, type Actor, type RequestOrigin } from './actor.js';
import { normalizeEmail, PASSWORD_MAX, slugBase, validateApiKeyName, validateSignUp } from './auth.validation.js';
import { CryptoRepository } from './crypto.repository.js';
import { LoginThrottle } from './login-throttle.js';
import { PrincipalRevocations } from './principal-revocations.js';
import type { CreateApiKeyArgs, LoginArgs, SignUpArgs } from './dtos/auth.args.js';

export interface AuthResult {
  token: string;
  /** When the session ends (the web session cookie's lifetime). */
  expiresAt: Date;
  user: User;
  tenant: Tenant;
}

export interface ViewerResult {
  user: User | null;
  tenant: Tenant;
  role: Actor['role'];
  /** The caller's organisations (login / switchTenant choose one); empty for an API key. */
  memberships: MembershipWithTenant[];
}

export interface SessionView extends Session {
  current: boolean;
}

// One message for an unknown email and a wrong password: a login must not reveal which exists.
const wrongCredentials = () => new TowerError('UNAUTHENTICATED', 'wrong email or password');
// lastUsedAt is informational; one write a minute per key is plenty.
const TOUCH_INTERVAL_MS = 60_000;
const TOUCH_MEMORY = 10_000;

function bearerToken(authorization: string | null | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return m ? m[1] : null;
}

function isUniqueViolation(err: unknown): boolean {
  return (isTowerError(err) && err.code === 'CONFLICT') || (err as { code?: unknown } | null)?.code === 'P2002';
}

@Injectable()
export class AuthService {
  private readonly keyTouchedAt = new Map<string, number>();

  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly apiKeys: ApiKeyRepository,
    private readonly crypto: CryptoRepository,
    private readonly throttle: LoginThrottle,
    private readonly revocations: PrincipalRevocations,
    @InjectConfig() private readonly config: TowerConfig,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  /** Creates the user, its organisation (the user is OWNER) and a first session. */
  async signUp(args: SignUpArgs, origin: RequestOrigin = { ip: null, userAgent: null }): Promise<AuthResult> {
    const { email, tenantName } = validateSignUp(args);
    if (await this.users.findByEmail(email)) throw this.emailTaken();
    const passwordHash = await this.crypto.hashPassword(args.password);
    const slug = `${slugBase(tenantName)}-${this.crypto.randomSuffix(6)}`;
    let created: { user: User; tenant: Tenant };
    try {
      created = await this.users.createWithTenant(email, passwordHash, tenantName, slug);
    } catch (err) {
      // Two sign-ups racing for one email: the unique index decides.
      if (isUniqueViolation(err)) throw this.emailTaken();
      throw err;
    }
    return { ...(await this.openSession(created.tenant.id, created.user.id, origin)), user: created.user, tenant: created.tenant };
  }

  /**
   * Failed logins are throttled (LoginThrottle): per address and per (address, account) with
   * RATE_LIMITED and a retry-after, per account by a growing delay that never locks its owner out.
   */
  async login(args: LoginArgs, origin: RequestOrigin = { ip: null, userAgent: null }): Promise<AuthResult> {
    const email = normalizeEmail(args.email);
    await this.throttle.before(origin.ip, email);
    const fail = async () => {
      await this.throttle.failed(origin.ip, email);
      return wrongCredentials();
    };
    if (args.password.length > PASSWORD_MAX) throw await fail();
    const user = await this.users.findByEmail(email);
    if (!user) {
      await this.crypto.burnPasswordCheck(args.password);
      throw await fail();
    }
    if (!(await this.crypto.verifyPassword(args.password, user.passwordHash))) throw await fail();
    await this.throttle.succeeded(origin.ip, email);
    // A user may belong to several tenants; a session is for one: the one asked for, else the oldest membership.
    const membership = this.chooseMembership(await this.users.membershipsOf(user.id), args.tenantId);
    return { ...(await this.openSession(membership.tenantId, user.id, origin)), user, tenant: membership.tenant };
  }

  /**
   * A session in another organisation of the caller (a user session only); the calling session
   * ends, as a new login would replace it. NOT_FOUND when the user is no member there.
   */
  async switchTenant(actor: Actor, tenantId: string, origin: RequestOrigin): Promise<AuthResult> {
    const userId = this.sessionUser(actor, 'switchTenant');
    const user = await this.users.findById(userId);
    if (!user) throw new TowerError('UNAUTHENTICATED', 'the user of this session no longer exists');
    const membership = this.chooseMembership(await this.users.membershipsOf(userId), tenantId);
    const session = await this.openSession(membership.tenantId, userId, origin);
    await this.endSession(actor);
    return { ...session, user, tenant: membership.tenant };
  }

  /** Ends the calling session: its token stops working and its open subscriptions close. */
  async logout(actor: Actor): Promise<boolean> {
    this.sessionUser(actor, 'logout');
    await this.endSession(actor);
    return true;
  }

  /** The caller's sessions in the caller's tenant, newest first, the calling one marked `current`. */
  async listSessions(actor: Actor): Promise<SessionView[]> {
    const userId = this.sessionUser(actor, 'sessions');
    const sessions = await this.sessions.listOfUser(actor.tenantId, userId, new Date());
    return sessions.map((s) => ({ ...s, current: s.id === actor.sessionId }));
  }

  /** Ends one of the caller's own sessions (NOT_FOUND for anyone else's). */
  async revokeSession(actor: Actor, id: string): Promise<SessionView> {
    const userId = this.sessionUser(actor, 'revokeSession');
    const session = await this.sessions.revoke(actor.tenantId, userId, id);
    if (!session) throw new TowerError('NOT_FOUND', `session ${id} not found`, { path: 'id' });
    await this.revocations.revoke([{ kind: 'session', tenantId: actor.tenantId, sessionId: session.id }]);
    return { ...session, current: session.id === actor.sessionId };
  }

  private async endSession(actor: Actor): Promise<void> {
    if (!actor.userId || !actor.sessionId) return;
    const { tenantId, userId, sessionId } = actor;
    // Also outside a request's scope (the web app's sign-out, which is not GraphQL).
    await withTenantScope(tenantId, () => this.sessions.revoke(tenantId, userId, sessionId));
    await this.revocations.revoke([{ kind: 'session', tenantId: actor.tenantId, sessionId: actor.sessionId }]);
  }

  /** The user behind a session; sessions are a user's, so an API key is refused. */
  private sessionUser(actor: Actor, operation: string): string {
    if (!actor.userId) throw new TowerError('FORBIDDEN', `${operation} needs a user session, not an API key`);
    return actor.userId;
  }

  private chooseMembership(memberships: MembershipWithTenant[], tenantId: string | null | undefined): MembershipWithTenant {
    if (memberships.length === 0) throw new TowerError('UNAUTHENTICATED', 'this account belongs to no organisation');
    if (tenantId === null || tenantId === undefined) return memberships[0];
    const chosen = memberships.find((m) => m.tenantId === tenantId);
    if (!chosen) throw new TowerError('NOT_FOUND', `this account is no member of organisation ${tenantId}`, { path: 'tenantId' });
    return chosen;
  }

  /** Resolves `Bearer <session token | API key>` to the caller, or null when it is not valid now. */
  async authenticate(authorization: string | null | undefined, origin: RequestOrigin): Promise<Actor | null> {
    const token = bearerToken(authorization);
    if (!token) return null;
    const now = new Date();
    const hash = this.crypto.tokenHash(token);
    if (token.startsWith('tower_key_')) {
      const key = await this.apiKeys.findActiveByHash(hash);
      if (!key) return null;
      this.touchKey(key, now);
      return { tenantId: key.tenantId, role: key.role, apiKeyId: key.id, ...origin };
    }
    if (token.startsWith('tower_sess_')) {
      // The role is read on every request, so a changed or removed membership takes effect at once.
      const session = await this.sessions.findValidWithRole(hash, now);
      if (!session) return null;
      return { tenantId: session.tenantId, role: session.role, userId: session.userId, sessionId: session.sessionId, ...origin };
    }
    return null;
  }

  async viewer(actor: Actor): Promise<ViewerResult> {
    const [tenant, user, memberships] = await Promise.all([
      this.users.tenantById(actor.tenantId),
      actor.userId ? this.users.findById(actor.userId) : null,
      actor.userId ? this.users.membershipsOf(actor.userId) : [],
    ]);
    if (!tenant) throw new TowerError('UNAUTHENTICATED', 'the organisation of this token no longer exists');
    return { user, tenant, role: actor.role, memberships };
  }

  /** Needs ADMIN (see the resolver); a key's role may not rank above its creator's. */
  async createApiKey(actor: Actor, args: CreateApiKeyArgs): Promise<{ apiKey: ApiKey; secret: string }> {
    const name = validateApiKeyName(args.name);
    if (ROLE_RANK[args.role] > ROLE_RANK[actor.role]) {
      throw new TowerError('FORBIDDEN', `a ${actor.role} cannot create a key with the higher role ${args.role}`, { path: 'role' });
    }
    const secret = this.crypto.newToken('tower_key');
    const apiKey = await this.apiKeys.create(actor.tenantId, {
      name,
      role: args.role,
      secretHash: this.crypto.tokenHash(secret),
      createdById: actor.userId ?? null,
    });
    return { apiKey, secret };
  }

  /** Idempotent: revoking a revoked key returns it unchanged. */
  async revokeApiKey(actor: Actor, id: string): Promise<ApiKey> {
    const notFound = new TowerError('NOT_FOUND', `API key ${id} not found`, { path: 'id' });
    if (!isUuid(id)) throw notFound;
    const key = await this.apiKeys.findById(actor.tenantId, id);
    if (!key) throw notFound;
    if (ROLE_RANK[key.role] > ROLE_RANK[actor.role]) throw new TowerError('FORBIDDEN', `a ${actor.role} cannot revoke a ${key.role} key`);
    if (key.revokedAt) return key;
    const revoked = (await this.apiKeys.revoke(actor.tenantId, id, new Date())) ?? key;
    await this.revocations.revoke([{ kind: 'apiKey', tenantId: actor.tenantId, apiKeyId: id }]);
    return revoked;
  }

  listApiKeys(actor: Actor): Promise<ApiKey[]> {
    return this.apiKeys.list(actor.tenantId);
  }

  /**
   * Ends the session of this token now (the web app's sign-out; idempotent), closing its
   * subscriptions as logout does. Only user sessions: an API key is revoked with revokeApiKey.
   * Returns the caller it belonged to, for the audit.
   */
  async endSessionOfToken(token: string, origin: RequestOrigin): Promise<Actor | null> {
    if (!token.startsWith('tower_sess_')) return null;
    const actor = await this.authenticate(`Bearer ${token}`, origin);
    if (actor) await this.endSession(actor);
    return actor;
  }

  /** A new session of the user in the tenant; only the token's hash is stored. */
  async openSession(tenantId: string, userId: string, origin: RequestOrigin): Promise<{ token: string; expiresAt: Date }> {
    const token = this.crypto.newToken('tower_sess');
    const expiresAt = new Date(Date.now() + this.config.SESSION_TTL_HOURS * 3_600_000);
    // Before the caller's tenant is bound (login, sign-up) or for another one (switchTenant).
    await withTenantScope(tenantId, () => this.sessions.create(tenantId, userId, this.crypto.tokenHash(token), expiresAt, origin));
    return { token, expiresAt };
  }

  private touchKey(key: ApiKey, now: Date): void {
    const last = this.keyTouchedAt.get(key.id) ?? key.lastUsedAt?.getTime() ?? 0;
    if (now.getTime() - last < TOUCH_INTERVAL_MS) return;
    if (this.keyTouchedAt.size >= TOUCH_MEMORY) this.keyTouchedAt.clear();
    this.keyTouchedAt.set(key.id, now.getTime());
    // Not awaited: the request should not wait for bookkeeping.
    withTenantScope(key.tenantId, () => this.apiKeys.touch(key.tenantId, key.id, now)).catch((err: unknown) =>
      this.logger.warn({ err, apiKeyId: key.id }, 'could not update lastUsedAt'),
    );
  }

  private emailTaken(): TowerError {
    return new TowerError('CONFLICT', 'an account with this email already exists', { path: 'email' });
  }
}
