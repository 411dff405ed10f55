import { afterAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@tower/config';
import { createTestDatabase, readVacuumStats, sqlOf, type TestDatabase } from '@tower/db';
import { createLogger } from '@tower/logger';
import { deleteRedisPrefix } from '@tower/queue';
import { HOT_TABLES, vacuumWarnings } from '@tower/telemetry';
import { startPrivatePostgres, type PrivatePostgres } from '../../../packages/db/src/test-support/private-postgres.js';
import { startScheduler } from './scheduler-runtime.js';

/** The scheduler's `/readyz` on a database: its status and body. */
async function readyzOf(
  db: TestDatabase,
): Promise<{ status: number; body: { status: string; checks: Record<string, string>; warnings?: Record<string, string[]> } }> {
  const prefix = `tower-test-vacuum-${process.pid}-${Date.now().toString(36)}`;
  const config = loadConfig({ DATABASE_URL: db.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', SCHEDULER_OPS_PORT: '0', ALERTS_ENABLED: 'false' });
  const scheduler = await startScheduler(config, createLogger('vacuum-test', { level: 'silent' }));
  try {
    const res = await fetch(`http://127.0.0.1:${scheduler.opsPort}/readyz`);
    return { status: res.status, body: (await res.json()) as never };
  } finally {
    await scheduler.close();
    await deleteRedisPrefix('redis://127.0.0.1:6379', prefix);
  }
}

async function until<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('vacuum warnings', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('warns in /readyz, still ready, when the server runs with autovacuum = off (the machine’s Postgres)', async () => {
    const db = await createTestDatabase('vacuum-off');
    cleanups.push(db.drop);
    const [setting] = await sqlOf(db.prisma).query<{ autovacuum: string }>(`SELECT current_setting('autovacuum') AS autovacuum`);
    // The machine's server is configured with autovacuum = off (see docs/database.md, "Vacuum").
    expect(setting.autovacuum).toBe('off');
    const { status, body } = await readyzOf(db);
    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks).toEqual({ postgres: 'ok', redis: 'ok', migrations: 'ok' });
    expect(body.warnings?.vacuum).toEqual([expect.stringMatching(/^autovacuum is off on this PostgreSQL server.*Set autovacuum = on/)]);
  });

  let pg: PrivatePostgres;
  let privateDb: TestDatabase;

  it('says nothing on a server with production settings (a private cluster, autovacuum on)', async () => {
    pg = await startPrivatePostgres();
    cleanups.push(pg.destroy);
    privateDb = await createTestDatabase('vacuum-on', pg.urlFor('postgres'));
    cleanups.push(privateDb.drop);
    const { status, body } = await readyzOf(privateDb);
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' } });
  });

  it('warns when a hot table has autovacuum disabled and its dead rows pile up, naming the table and the fix', async () => {
    const sql = sqlOf(privateDb.prisma);
    // StateChange has no foreign keys: rows can be written without a run behind them.
    await sql.query(`ALTER TABLE "StateChange" SET (autovacuum_enabled = false)`);
    await sql.query(
      `INSERT INTO "StateChange" ("tenantId", entity, "entityId", "dagRunId", "dagId", state, event, at)
       SELECT gen_random_uuid(), 'task', gen_random_uuid(), gen_random_uuid(), 'd', 'success', 'succeed', now() FROM generate_series(1, 20000)`,
    );
    await sql.query(`DELETE FROM "StateChange" WHERE id % 4 <> 0`); // 15,000 dead, 5,000 live
    const stats = await until(async () => {
      const s = await readVacuumStats(privateDb.prisma, HOT_TABLES);
      const t = s.tables.find((r) => r.table === 'StateChange');
      return t && t.deadTuples >= 15_000 ? s : undefined;
    }, 'the statistics to count the dead rows');
    expect(stats.autovacuum).toBe(true);
    expect(stats.tables.map((t) => t.table).sort()).toEqual([...HOT_TABLES].sort());
    expect(stats.tables.find((t) => t.table === 'StateChange')).toMatchObject({ autovacuumEnabled: false, liveTuples: 5_000, deadTuples: 15_000 });
    const warnings = vacuumWarnings(stats);
    expect(warnings).toEqual([
      `autovacuum is disabled on "StateChange" (autovacuum_enabled=false): run ALTER TABLE "StateChange" RESET (autovacuum_enabled).`,
      expect.stringMatching(/^vacuum is not keeping up: "StateChange" 75% dead \(15000 of 20000\), over 20%\. Run VACUUM ANALYZE on "StateChange"/),
    ]);
    const { status, body } = await readyzOf(privateDb);
    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.warnings?.vacuum).toEqual(warnings);

    // Once vacuumed (and the option reset), the advice goes away.
    await sql.query(`ALTER TABLE "StateChange" RESET (autovacuum_enabled)`);
    await sql.query(`VACUUM "StateChange"`);
    await until(async () => (vacuumWarnings(await readVacuumStats(privateDb.prisma, HOT_TABLES)).length === 0 ? true : undefined), 'the warnings to clear');
  });
});
