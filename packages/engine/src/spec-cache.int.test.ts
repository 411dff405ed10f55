import { createTestDatabase, sqlOf, type TestDatabase } from '@tower/db';
import { SpecCache } from './spec-cache.js';

/** The spec cache is shared by every tenant of an API process: a hit is one tenant's only. */
describe('SpecCache (real Postgres)', () => {
  let db: TestDatabase;
  const tenant: Record<'a' | 'b', string> = { a: '', b: '' };
  let versionOfA = '';

  beforeAll(async () => {
    db = await createTestDatabase('spec_cache');
    for (const key of ['a', 'b'] as const) tenant[key] = (await db.prisma.tenant.create({ data: { name: key, slug: `spec-${key}` } })).id;
    const dag = await db.prisma.dag.create({ data: { tenantId: tenant.a, dagId: 'd' } });
    const spec = { dagId: 'd', tasks: [{ taskId: 't', type: 'noop' }] };
    versionOfA = (await db.prisma.dagVersion.create({ data: { tenantId: tenant.a, dagPk: dag.id, version: 1, spec, specHash: 'h' } })).id;
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("serves a cached spec to its own tenant only; another tenant's read misses, as in the database", async () => {
    const cache = new SpecCache(sqlOf(db.prisma));
    expect((await cache.get(tenant.a, versionOfA)).dagId).toBe('d');
    expect(cache.peek(versionOfA)?.dagId).toBe('d');
    await expect(cache.get(tenant.b, versionOfA)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Still cached for its own tenant.
    expect((await cache.get(tenant.a, versionOfA)).dagId).toBe('d');
  });
});
