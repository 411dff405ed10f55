import pg from 'pg';
import { createPrismaClient, sqlOf, type Db } from './client.js';
import { asSystem, bindTenantScope, DB_ROLES, runInDbScope, withTenantScope } from './row-security.js';
import { createTestDatabase, type TestDatabase } from './testing/test-database.js';

/**
 * Row-level security (row-security.ts, the migration `row_level_security`): with the API's role, a
 * statement without a tenant filter sees and changes nothing of another tenant — through Prisma
 * and through the raw pool alike — and nothing at all outside a tenant scope.
 */
describe('row-level security (real Postgres, the roles the processes use)', () => {
  let db: TestDatabase;
  let app: Db;
  const tenant: Record<'a' | 'b', string> = { a: '', b: '' };

  beforeAll(async () => {
    db = await createTestDatabase('row_security');
    app = createPrismaClient(db.url, { poolMax: 3, role: DB_ROLES.app });
    // Set up as the owner (the login role of the tests), which RLS does not apply to.
    for (const key of ['a', 'b'] as const) {
      const t = await db.prisma.tenant.create({ data: { name: key, slug: `rls-${key}` } });
      tenant[key] = t.id;
      const user = await db.prisma.user.create({ data: { email: `${key}@rls.test`, passwordHash: 'x' } });
      await db.prisma.membership.create({ data: { tenantId: t.id, userId: user.id, role: 'OWNER' } });
      await db.prisma.connection.create({ data: { tenantId: t.id, connId: `conn_${key}`, type: 'http', secretCiphertext: 'c', keyId: 'k' } });
      await db.prisma.auditLog.create({ data: { tenantId: t.id, actorType: 'user', action: `made_${key}`, details: {} } });
    }
  });
  afterAll(async () => {
    await app?.$disconnect();
    await db?.drop();
  });

  it('works as a role that owns no table and cannot bypass RLS', async () => {
    const [role] = await sqlOf(app).query<{ current_user: string; rolsuper: boolean; rolbypassrls: boolean }>(
      'SELECT current_user, r.rolsuper, r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user',
    );
    expect(role).toEqual({ current_user: 'tower_app', rolsuper: false, rolbypassrls: false });
    const owned = await db.prisma.$queryRaw<
      Array<{ n: number }>
    >`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'tower_app'`;
    expect(owned[0].n).toBe(0);
  });

  it('a raw query without a tenant filter returns only the scope tenant’s rows', async () => {
    const sql = sqlOf(app);
    const unfiltered = 'SELECT "tenantId"::text AS "tenantId", "connId" FROM "Connection" ORDER BY "connId"';
    expect(await withTenantScope(tenant.a, () => sql.query(unfiltered))).toEqual([{ tenantId: tenant.a, connId: 'conn_a' }]);
    expect(await withTenantScope(tenant.b, () => sql.query(unfiltered))).toEqual([{ tenantId: tenant.b, connId: 'conn_b' }]);
    // A filter on the other tenant finds nothing either.
    expect(await withTenantScope(tenant.a, () => sql.query('SELECT 1 FROM "Connection" WHERE "tenantId" = $1::uuid', [tenant.b]))).toEqual([]);
    // In a transaction of the Sql layer too.
    expect(await withTenantScope(tenant.a, () => sql.transaction((tx) => tx.query('SELECT "connId" FROM "Connection"')))).toEqual([{ connId: 'conn_a' }]);
  });

  it('outside any tenant scope the API role sees no tenant row at all', async () => {
    expect(await sqlOf(app).query('SELECT * FROM "Connection"')).toEqual([]);
    expect(await app.tenant.findMany()).toEqual([]);
    expect(await app.user.findMany()).toEqual([]);
    expect(await app.auditLog.count()).toBe(0);
  });

  it('Prisma queries without a tenant filter, and in interactive transactions, stay in the tenant', async () => {
    const seen = await withTenantScope(tenant.a, async () => ({
      connections: (await app.connection.findMany()).map((c) => c.connId),
      tenants: (await app.tenant.findMany()).map((t) => t.id),
      users: (await app.user.findMany()).map((u) => u.email),
      inTx: await app.$transaction(async (tx) => (await tx.auditLog.findMany()).map((l) => l.action)),
    }));
    expect(seen).toEqual({ connections: ['conn_a'], tenants: [tenant.a], users: ['a@rls.test'], inTx: ['made_a'] });
  });

  it("writes cannot reach another tenant's rows, nor create rows for it", async () => {
    const changed = await withTenantScope(tenant.a, async () => ({
      updated: (await app.connection.updateMany({ data: { description: 'hijacked' } })).count,
      deleted: (await app.auditLog.deleteMany({ where: { tenantId: tenant.b } })).count,
      raw: (await sqlOf(app).query('UPDATE "Connection" SET description = $1 WHERE "tenantId" = $2::uuid RETURNING 1', ['raw', tenant.b])).length,
    }));
    expect(changed).toEqual({ updated: 1, deleted: 0, raw: 0 });
    const b = await db.prisma.connection.findFirstOrThrow({ where: { tenantId: tenant.b } });
    expect(b.description).not.toBe('hijacked');
    expect(b.description).not.toBe('raw');
    expect(await db.prisma.auditLog.count({ where: { tenantId: tenant.b } })).toBe(1);
    // An insert for another tenant is refused by the policy's WITH CHECK, and stores nothing.
    await expect(
      withTenantScope(tenant.a, () =>
        app.connection.create({ data: { tenantId: tenant.b, connId: 'planted', type: 'http', secretCiphertext: 'c', keyId: 'k' } }),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withTenantScope(tenant.a, () =>
        app.$transaction((tx) => tx.auditLog.create({ data: { tenantId: tenant.b, actorType: 'user', action: 'planted', details: {} } })),
      ),
    ).rejects.toThrow(/row-level security/);
    expect(await db.prisma.connection.count({ where: { connId: 'planted' } })).toBe(0);
    expect(await db.prisma.auditLog.count({ where: { action: 'planted' } })).toBe(0);
  });

  it('asSystem (the lookups that find a tenant) works as the login role, which sees every tenant, as the engine does', async () => {
    expect(await asSystem(() => app.connection.count())).toBe(2);
    expect((await asSystem(() => sqlOf(app).query('SELECT current_user AS u')))[0]).toEqual({ u: 'postgres' });
    // Back in the API's role after it, on the same pooled connection.
    expect((await sqlOf(app).query('SELECT current_user AS u'))[0]).toEqual({ u: 'tower_app' });
    expect(await sqlOf(app).query('SELECT 1 FROM "Connection"')).toEqual([]);
  });

  it("Prisma's batching of one tick's calls keeps each call in its caller's scope (scoped-batching.ts)", async () => {
    // findUnique calls of one tick are batched, and were dispatched from the first caller's context.
    const byId = (id: string) => app.tenant.findUnique({ where: { id } });
    const [a, b, unbound, b2] = await Promise.all([
      withTenantScope(tenant.a, () => byId(tenant.a)),
      withTenantScope(tenant.b, () => byId(tenant.b)),
      runInDbScope({}, async () => await byId(tenant.a)), // a request before its caller is known
      withTenantScope(tenant.b, () => byId(tenant.b)),
    ]);
    expect([a?.name, b?.name, unbound, b2?.name]).toEqual(['a', 'b', null, 'b']);
    // A request that binds its tenant right after its call, in the same tick: another request's
    // call batched with it before it knew its caller runs in no scope still, not in the bound one.
    const [, other] = await Promise.all([
      runInDbScope({}, async () => {
        const own = byId(tenant.a).then((t) => t);
        bindTenantScope(tenant.a);
        return own;
      }),
      runInDbScope({}, async () => await byId(tenant.a)),
    ]);
    expect(other).toBeNull();
    // Behind a lookup as the login role, a tenant's call still cannot read another tenant's row.
    const [, crossed] = await Promise.all([
      asSystem(() => app.user.findUnique({ where: { email: 'a@rls.test' } })),
      withTenantScope(tenant.b, () => app.connection.findUnique({ where: { tenantId_connId: { tenantId: tenant.a, connId: 'conn_a' } } })),
    ]);
    expect(crossed).toBeNull();
    // Array transactions are dispatched the same way: each in its own tenant.
    const names = await Promise.all(
      (['a', 'b'] as const).map((key) => withTenantScope(tenant[key], () => app.$transaction([app.tenant.findMany(), app.connection.findMany()]))),
    );
    expect(names.map(([tenants, conns]) => [tenants.map((t) => t.name), conns.map((c) => c.connId)])).toEqual([
      [['a'], ['conn_a']],
      [['b'], ['conn_b']],
    ]);
  });

  it('hundreds of requests at once on a small pool, each of every kind of call, see their own tenant only', async () => {
    // Requests as the API runs them: an empty scope, bound once the caller is known; two
    // connections, so statements queue for them, and calls of all kinds meet in the same ticks.
    const small = createPrismaClient(db.url, { poolMax: 2, role: DB_ROLES.app });
    const keys = ['a', 'b'] as const;
    const calls: Array<(own: string, other: string) => Promise<unknown>> = [
      async (own, other) => [(await small.tenant.findUnique({ where: { id: own } }))?.name, await small.tenant.findUnique({ where: { id: other } })],
      async () => (await small.connection.findMany()).map((c) => c.connId),
      async () => small.$transaction(async (tx) => (await tx.tenant.findMany()).map((t) => t.name)),
      async () => (await sqlOf(small).query<{ name: string }>('SELECT name FROM "Tenant"')).map((t) => t.name),
      async (own, other) =>
        (await Promise.all([small.tenant.findUnique({ where: { id: own } }), asSystem(() => small.tenant.findUnique({ where: { id: other } }))]))[0]?.name,
    ];
    const want = (key: 'a' | 'b') => [[key, null], [`conn_${key}`], [key], [key], key];
    try {
      const seen = await Promise.all(
        Array.from({ length: 400 }, (_, i) => {
          const [key, otherKey] = i % 2 ? keys : ([...keys].reverse() as ['b', 'a']);
          return runInDbScope({}, async () => {
            await Promise.resolve();
            bindTenantScope(tenant[key]);
            const kind = i % calls.length;
            return { got: await calls[kind](tenant[key], tenant[otherKey]), want: want(key)[kind] };
          });
        }),
      );
      expect(seen.filter((s) => JSON.stringify(s.got) !== JSON.stringify(s.want))).toEqual([]);
    } finally {
      await small.$disconnect();
    }
  });

  it('a statement with parameters carries its scope in its own round trip and transaction, for itself only', async () => {
    // One connection, so that every statement below runs on the same session.
    const one = createPrismaClient(db.url, { poolMax: 1, role: DB_ROLES.app });
    const sql = sqlOf(one);
    const WHO = `SELECT current_setting('tower.tenant_id', true) AS tenant, current_user AS "user", $1::int AS n`;
    const sent: string[] = [];
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    proto.query = function (this: unknown, ...args: unknown[]) {
      const q = args[0] as string | { text?: string };
      sent.push(typeof q === 'string' ? q : (q?.text ?? '?'));
      return original.apply(this, args);
    };
    try {
      // The same named prepared statement, in turn in each scope and none: each sees its own setting only.
      expect(await withTenantScope(tenant.a, () => sql.query(WHO, [1]))).toEqual([{ tenant: tenant.a, user: 'tower_app', n: 1 }]);
      expect(sent).toEqual([WHO]); // one round trip: no BEGIN, no COMMIT
      expect(await sql.query(WHO, [2])).toEqual([{ tenant: '', user: 'tower_app', n: 2 }]);
      expect(await asSystem(() => sql.query(WHO, [3]))).toEqual([{ tenant: '', user: 'postgres', n: 3 }]);
      expect(await sql.query(WHO, [4])).toEqual([{ tenant: '', user: 'tower_app', n: 4 }]);
      expect(await withTenantScope(tenant.b, () => sql.query(WHO, [5]))).toEqual([{ tenant: tenant.b, user: 'tower_app', n: 5 }]);
      // A write's row count is the statement's, not the setting's; the tenant's rows only.
      expect(await withTenantScope(tenant.a, () => one.connection.updateMany({ data: { description: 'mine' } }))).toEqual({ count: 1 });
      // A failing statement fails alone: its implicit transaction ends at its Sync, so no setting is
      // left on the session ('' once defined there; null on a new session) and the next one runs.
      await expect(withTenantScope(tenant.a, () => sql.query('SELECT 1 / $1::int AS x', [0]))).rejects.toThrow(/division by zero/);
      const [after] = await sql.query<{ tenant: string | null; user: string }>(WHO, [6]);
      expect({ tenant: after.tenant || null, user: after.user }).toEqual({ tenant: null, user: 'tower_app' });
      expect(await withTenantScope(tenant.a, () => sql.query('SELECT "connId" FROM "Connection" WHERE $1::int = 1', [1]))).toEqual([{ connId: 'conn_a' }]);
    } finally {
      proto.query = original;
      await one.$disconnect();
    }
    expect((await db.prisma.connection.findFirstOrThrow({ where: { tenantId: tenant.b } })).description).not.toBe('mine');
  });

  it('every table has RLS, and every table with a tenantId the tenant policy of the API role', async () => {
    const tables = await db.prisma.$queryRaw<Array<{ table: string; rls: boolean; tenantColumn: boolean; policies: string[] }>>`
      SELECT c.relname AS table, c.relrowsecurity AS rls,
             EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenantId' AND NOT a.attisdropped) AS "tenantColumn",
             COALESCE((SELECT array_agg(p.polname::text || ':' || r.rolname ORDER BY p.polname)
                       FROM pg_policy p CROSS JOIN LATERAL unnest(p.polroles) AS pr(oid) JOIN pg_roles r ON r.oid = pr.oid
                       WHERE p.polrelid = c.oid), '{}') AS policies
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
      ORDER BY 1`;
    expect(tables.filter((t) => t.tenantColumn).length).toBeGreaterThanOrEqual(21);
    for (const t of tables) {
      expect({ table: t.table, rls: t.rls }).toEqual({ table: t.table, rls: true });
      if (t.tenantColumn) expect({ table: t.table, policies: t.policies }).toEqual({ table: t.table, policies: ['tenant_rows:tower_app'] });
    }
  });
});
