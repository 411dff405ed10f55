import { Inject, Injectable } from '@nestjs/common';
import { TowerError } from '@tower/core';
import type { TowerConfig } from '@tower/config';
import type { ApiKey, PrismaClient, Role, Tenant, User } from '@tower/db';
import { CONFIG, PRISMA } from '../common/tokens.js';
import { hasRole, ROLE_RANK, type Actor } from './actor.js';
import { hashPassword, newToken, tokenHash, verifyPassword } from './password.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface AuthResult {
  token: string;
  user: User;
  tenant: Tenant;
}

function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `${base || 'org'}-${newToken('tower_key').slice(-6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CONFIG) private readonly config: TowerConfig,
  ) {}

  async signUp(email: string, password: string, tenantName: string): Promise<AuthResult> {
    const normalized = email.trim().toLowerCase();
    if (!EMAIL.test(normalized)) throw new TowerError('BAD_USER_INPUT', 'email is not a valid address', { path: 'email' });
    if (password.length < 8) throw new TowerError('BAD_USER_INPUT', 'password must be at least 8 characters', { path: 'password' });
    if (!tenantName.trim()) throw new TowerError('BAD_USER_INPUT', 'tenantName must not be empty', { path: 'tenantName' });
    const passwordHash = await hashPassword(password);
    try {
      const { user, tenant } = await this.prisma.$transaction(async (tx) => {
        const tenant = await tx.tenant.create({ data: { name: tenantName.trim(), slug: slugify(tenantName) } });
        const user = await tx.user.create({ data: { email: normalized, passwordHash } });
        await tx.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: 'OWNER' } });
        return { user, tenant };
      });
      return { token: await this.createSession(tenant.id, user.id), user, tenant };
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw new TowerError('CONFLICT', 'an account with this email already exists', { path: 'email' });
      throw err;
    }
  }

  async login(email: string, password: string): Promise<AuthResult> {
    const user = await this.prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
    // Same message for an unknown email and a wrong password.
    if (!user || !(await verifyPassword(password, user.passwordHash))) throw new TowerError('UNAUTHENTICATED', 'wrong email or password');
    const membership = await this.prisma.membership.findFirst({ where: { userId: user.id }, orderBy: { createdAt: 'asc' }, include: { tenant: true } });
    if (!membership) throw new TowerError('UNAUTHENTICATED', 'this account belongs to no organisation');
    return { token: await this.createSession(membership.tenantId, user.id), user, tenant: membership.tenant };
  }

  private async createSession(tenantId: string, userId: string): Promise<string> {
    const token = newToken('tower_sess');
    const expiresAt = new Date(Date.now() + this.config.SESSION_TTL_HOURS * 3_600_000);
    await this.prisma.session.create({ data: { tenantId, userId, tokenHash: tokenHash(token), expiresAt } });
    return token;
  }

  /** Resolves a bearer token (session or API key) to an actor, or null. */
  async authenticate(authorization: string | undefined | null, origin: { ip: string | null; userAgent: string | null }): Promise<Actor | null> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return null;
    const token = m[1];
    const hash = tokenHash(token);
    if (token.startsWith('tower_key_')) {
      const key = await this.prisma.apiKey.findUnique({ where: { secretHash: hash } });
      if (!key || key.revokedAt) return null;
      // lastUsedAt is informational: no need to make the request wait for it.
      void this.prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
      return { tenantId: key.tenantId, role: key.role, userId: null, apiKeyId: key.id, ...origin };
    }
    const session = await this.prisma.session.findUnique({ where: { tokenHash: hash } });
    if (!session || session.expiresAt < new Date()) return null;
    const membership = await this.prisma.membership.findUnique({ where: { tenantId_userId: { tenantId: session.tenantId, userId: session.userId } } });
    if (!membership) return null;
    return { tenantId: session.tenantId, role: membership.role, userId: session.userId, apiKeyId: null, ...origin };
  }

  async createApiKey(actor: Actor, name: string, role: Role): Promise<{ apiKey: ApiKey; secret: string }> {
    if (!name.trim()) throw new TowerError('BAD_USER_INPUT', 'name must not be empty', { path: 'name' });
    if (ROLE_RANK[role] > ROLE_RANK[actor.role]) throw new TowerError('FORBIDDEN', `a ${actor.role} cannot create a ${role} key`);
    const secret = newToken('tower_key');
    const apiKey = await this.prisma.apiKey.create({
      data: { tenantId: actor.tenantId, name: name.trim(), role, secretHash: tokenHash(secret), createdById: actor.userId },
    });
    return { apiKey, secret };
  }

  async revokeApiKey(actor: Actor, id: string): Promise<ApiKey> {
    const [key] = await this.prisma.apiKey.updateManyAndReturn({
      where: { id: isUuid(id) ? id : '00000000-0000-0000-0000-000000000000', tenantId: actor.tenantId },
      data: { revokedAt: new Date() },
    });
    if (!key) throw new TowerError('NOT_FOUND', `API key ${id} not found`);
    return key;
  }

  listApiKeys(actor: Actor): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({ where: { tenantId: actor.tenantId }, orderBy: { createdAt: 'desc' } });
  }

  async viewer(actor: Actor): Promise<{ user: User | null; tenant: Tenant; role: Role }> {
    const [tenant, user] = await Promise.all([
      this.prisma.tenant.findUniqueOrThrow({ where: { id: actor.tenantId } }),
      actor.userId ? this.prisma.user.findUnique({ where: { id: actor.userId } }) : Promise.resolve(null),
    ]);
    return { user, tenant, role: actor.role };
  }

  requireRole(actor: Actor, role: Role): void {
    if (!hasRole(actor, role)) throw new TowerError('FORBIDDEN', `this needs the ${role} role or higher (you are ${actor.role})`);
  }
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
