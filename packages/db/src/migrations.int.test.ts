import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  applyMigrations,
  createMigration,
  diffDatabaseToSchema,
  diffMigrationsToSchema,
  dropDatabase,
  MIGRATIONS_DIR,
  ROOT,
  SCHEMA_PATH,
  withDatabase,
} from '../migrate/schema-engine.mjs';
import { createTestDatabase, type TestDatabase } from './testing/test-database.js';

const run = promisify(execFile);
const SERVER = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const uniqueUrl = (tag: string) => withDatabase(SERVER, `tower_test_${tag}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`);

function dbScript(...args: string[]) {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  return run(process.execPath, [path.join(ROOT, 'scripts', 'db.mjs'), ...args], { cwd: ROOT, env });
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function migrationFolders(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

describe('migrations (WebAssembly schema engine on the real Postgres)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('migrations');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('leaves a fresh database exactly as prisma/schema.prisma describes it', async () => {
    expect(await diffDatabaseToSchema(db.url)).toBe('');
  });

  it('sees a database that drifted from the schema (so the check above is not vacuous)', async () => {
    const drifted = await createTestDatabase('drift');
    try {
      await query(drifted.url, 'ALTER TABLE "ApiKey" DROP COLUMN "lastUsedAt"');
      expect(await diffDatabaseToSchema(drifted.url)).toMatch(/ALTER TABLE "ApiKey" ADD COLUMN\s+"lastUsedAt" TIMESTAMPTZ\(3\)/);
    } finally {
      await drifted.drop();
    }
  });

  it('needs no new migration: the committed migrations produce the schema', async () => {
    expect(await diffMigrationsToSchema(SERVER)).toBe('');
  });

  it('records every migration in _prisma_migrations as prisma migrate deploy does', async () => {
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number }>(
      db.url,
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    const folders = await migrationFolders(MIGRATIONS_DIR);
    expect(rows.map((r) => r.migration_name)).toEqual(folders);
    for (const row of rows) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row).toMatchObject({ checksum: createHash('sha256').update(sql).digest('hex'), rolled_back_at: null, applied_steps_count: 1 });
      expect(row.finished_at).toBeInstanceOf(Date);
    }
  });

  it('migrate creates the database, applies the migrations, and is idempotent', async () => {
    const url = uniqueUrl('cli');
    try {
      const first = await dbScript('migrate', '--url', url);
      for (const name of await migrationFolders(MIGRATIONS_DIR)) expect(first.stdout).toContain(`applied ${name}`);
      const second = await dbScript('migrate', '--url', url);
      expect(second.stdout.trim()).toBe(`db: ${new URL(url).pathname.slice(1)} is up to date`);
      expect(await applyMigrations(url)).toEqual([]);
      const [{ count }] = await query<{ count: string }>(url, 'SELECT count(*) FROM _prisma_migrations');
      expect(Number(count)).toBe((await migrationFolders(MIGRATIONS_DIR)).length);
    } finally {
      await dropDatabase(url);
    }
  });

  it('gives runs and task instances time-ordered version-7 ids (tower_uuid_v7), other tables random ones', async () => {
    const ids = await db.prisma.$queryRaw<Array<{ id: string }>>`SELECT tower_uuid_v7()::text AS id FROM generate_series(1, 3)`;
    await new Promise((r) => setTimeout(r, 5));
    const [later] = await db.prisma.$queryRaw<Array<{ id: string }>>`SELECT tower_uuid_v7()::text AS id`;
    for (const { id } of [...ids, later]) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The first 48 bits are the clock's milliseconds: now, and later ids sort after earlier ones.
    const millis = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(Math.abs(millis(later.id) - Date.now())).toBeLessThan(60_000);
    expect(millis(later.id)).toBeGreaterThan(Math.max(...ids.map((i) => millis(i.id))));
    expect(later.id > ids[0].id).toBe(true);
    expect(new Set(ids.map((i) => i.id)).size).toBe(3);
    const defaults = await db.prisma.$queryRaw<Array<{ table: string; def: string }>>`
      SELECT table_name AS table, column_default AS def FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'id' AND table_name IN ('DagRun', 'TaskInstance', 'XCom', 'Dag') ORDER BY 1`;
    expect(defaults).toEqual([
      { table: 'Dag', def: 'gen_random_uuid()' },
      { table: 'DagRun', def: 'tower_uuid_v7()' },
      { table: 'TaskInstance', def: 'tower_uuid_v7()' },
      { table: 'XCom', def: 'gen_random_uuid()' },
    ]);
  });

  it('counts the runs that exist when DagRunCount arrives, exactly, while runs are being inserted', async () => {
    const COUNT_MIGRATION = '20261207173208_dag_run_count';
    const url = uniqueUrl('run_count');
    const before = await mkdtemp(path.join(os.tmpdir(), 'tower-before-count-'));
    const client = new pg.Client({ connectionString: url });
    try {
      // The database as it was before the migration, with two DAGs' runs.
      // Every migration before it (by name, as they apply); the files inside the folders kept.
      const earlier = (src: string) => !/^\d{14}_/.test(path.basename(src)) || path.basename(src) < COUNT_MIGRATION;
      await cp(MIGRATIONS_DIR, before, { recursive: true, filter: earlier });
      await applyMigrations(url, { migrationsDir: before });
      await client.connect();
      const [{ t }] = (await client.query<{ t: string }>(`INSERT INTO "Tenant" (slug, name) VALUES ('counted', 'Counted') RETURNING id AS t`)).rows;
      const dags: Array<{ dag: string; version: string }> = [];
      for (const dagId of ['x', 'y']) {
        const [{ dag }] = (
          await client.query<{ dag: string }>(`INSERT INTO "Dag" ("tenantId", "dagId", "updatedAt") VALUES ($1, $2, now()) RETURNING id AS dag`, [t, dagId])
        ).rows;
        const [{ version }] = (
          await client.query<{ version: string }>(
            `INSERT INTO "DagVersion" ("tenantId", "dagPk", version, spec, "specHash") VALUES ($1, $2, 1, '{}', 'h') RETURNING id AS version`,
            [t, dag],
          )
        ).rows;
        dags.push({ dag, version });
      }
      const insertRuns = (d: { dag: string; version: string }, from: number, n: number) =>
        client.query(
          `INSERT INTO "DagRun" ("tenantId", "dagPk", "dagId", "dagVersionId", "dagVersion", "runId", "runType", state, "logicalDate", "dataIntervalStart", "dataIntervalEnd", "updatedAt")
           SELECT $1, $2, 'd', $3, 1, 'manual__' || i, 'manual', 'success', at, at, at, now()
           FROM generate_series($4::int, $4::int + $5::int - 1) i, LATERAL (SELECT timestamptz '2020-01-01' + i * interval '1 hour' AS at) a`,
          [t, d.dag, d.version, from, n],
        );
      await insertRuns(dags[0]!, 0, 300);
      await insertRuns(dags[1]!, 0, 7);
      // The rest of the migrations, while another connection keeps inserting runs of both DAGs.
      let writing = true;
      const writer = (async () => {
        for (let i = 1; writing; i++) await Promise.all(dags.map((d) => insertRuns(d, 1_000 * i, 3)));
      })();
      expect(await applyMigrations(url)).toContain(COUNT_MIGRATION);
      writing = false;
      await writer;
      const counts = await client.query<{ kept: number; actual: number }>(
        `SELECT c.runs::int AS kept, (SELECT count(*)::int FROM "DagRun" r WHERE r."dagPk" = d.id) AS actual
           FROM "Dag" d JOIN "DagRunCount" c ON c."dagPk" = d.id ORDER BY d."dagId"`,
      );
      expect(counts.rows).toHaveLength(2);
      for (const c of counts.rows) expect(c.kept).toBe(c.actual);
      expect(counts.rows[0]!.actual).toBeGreaterThan(300);
    } finally {
      await client.end().catch(() => undefined);
      await rm(before, { recursive: true, force: true });
      await dropDatabase(url);
    }
  }, 120_000);

  it('migrate fails with how to start Postgres when it is unreachable', async () => {
    const failure = await dbScript('migrate', '--url', 'postgresql://postgres@127.0.0.1:1/tower').then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED');
    expect(failure?.stderr).toContain('pg_ctlcluster --skip-systemctl-redirect');
  });

  describe('creating a migration from a schema change', () => {
    let work: string;
    let schemaPath: string;
    let migrationsDir: string;

    beforeAll(async () => {
      work = await mkdtemp(path.join(os.tmpdir(), 'tower-migrations-'));
      schemaPath = path.join(work, 'schema.prisma');
      migrationsDir = path.join(work, 'migrations');
      await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
      await cp(SCHEMA_PATH, schemaPath);
    });
    afterAll(async () => {
      await rm(work, { recursive: true, force: true });
    });

    it('writes nothing when the migrations already match the schema', async () => {
      const before = await migrationFolders(migrationsDir);
      expect(await createMigration(SERVER, 'nothing', { migrationsDir, schemaPath })).toBeNull();
      expect(await migrationFolders(migrationsDir)).toEqual(before);
    });

    it('writes <timestamp>_<name>/migration.sql that brings a migrated database to the new schema', async () => {
      const schema = await readFile(schemaPath, 'utf8');
      await writeFile(schemaPath, schema.replace(/(model Pool \{\n)/, '$1  description String?\n'));
      expect(await diffMigrationsToSchema(SERVER, { migrationsDir, schemaPath })).toContain('ALTER TABLE "Pool" ADD COLUMN     "description" TEXT;');

      const dir = await createMigration(SERVER, 'pool description', { migrationsDir, schemaPath, now: new Date('2031-02-03T04:05:06Z') });
      expect(path.basename(dir!)).toBe('20310203040506_pool_description');
      const sql = await readFile(path.join(dir!, 'migration.sql'), 'utf8');
      expect(sql).toBe('-- AlterTable\nALTER TABLE "Pool" ADD COLUMN     "description" TEXT;\n');
      expect(await readFile(path.join(migrationsDir, 'migration_lock.toml'), 'utf8')).toContain('provider = "postgresql"');

      // The old database takes just the new migration and then matches the new schema.
      expect(await applyMigrations(db.url, { migrationsDir, schemaPath })).toEqual(['20310203040506_pool_description']);
      expect(await diffDatabaseToSchema(db.url, { schemaPath })).toBe('');
      expect(await diffMigrationsToSchema(SERVER, { migrationsDir, schemaPath })).toBe('');
    });
  });
});
