import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import type { Tenant } from '../generated/prisma/client.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { SessionRepository } from './session.repository.js';
import { TenantRepository } from './tenant.repository.js';
import { UserRepository } from './user.repository.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

describe('repositories (real Postgres)', () => {
  let db: TestDatabase;
  let tenants: TenantRepository;
  let users: UserRepository;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    db = await createTestDatabase('repositories');
    tenants = new TenantRepository(db.prisma);
    users = new UserRepository(db.prisma);
    a = await tenants.create({ name: 'Acme', slug: 'acme' });
    b = await tenants.create({ name: 'Bolt', slug: 'bolt' });
  });
  afterAll(async () => {
    await db?.drop();
  });

  describe('TenantRepository', () => {
    it('finds a tenant by id and by slug, and nothing for unknown or malformed ids', async () => {
      expect(await tenants.findById(a.id)).toEqual(a);
      expect(await tenants.findBySlug('bolt')).toEqual(b);
      expect(a.concurrencyQuota).toBe(64);
      expect(await tenants.findById(MISSING)).toBeNull();
      expect(await tenants.findById('not-a-uuid')).toBeNull();
      expect(await tenants.findBySlug('nope')).toBeNull();
    });

    it('runs inside a transaction when given its client, and rolls back with it', async () => {
      await expect(
        db.prisma.$transaction(async (tx) => {
          await new TenantRepository(tx).create({ name: 'Ghost', slug: 'ghost' });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await tenants.findBySlug('ghost')).toBeNull();
    });
  });

  describe('UserRepository', () => {
    it('creates the tenant, the user and its OWNER membership together', async () => {
      const { user, tenant, membership } = await users.createWithTenant('ada@example.com', 'hash-1', 'Analytical', 'analytical');
      expect(user).toMatchObject({ email: 'ada@example.com', passwordHash: 'hash-1' });
      expect(tenant).toMatchObject({ name: 'Analytical', slug: 'analytical' });
      expect(membership).toMatchObject({ tenantId: tenant.id, userId: user.id, role: 'OWNER' });
      expect(await users.findByEmail('ada@example.com')).toEqual(user);
      expect(await users.findById(user.id)).toEqual(user);
      expect(await users.tenantById(tenant.id)).toEqual(tenant);
      const memberships = await users.membershipsOf(user.id);
      expect(memberships).toHaveLength(1);
      expect(memberships[0]).toMatchObject({ role: 'OWNER', tenantId: tenant.id, tenant });
    });

    it('creates nothing when the email is taken (no orphan tenant)', async () => {
      const tenantsBefore = await db.prisma.tenant.count();
      await expect(users.createWithTenant('ada@example.com', 'hash-2', 'Second', 'second')).rejects.toMatchObject({ code: 'P2002' });
      expect(await db.prisma.tenant.count()).toBe(tenantsBefore);
      expect(await tenants.findBySlug('second')).toBeNull();
    });

    it('lists memberships oldest first', async () => {
      const { user, tenant } = await users.createWithTenant('bob@example.com', 'h', 'Bob Co', 'bob-co');
      await db.prisma.membership.create({ data: { tenantId: a.id, userId: user.id, role: 'VIEWER' } });
      expect((await users.membershipsOf(user.id)).map((m) => [m.tenant.slug, m.role])).toEqual([
        [tenant.slug, 'OWNER'],
        ['acme', 'VIEWER'],
      ]);
      expect(await users.membershipsOf('garbage')).toEqual([]);
    });
  });

  describe('SessionRepository', () => {
    it('finds a session by token hash only until it expires', async () => {
      const sessions = new SessionRepository(db.prisma);
      const { user, tenant } = await users.createWithTenant('sam@example.com', 'h', 'Sam Co', 'sam-co');
      const expiresAt = new Date('2030-01-01T12:00:00Z');
      const session = await sessions.create(tenant.id, user.id, 'token-hash-1', expiresAt);
      expect(session).toMatchObject({ tenantId: tenant.id, userId: user.id, tokenHash: 'token-hash-1', expiresAt });
      expect(await sessions.findValid('token-hash-1', new Date('2030-01-01T11:59:59.999Z'))).toEqual(session);
      expect(await sessions.findValid('token-hash-1', expiresAt)).toBeNull();
      expect(await sessions.findValid('other-hash', new Date('2029-01-01T00:00:00Z'))).toBeNull();
    });

    it("resolves a session to its user's current role until it expires, and not at all once the membership is gone", async () => {
      const sessions = new SessionRepository(db.prisma);
      const { user, tenant } = await users.createWithTenant('rae@example.com', 'h', 'Rae Co', 'rae-co');
      const expiresAt = new Date('2030-01-01T12:00:00Z');
      const session = await sessions.create(tenant.id, user.id, 'token-hash-2', expiresAt);
      const before = new Date('2030-01-01T11:59:59.999Z');
      expect(await sessions.findValidWithRole('token-hash-2', before)).toEqual({ sessionId: session.id, tenantId: tenant.id, userId: user.id, role: 'OWNER' });
      expect(await sessions.findValidWithRole('token-hash-2', expiresAt)).toBeNull();
      expect(await sessions.findValidWithRole('other-hash', before)).toBeNull();
      await db.prisma.membership.update({ where: { tenantId_userId: { tenantId: tenant.id, userId: user.id } }, data: { role: 'VIEWER' } });
      expect((await sessions.findValidWithRole('token-hash-2', before))?.role).toBe('VIEWER');
      await db.prisma.membership.delete({ where: { tenantId_userId: { tenantId: tenant.id, userId: user.id } } });
      expect(await sessions.findValidWithRole('token-hash-2', before)).toBeNull();
    });
    it('answers concurrent lookups in one batch, each with its own token and clock', async () => {
      const sessions = new SessionRepository(db.prisma);
      const { user, tenant } = await users.createWithTenant('kim@example.com', 'h', 'Kim Co', 'kim-co');
      const session = await sessions.create(tenant.id, user.id, 'token-hash-3', new Date('2030-01-01T12:00:00Z'));
      const found = { sessionId: session.id, tenantId: tenant.id, userId: user.id, role: 'OWNER' };
      const early = new Date('2030-01-01T11:00:00Z');
      const late = new Date('2030-01-01T13:00:00Z');
      // Submitted in one turn of the event loop: they share one statement.
      const results = await Promise.all([
        sessions.findValidWithRole('token-hash-3', early),
        sessions.findValidWithRole('token-hash-3', late),
        sessions.findValidWithRole('nobody', early),
        sessions.findValidWithRole('token-hash-3', early),
        sessions.findValidWithRole('nobody', late),
        sessions.findValidWithRole('token-hash-3', early),
      ]);
      expect(results).toEqual([found, null, null, found, null, found]);
    });
  });

  describe('SessionRepository (sessions of a user)', () => {
    it("lists and revokes a user's sessions in one tenant only", async () => {
      const sessions = new SessionRepository(db.prisma);
      const { user, tenant } = await users.createWithTenant('lee@example.com', 'h', 'Lee Co', 'lee-co');
      const now = new Date('2029-01-01T00:00:00Z');
      const mine = await sessions.create(tenant.id, user.id, 'token-hash-4', new Date('2030-01-01T00:00:00Z'), { ip: '10.0.0.1', userAgent: 'ua' });
      await sessions.create(tenant.id, user.id, 'token-hash-5', new Date('2028-01-01T00:00:00Z'));
      expect((await sessions.listOfUser(tenant.id, user.id, now)).map((s) => [s.id, s.ip, s.userAgent])).toEqual([[mine.id, '10.0.0.1', 'ua']]);
      expect(await sessions.listOfUser(a.id, user.id, now)).toEqual([]);
      expect(await sessions.revoke(a.id, user.id, mine.id)).toBeNull();
      expect((await sessions.revoke(tenant.id, user.id, mine.id))?.id).toBe(mine.id);
      expect(await sessions.revoke(tenant.id, user.id, mine.id)).toBeNull();
      expect(await sessions.findValid('token-hash-4', now)).toBeNull();
    });
  });

  describe('ApiKeyRepository', () => {
    let keys: ApiKeyRepository;
    beforeAll(() => {
      keys = new ApiKeyRepository(db.prisma);
    });

    it("keeps a tenant's keys out of another tenant's reach", async () => {
      const key = await keys.create(a.id, { name: 'ci', role: 'EDITOR', secretHash: 'secret-a' });
      expect(key).toMatchObject({ tenantId: a.id, name: 'ci', role: 'EDITOR', revokedAt: null, createdById: null });

      expect(await keys.findById(b.id, key.id)).toBeNull();
      expect(await keys.list(b.id)).toEqual([]);
      expect(await keys.revoke(b.id, key.id)).toBeNull();
      await keys.touch(b.id, key.id, new Date('2030-01-01T00:00:00Z'));

      // Still active and untouched after tenant B's attempts.
      expect(await keys.findActiveByHash('secret-a')).toEqual(key);
      expect(await keys.findById(a.id, key.id)).toEqual(key);
      expect(await keys.list(a.id)).toEqual([key]);
    });

    it('revokes once: a revoked key no longer authenticates', async () => {
      const key = await keys.create(a.id, { name: 'old', role: 'VIEWER', secretHash: 'secret-old' });
      const now = new Date('2030-06-01T00:00:00Z');
      expect(await keys.revoke(a.id, key.id, now)).toMatchObject({ id: key.id, revokedAt: now });
      expect(await keys.findActiveByHash('secret-old')).toBeNull();
      expect(await keys.revoke(a.id, key.id)).toBeNull();
      expect((await keys.findById(a.id, key.id))?.revokedAt).toEqual(now);
      expect(await keys.revoke(a.id, 'not-a-uuid')).toBeNull();
      expect(await keys.findById(a.id, MISSING)).toBeNull();
    });

    it('records the last use and lists newest first', async () => {
      const key = await keys.create(b.id, { name: 'first', role: 'ADMIN', secretHash: 'secret-b1' });
      const newer = await keys.create(b.id, { name: 'second', role: 'VIEWER', secretHash: 'secret-b2' });
      const usedAt = new Date('2030-02-02T00:00:00Z');
      await keys.touch(b.id, key.id, usedAt);
      expect((await keys.findById(b.id, key.id))?.lastUsedAt).toEqual(usedAt);
      expect((await keys.list(b.id)).map((k) => k.id)).toEqual([newer.id, key.id]);
    });
  });

  describe('AuditLogRepository', () => {
    it("pages a tenant's entries newest first by id, never showing another tenant's", async () => {
      const audit = new AuditLogRepository(db.prisma);
      for (let i = 1; i <= 5; i++) {
        await audit.append(a.id, {
          actorType: 'user',
          actorId: MISSING,
          action: `action${i}`,
          details: { i, nested: { ok: true } },
          ip: '10.0.0.1',
          userAgent: 'jest',
        });
      }
      const other = await audit.append(b.id, { actorType: 'system', action: 'other' });
      expect(other).toMatchObject({ tenantId: b.id, actorId: null, details: {}, ip: null });

      const first = await audit.list(a.id, { limit: 2 });
      expect(first.map((e) => e.action)).toEqual(['action5', 'action4']);
      expect(first[0]).toMatchObject({ tenantId: a.id, actorType: 'user', details: { i: 5, nested: { ok: true } }, ip: '10.0.0.1', userAgent: 'jest' });
      expect(typeof first[0].id).toBe('bigint');
      const second = await audit.list(a.id, { before: first[1].id, limit: 10 });
      expect(second.map((e) => e.action)).toEqual(['action3', 'action2', 'action1']);
      expect(await audit.count(a.id)).toBe(5);
      expect((await audit.list(b.id, { limit: 10 })).map((e) => e.action)).toEqual(['other']);
      expect(await audit.list('garbage', { limit: 10 })).toEqual([]);
    });

    it('group-commits concurrent appends: each caller gets its own row, and a bad entry fails only itself', async () => {
      const audit = new AuditLogRepository(db.prisma);
      const entries = Array.from({ length: 12 }, (_, i) => ({ actorType: 'user' as const, action: `batch${i}`, details: { i }, targetId: `t${i}` }));
      const rows = await Promise.all(entries.map((e, i) => audit.append(i % 2 ? a.id : b.id, e)));
      rows.forEach((row, i) => expect(row).toMatchObject({ tenantId: i % 2 ? a.id : b.id, action: `batch${i}`, details: { i }, targetId: `t${i}` }));
      expect(new Set(rows.map((r) => r.id)).size).toBe(12);
      // A tenant that does not exist (foreign key) among good entries: only its caller fails.
      const mixed = await Promise.allSettled([
        audit.append(a.id, { actorType: 'user', action: 'ok1' }),
        audit.append(a.id, { actorType: 'user', action: 'ok2' }),
        audit.append(MISSING, { actorType: 'user', action: 'orphan' }),
        audit.append(a.id, { actorType: 'user', action: 'ok3' }),
      ]);
      expect(mixed.map((m) => m.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect((await audit.list(a.id, { limit: 3 })).map((e) => e.action).sort()).toEqual(['ok1', 'ok2', 'ok3']);
    });
  });
});
