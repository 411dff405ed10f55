#!/usr/bin/env node
// Database tooling that needs no download (Prisma's native schema engine cannot be fetched here;
// see docs/database.md). The engine logic lives in packages/db/migrate/schema-engine.mjs, shared
// with the test harness.
//
//   node scripts/db.mjs migrate [--url URL]        create the database if missing, apply pending migrations
//   node scripts/db.mjs create <name> [--url URL]  write prisma/migrations/<timestamp>_<name>/migration.sql
//   node scripts/db.mjs generate                   prisma generate (offline)
//   node scripts/db.mjs check [--url URL]          fail if a migration is missing or the generated client is stale
//
// URL defaults to DATABASE_URL, then postgresql://postgres@127.0.0.1:5432/tower. `create` and
// `check` only use its server, for a temporary shadow database.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  applyMigrations,
  createMigration,
  DatabaseConnectionError,
  databaseName,
  DEFAULT_DATABASE_URL,
  diffMigrationsToSchema,
  ROOT,
  SCHEMA_PATH,
  SchemaEngineError,
} from '../packages/db/migrate/schema-engine.mjs';

const GENERATED_DIR = path.join(ROOT, 'packages', 'db', 'src', 'generated', 'prisma');
const USAGE = 'usage: node scripts/db.mjs migrate [--url URL] | create <name> [--url URL] | generate | check [--url URL]';

class UsageError extends Error {}

const rel = (p) => path.relative(ROOT, p);

/** `prisma generate` with the schema at `schemaPath`; the native engine is never needed for it. */
function prismaGenerate(schemaPath = SCHEMA_PATH) {
  const cli = path.join(ROOT, 'node_modules', 'prisma', 'build', 'index.js');
  if (!existsSync(cli)) throw new Error('the prisma CLI is not installed: run npm install');
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
  const res = spawnSync(process.execPath, [cli, 'generate', '--schema', schemaPath], { cwd: ROOT, env, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`prisma generate failed:\n${res.stdout}${res.stderr}`);
}

function hashDir(dir) {
  const hash = createHash('sha256');
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else hash.update(`${path.relative(dir, p)}\0`).update(readFileSync(p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return hash.digest('hex');
}

/** Generates the client from a copy of the schema in a temp tree (same relative output path) and compares. */
function generatedClientIsFresh() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tower-prisma-'));
  try {
    const schemaCopy = path.join(tmp, path.relative(ROOT, SCHEMA_PATH));
    mkdirSync(path.dirname(schemaCopy), { recursive: true });
    copyFileSync(SCHEMA_PATH, schemaCopy);
    prismaGenerate(schemaCopy);
    return hashDir(path.join(tmp, path.relative(ROOT, GENERATED_DIR))) === hashDir(GENERATED_DIR);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  const [command, ...rest] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const url = values.url || process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  switch (command) {
    case 'migrate': {
      const applied = await applyMigrations(url);
      const db = databaseName(url);
      if (applied.length === 0) console.log(`db: ${db} is up to date`);
      else for (const name of applied) console.log(`db: applied ${name} to ${db}`);
      return 0;
    }
    case 'create': {
      if (rest.length !== 1) throw new UsageError('usage: npm run db:migration:create -- <name>');
      const dir = await createMigration(url, rest[0]);
      if (!dir) console.log('db: no changes: the migrations already match prisma/schema.prisma');
      else console.log(`db: wrote ${rel(dir)}/migration.sql (review it, then npm run db:migrate)`);
      return 0;
    }
    case 'generate':
      prismaGenerate();
      console.log(`db: generated the Prisma client into ${rel(GENERATED_DIR)}`);
      return 0;
    case 'check': {
      let ok = true;
      const sql = await diffMigrationsToSchema(url);
      if (sql) {
        ok = false;
        const preview = sql.length > 2000 ? `${sql.slice(0, 2000)}\n…` : sql;
        console.error(`db: prisma/schema.prisma has changes no migration covers; run: npm run db:migration:create -- <name>\n${preview}`);
      }
      if (!generatedClientIsFresh()) {
        ok = false;
        console.error(`db: the generated Prisma client in ${rel(GENERATED_DIR)} is stale; run: npm run db:generate`);
      }
      if (ok) console.log('db: migrations and the generated client match prisma/schema.prisma');
      return ok ? 0 : 1;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"\n${USAGE}` : USAGE);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // Expected failures get their message only; anything else (a bug) its stack.
  const usage = err instanceof UsageError || err?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
  const expected = usage || err instanceof DatabaseConnectionError || err instanceof SchemaEngineError;
  console.error(`db: ${expected ? err.message : (err?.stack ?? String(err))}`);
  process.exitCode = usage ? 2 : 1;
}
