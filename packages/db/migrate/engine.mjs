// Prisma's schema engine, run offline through its official WebAssembly build and a pg driver
// adapter. `prisma migrate` needs a native engine that cannot be downloaded here (STACK.md);
// this applies and creates migrations in Prisma's standard folder format, recorded in
// `_prisma_migrations` exactly as `prisma migrate deploy` does.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SCHEMA_PATH = path.join(ROOT, 'prisma', 'schema.prisma');
export const MIGRATIONS_DIR = path.join(ROOT, 'prisma', 'migrations');
const NO_FILTER = { externalTables: [], externalEnums: [] };

let bgPromise;
/** Node rejects the package's `.wasm` import, so instantiate the module ourselves. */
function loadEngine() {
  bgPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const module = await WebAssembly.compile(await readFile(path.join(path.dirname(bgPath), 'schema_engine_bg.wasm')));
    const imports = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      imports[imp.module] ??= {};
      imports[imp.module][imp.name] = bg[imp.name];
    }
    const instance = await WebAssembly.instantiate(module, imports);
    bg.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start?.();
    return bg;
  })();
  return bgPromise;
}

/**
 * The pg adapter rejects Postgres' internal "char" type (OID 18) that schema introspection reads
 * from the catalogs; its values arrive as text anyway, so report the column as text.
 */
function readCharAsText(queryable) {
  const performIO = queryable.performIO.bind(queryable);
  queryable.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (field.dataTypeID === 18) field.dataTypeID = 25;
    return result;
  };
  if (typeof queryable.startTransaction === 'function') {
    const startTransaction = queryable.startTransaction.bind(queryable);
    queryable.startTransaction = async (...args) => readCharAsText(await startTransaction(...args));
  }
  return queryable;
}

class IntrospectablePg extends PrismaPg {
  async connect() {
    return readCharAsText(await super.connect());
  }
  async connectToShadowDb() {
    return readCharAsText(await super.connectToShadowDb());
  }
}

export async function withEngine(url, fn) {
  const { SchemaEngine } = await loadEngine();
  const schema = await readFile(SCHEMA_PATH, 'utf8');
  const adapter = bindMigrationAwareSqlAdapterFactory(new IntrospectablePg({ connectionString: url }));
  const engine = await SchemaEngine.new({ datamodels: [[SCHEMA_PATH, schema]] }, () => {}, adapter);
  try {
    return await fn(engine, schema);
  } finally {
    engine.free?.();
  }
}

export async function readMigrations(dir = MIGRATIONS_DIR) {
  const names = existsSync(dir) ? (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];
  const lockPath = path.join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: await readFile(path.join(dir, name, 'migration.sql'), 'utf8') } },
      })),
    ),
  };
}

function adminUrl(url) {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  return { admin: u.toString(), database };
}

export async function createDatabaseIfMissing(url) {
  const { admin, database } = adminUrl(url);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
    return !rowCount;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url) {
  const { admin, database } = adminUrl(url);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database.replaceAll('"', '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Applies pending migrations; returns the names applied (idempotent). */
export async function applyMigrations(url, dir = MIGRATIONS_DIR) {
  await createDatabaseIfMissing(url);
  const migrationsList = await readMigrations(dir);
  return withEngine(url, async (engine) => (await engine.applyMigrations({ migrationsList, filters: NO_FILTER })).appliedMigrationNames);
}

/**
 * SQL that takes a database migrated with `dir` to the schema (empty when they agree). The engine
 * replays the migrations on a temporary shadow database, as `prisma migrate dev` does.
 */
export async function diffMigrationsToSchema(url, dir = MIGRATIONS_DIR) {
  const shadowUrl = (() => {
    const u = new URL(url);
    u.pathname = `/tower_shadow_${process.pid}_${Date.now().toString(36)}`;
    return u.toString();
  })();
  await createDatabaseIfMissing(shadowUrl);
  try {
    const migrations = await readMigrations(dir);
    return await withEngine(shadowUrl, async (engine, schema) => {
      const res = await engine.diff({
        from: migrations.migrationDirectories.length ? { tag: 'migrations', ...migrations } : { tag: 'empty' },
        to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: schema }] },
        script: true,
        exitCode: null,
        filters: NO_FILTER,
      });
      return (res.stdout ?? '').trim();
    });
  } finally {
    await dropDatabase(shadowUrl);
  }
}
