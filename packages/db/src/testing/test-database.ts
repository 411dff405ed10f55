import { randomBytes } from 'node:crypto';
import { createPrismaClient, type Db } from '../client.js';

export interface TestDatabase {
  url: string;
  prisma: Db;
  /** Disconnects and drops the database (WITH (FORCE): leftover connections do not block it). */
  drop(): Promise<void>;
}

/**
 * A fresh database of its own, migrated by the same engine code as `npm run db:migrate`, for one
 * test file or worker; `drop()` it afterwards. The server comes from `serverUrl`, else
 * TEST_DATABASE_URL (any database on it), by default the local Postgres.
 */
export async function createTestDatabase(name = 'db', serverUrl?: string): Promise<TestDatabase> {
  // Loaded lazily: the WebAssembly schema engine is only needed by tests and tooling, never at run time.
  const engine = await import('../../migrate/schema-engine.mjs');
  const safe = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 20);
  const database = `tower_test_${safe}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const url = engine.withDatabase(serverUrl ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres', database);
  try {
    await engine.applyMigrations(url);
  } catch (err) {
    await engine.dropDatabase(url).catch(() => undefined);
    throw err;
  }
  const prisma = createPrismaClient(url, { poolMax: 5 });
  let dropped = false;
  return {
    url,
    prisma,
    async drop() {
      if (dropped) return;
      dropped = true;
      await prisma.$disconnect();
      await engine.dropDatabase(url);
    },
  };
}
