import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { specHash, validateDagSpec, type DagSpec } from '@tower/core';
import { createTestDatabase, sqlOf, type PrismaClient, type Sql } from '@tower/db';
import { EventPublisher, type TowerEvent } from '@tower/events';
import { createLogger } from '@tower/logger';
import { createCommandRedis, type TaskQueue } from '@tower/queue';
import { startPrivateRedis } from '../../queue/src/test-support/private-redis.js';
import { DEV_KEYRING_VALUE, parseKeyring } from '@tower/secrets';
import { createEngine } from './engine.js';
import { insertRuns } from './run-insert.js';
import type { NewRun } from './run-lifecycle.js';

const MINUTE = 60_000;

function specOf(raw: Record<string, unknown>): DagSpec {
  const result = validateDagSpec(raw);
  if (!result.valid) throw new Error(JSON.stringify(result.errors));
  return result.spec;
}

/** insertRuns and the scheduler's cron batch against the real Postgres. */
describe('run insertion in SQL (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let prisma: PrismaClient;
  let sql: Sql;
  let tenantId: string;

  beforeAll(async () => {
    db = await createTestDatabase('run-insert');
    prisma = db.prisma;
    sql = sqlOf(prisma);
    tenantId = (await prisma.tenant.create({ data: { slug: `run-insert-${Date.now()}`, name: 'Run insert' } })).id;
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** A DAG and its version 1, written as upsertDag writes them. */
  async function dagWith(raw: Record<string, unknown>, extra: { nextDueAt?: Date; nextLogicalDate?: Date; paused?: boolean } = {}) {
    const spec = specOf(raw);
    const dag = await prisma.dag.create({
      data: { tenantId, dagId: spec.dagId, schedule: spec.schedule, timezone: spec.timezone, tags: spec.tags, latestVersion: 1, ...extra },
    });
    const version = await prisma.dagVersion.create({
      data: { tenantId, dagPk: dag.id, version: 1, spec: spec as object, specHash: specHash(spec), createdBy: 'test' },
    });
    return { dag, version, spec };
  }

  function newRun(d: Awaited<ReturnType<typeof dagWith>>, logicalDate: Date, over: Partial<NewRun> = {}): NewRun {
    return {
      tenantId,
      dagPk: d.dag.id,
      dagId: d.dag.dagId,
      versionId: d.version.id,
      version: d.version.version,
      runType: 'scheduled',
      runId: `scheduled__${logicalDate.toISOString()}`,
      logicalDate,
      dataIntervalStart: logicalDate,
      dataIntervalEnd: new Date(logicalDate.getTime() + MINUTE),
      params: {},
      ...over,
    };
  }

  it('inserts runs with their task instances and returns the rows as Prisma reads them', async () => {
    const etl = await dagWith({
      dagId: 'sql_etl',
      params: { region: { type: 'string', default: 'eu' } },
      tasks: [
        { taskId: 'extract', type: 'noop', retries: 2, pool: 'etl', priorityWeight: 7 },
        { taskId: 'call', type: 'http.request', with: { url: 'https://example.com/hook' }, dependsOn: ['extract'] },
      ],
    });
    const other = await dagWith({ dagId: 'sql_other', tasks: [{ taskId: 'only', type: 'noop', retries: 1, priorityWeight: 3 }] });
    const t0 = new Date('2026-01-01T00:00:00.000Z');
    const t1 = new Date('2026-01-01T00:01:00.000Z');
    const now = new Date('2026-01-01T00:02:00.123Z');
    const inputs = [
      newRun(etl, t0, { params: { region: 'us', nested: { list: [1, 'two', null] } } }),
      newRun(etl, t1, { runType: 'manual', runId: 'manual__custom', priority: 5 }),
      newRun(other, t0),
    ];
    const runs = await sql.transaction((tx) => insertRuns(tx.query, inputs, now));

    expect(runs).toHaveLength(3);
    const stored = await prisma.dagRun.findMany({ where: { id: { in: runs.map((r) => r.id) } } });
    const byId = new Map(stored.map((r) => [r.id, r]));
    for (const run of runs) expect(run).toStrictEqual(byId.get(run.id));
    const first = runs.find((r) => r.dagPk === etl.dag.id && r.logicalDate.getTime() === t0.getTime())!;
    expect(first).toMatchObject({
      tenantId,
      dagId: 'sql_etl',
      dagVersionId: etl.version.id,
      dagVersion: 1,
      runId: 'scheduled__2026-01-01T00:00:00.000Z',
      runType: 'scheduled',
      state: 'queued',
      dataIntervalStart: t0,
      dataIntervalEnd: t1,
      params: { region: 'us', nested: { list: [1, 'two', null] } },
      priority: 0,
      queuedAt: now,
      updatedAt: now,
      startedAt: null,
      endedAt: null,
      timeoutAt: null,
      backfillId: null,
    });
    expect(runs.find((r) => r.runId === 'manual__custom')).toMatchObject({ runType: 'manual', priority: 5, logicalDate: t1 });

    const tis = await prisma.taskInstance.findMany({ where: { dagRunId: { in: runs.map((r) => r.id) } } });
    expect(tis).toHaveLength(5);
    const tiOf = (runId: string, taskId: string) => tis.find((t) => t.dagRunId === runId && t.taskId === taskId);
    for (const run of runs.filter((r) => r.dagPk === etl.dag.id)) {
      expect(tiOf(run.id, 'extract')).toMatchObject({
        tenantId,
        dagId: 'sql_etl',
        operator: 'noop',
        maxTries: 3,
        pool: 'etl',
        priorityWeight: 7,
        state: 'none',
        tryNumber: 0,
        updatedAt: now,
      });
      expect(tiOf(run.id, 'call')).toMatchObject({
        tenantId,
        dagId: 'sql_etl',
        operator: 'http.request',
        maxTries: 1,
        pool: 'default',
        priorityWeight: 1,
        state: 'none',
        tryNumber: 0,
      });
    }
    const otherRun = runs.find((r) => r.dagPk === other.dag.id)!;
    expect(tis.filter((t) => t.dagRunId === otherRun.id)).toEqual([
      expect.objectContaining({ taskId: 'only', operator: 'noop', maxTries: 2, pool: 'default', priorityWeight: 3 }),
    ]);
  });

  it('skips runs whose (tenant, dag, logical date) or runId exists, and repeated inputs, without touching them', async () => {
    const d = await dagWith({ dagId: 'sql_dupes', tasks: [{ taskId: 'a', type: 'noop' }] });
    const t0 = new Date('2026-02-01T00:00:00.000Z');
    const t1 = new Date('2026-02-01T00:01:00.000Z');
    const t2 = new Date('2026-02-01T00:02:00.000Z');
    const t3 = new Date('2026-02-01T00:03:00.000Z');
    const first = new Date('2026-02-01T01:00:00.000Z');
    const [existing] = await sql.transaction((tx) => insertRuns(tx.query, [newRun(d, t0)], first));
    await sql.transaction((tx) => insertRuns(tx.query, [newRun(d, t3, { runType: 'manual', runId: 'manual__taken' })], first));

    const later = new Date('2026-02-01T02:00:00.000Z');
    const runs = await sql.transaction((tx) =>
      insertRuns(
        tx.query,
        [
          newRun(d, t0), // same logical date as an existing run
          newRun(d, t1),
          newRun(d, t1), // repeated in the same call
          newRun(d, t2, { runType: 'manual', runId: 'manual__taken' }), // same runId as an existing run
        ],
        later,
      ),
    );
    expect(runs.map((r) => r.logicalDate)).toEqual([t1]);
    const all = await prisma.dagRun.findMany({ where: { dagPk: d.dag.id }, orderBy: { logicalDate: 'asc' } });
    expect(all.map((r) => r.logicalDate)).toEqual([t0, t1, t3]);
    expect(all[0]).toStrictEqual(existing);
    // One task instance per run: the skipped inputs created none.
    expect(await prisma.taskInstance.count({ where: { dagRunId: { in: all.map((r) => r.id) } } })).toBe(3);

    expect(await sql.transaction((tx) => insertRuns(tx.query, [newRun(d, t0), newRun(d, t1)], later))).toEqual([]);
    expect(await sql.transaction((tx) => insertRuns(tx.query, [], later))).toEqual([]);
  });

  it('cron: two scheduler replicas create exactly one run per due DAG, skip paused ones and advance each DAG', async () => {
    // The interval [10:00, 10:01) ended at 10:01; the replicas look at 10:01:30.
    const logical = new Date('2026-03-01T10:00:00.000Z');
    const due = new Date('2026-03-01T10:01:00.000Z');
    const now = new Date('2026-03-01T10:01:30.000Z');
    const dags = [];
    for (let i = 0; i < 60; i++) {
      dags.push(
        await dagWith(
          { dagId: `sql_cron_${i}`, schedule: '* * * * *', tasks: [{ taskId: 't', type: 'noop', retries: 1 }] },
          { nextLogicalDate: logical, nextDueAt: due, paused: i % 10 === 9 },
        ),
      );
    }
    const active = dags.filter((_, i) => i % 10 !== 9);
    const events: TowerEvent[] = [];
    const replica = () =>
      createEngine(
        {
          prisma,
          queue: {} as TaskQueue,
          events: { publishMany: async (e: readonly TowerEvent[]) => void events.push(...e) } as unknown as EventPublisher,
          logger: createLogger('run-insert-test', { level: 'warn' }),
          clock: () => now,
          keyring: parseKeyring(DEV_KEYRING_VALUE),
        },
        { batchSize: 7, createConcurrency: 2 },
      ).scheduler;
    const [a, b] = [replica(), replica()];
    const created = await Promise.all([a.createDueRuns(), b.createDueRuns()]);
    expect(created[0] + created[1]).toBe(active.length);

    const runs = await prisma.dagRun.findMany({ where: { dagPk: { in: dags.map((d) => d.dag.id) } } });
    expect(runs).toHaveLength(active.length);
    expect(new Set(runs.map((r) => r.dagPk))).toEqual(new Set(active.map((d) => d.dag.id)));
    for (const run of runs) {
      expect(run).toMatchObject({ runType: 'scheduled', runId: `scheduled__${logical.toISOString()}`, state: 'queued', queuedAt: now });
      expect(run).toMatchObject({ logicalDate: logical, dataIntervalStart: logical, dataIntervalEnd: due });
    }
    expect(await prisma.taskInstance.count({ where: { dagRunId: { in: runs.map((r) => r.id) }, maxTries: 2 } })).toBe(active.length);
    // One event per created run, from whichever replica created it.
    expect(events.map((e) => ('dagRunId' in e ? e.dagRunId : null)).sort()).toEqual(runs.map((r) => r.id).sort());

    const after = await prisma.dag.findMany({ where: { id: { in: dags.map((d) => d.dag.id) } } });
    for (const dag of after) {
      if (dag.paused) {
        expect(dag.nextDueAt).toEqual(due);
      } else {
        expect(dag.nextLogicalDate).toEqual(due);
        expect(dag.nextDueAt).toEqual(new Date(due.getTime() + MINUTE));
      }
    }
    // Nothing is due any more: another pass creates nothing.
    expect(await a.createDueRuns()).toBe(0);
  });
  // The twin of the test above with a real publisher whose Redis is down: stopped (commands wait
  // in ioredis's offline queue) or hung by SIGSTOP (nothing answers). The runs are created all the
  // same; only their events are lost, after the command timeout.
  it.each([['stopped'], ['hung (SIGSTOP)']])('cron: runs are created while the event publisher’s Redis is really down (%s)', async (kind) => {
    // Before every other DAG of this file is due, the second case before the first's next runs.
    const logical = new Date(kind === 'stopped' ? '2026-02-01T10:00:00.000Z' : '2026-01-15T10:00:00.000Z');
    const due = new Date(logical.getTime() + MINUTE);
    const now = new Date(due.getTime() + 30_000);
    const dags = [];
    for (let i = 0; i < 5; i++) {
      dags.push(
        await dagWith(
          { dagId: `down_cron_${kind.split(' ')[0]}_${i}`, schedule: '* * * * *', tasks: [{ taskId: 't', type: 'noop' }] },
          { nextLogicalDate: logical, nextDueAt: due },
        ),
      );
    }
    const server = await startPrivateRedis();
    const conn = createCommandRedis(server.url, { commandTimeoutMs: 1_000 });
    conn.on('error', () => undefined); // reconnect attempts to the stopped server
    try {
      expect(await conn.ping()).toBe('PONG');
      if (kind === 'stopped') await server.stop();
      else server.pause();
      const scheduler = createEngine(
        {
          prisma,
          queue: {} as TaskQueue,
          events: new EventPublisher(conn, `tower-test-run-insert-${process.pid}`),
          logger: createLogger('run-insert-test', { level: 'silent' }),
          clock: () => now,
          keyring: parseKeyring(DEV_KEYRING_VALUE),
        },
        { batchSize: 2 },
      ).scheduler;
      const t0 = Date.now();
      await scheduler.createDueRuns();
      expect(Date.now() - t0).toBeLessThan(30_000);
      const runs = await prisma.dagRun.findMany({ where: { dagPk: { in: dags.map((d) => d.dag.id) } } });
      expect(runs.map((r) => r.logicalDate)).toEqual(dags.map(() => logical));
      await scheduler.createDueRuns();
      expect(await prisma.dagRun.count({ where: { dagPk: { in: dags.map((d) => d.dag.id) } } })).toBe(5);
    } finally {
      server.resume();
      await server.stop();
      conn.disconnect();
    }
  });
});
