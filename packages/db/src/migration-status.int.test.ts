import { pendingMigrations } from './migration-status.js';
import { createTestDatabase, type TestDatabase } from './testing/test-database.js';

describe('pendingMigrations (readiness: migrations current)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('migration_status');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('is empty on a migrated database and names a migration the database has not finished', async () => {
    expect(await pendingMigrations(db.prisma)).toEqual([]);
    const [last] = await db.prisma.$queryRaw<
      Array<{ migration_name: string }>
    >`SELECT migration_name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1`;
    await db.prisma.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = ${last.migration_name}`;
    expect(await pendingMigrations(db.prisma)).toEqual([last.migration_name]);
  });
});
