import { randomBytes } from 'node:crypto';
import { createPrismaClient } from './client.js';
import type { PrismaClient } from './generated/prisma/client.js';

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one test file (migrated by the same engine code as
 * `npm run db:migrate`), dropped afterwards. Base URL from TEST_DATABASE_URL or the local default.
 */
export async function createTestDatabase(name = 'db'): Promise<TestDatabase> {
  // Loaded lazily: the WebAssembly schema engine is only needed by tests and tooling.
  const engine = await import('../migrate/engine.mjs');
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  const safe = name.toLowerCase().replace(/[^a-z0-9]/g, '_').slice(0, 20);
  base.pathname = `/tower_test_${safe}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const url = base.toString();
  await engine.applyMigrations(url);
  const prisma = createPrismaClient(url, { poolMax: 5 });
  return {
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await engine.dropDatabase(url);
    },
  };
}
