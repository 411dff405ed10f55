import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqlOf, type Db } from './client.js';

/** prisma/migrations of the repository (or image): the same place from src/ and from dist/. */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'prisma', 'migrations');

let shipped: Promise<string[]> | undefined;

/** The migration folders this build ships, read once per process. */
function shippedMigrations(dir: string): Promise<string[]> {
  if (dir !== MIGRATIONS_DIR) return readFolders(dir);
  shipped ??= readFolders(dir);
  return shipped;
}

async function readFolders(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * The migrations this build ships that the database has not applied (finished) yet: empty when
 * the schema is current. A database ahead of the build (a newer release migrated it) is current
 * for this purpose: migrations only add, and the older code keeps working during a rollout.
 */
export async function pendingMigrations(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  const names = await shippedMigrations(dir);
  const rows = await sqlOf(db).query<{ migration_name: string }>(
    `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Set(rows.map((r) => r.migration_name));
  return names.filter((n) => !applied.has(n));
}
