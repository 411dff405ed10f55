import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { loadConfig } from '@tower/config';
import { createTestDatabase, sqlOf, type Sql, type TestDatabase } from '@tower/db';
import { EventPublisher } from '@tower/events';
import { createLogger } from '@tower/logger';
import { S3ObjectStore } from '@tower/operators';
import { createRedis, deleteRedisPrefix, TaskQueue } from '@tower/queue';
import { DEV_KEYRING_VALUE, parseKeyring } from '@tower/secrets';
import { registry } from '@tower/telemetry';
import { startScheduler } from '../../../apps/scheduler/src/scheduler-runtime.js';
import { createEngine, type Engine } from './engine.js';
import { Retention } from './retention.js';

const DAY = 86_400_000;
const REDIS_URL = 'redis://127.0.0.1:6379';

interface Seeded {
  runId: string;
  taskInstanceIds: string[];
}

/** A run of `tasks` task instances, each with one try, `lines` log lines, an XCom and journal rows. */
async function seedRun(
  sql: Sql,
  o: { tenantId: string; dagPk: string; versionId: string; state: string; endedAt: Date | null; queuedAt: Date; tasks?: number; lines?: number },
): Promise<Seeded> {
  const [run] = await sql.query<{ id: string }>(
    `INSERT INTO "DagRun" ("tenantId", "dagPk", "dagId", "dagVersionId", "dagVersion", "runId", "runType", state, "logicalDate", "dataIntervalStart", "dataIntervalEnd", "queuedAt", "startedAt", "endedAt", "updatedAt")
     VALUES ($1, $2, 'kept', $3, 1, 'manual__' || gen_random_uuid(), 'manual', $4::"RunState", clock_timestamp(), $5, $5, $5, $5, $6, now()) RETURNING id`,
    [o.tenantId, o.dagPk, o.versionId, o.state, o.queuedAt, o.endedAt],
  );
  const tis = await sql.query<{ id: string }>(
    `INSERT INTO "TaskInstance" ("tenantId", "dagRunId", "dagId", "taskId", operator, state, "tryNumber", "updatedAt")
     SELECT $1, $2, 'kept', 't' || g, 'noop', $3::"TaskState", 1, now() FROM generate_series(1, $4) g RETURNING id`,
    [o.tenantId, run.id, o.endedAt ? 'success' : 'running', o.tasks ?? 3],
  );
  const ids = tis.map((t) => t.id);
  await sql.query(
    `INSERT INTO "TaskTry" ("tenantId", "taskInstanceId", "tryNumber", state, "startedAt", "endedAt") SELECT $1, id, 1, 'success', $3, $4 FROM unnest($2::uuid[]) id`,
    [o.tenantId, ids, o.queuedAt, o.endedAt],
  );
  await sql.query(
    `INSERT INTO "TaskLog" ("tenantId", "taskInstanceId", "tryNumber", ts, message) SELECT $1, id, 1, $3, 'line ' || g FROM unnest($2::uuid[]) id, generate_series(1, $4) g`,
    [o.tenantId, ids, o.queuedAt, o.lines ?? 5],
  );
  await sql.query(
    `INSERT INTO "XCom" ("tenantId", "taskInstanceId", "dagRunId", "taskId", "tryNumber", key, value) SELECT $1, id, $2, 't', 1, 'return_value', '1' FROM unnest($3::uuid[]) id`,
    [o.tenantId, run.id, ids],
  );
  await sql.query(
    `INSERT INTO "StateChange" ("tenantId", entity, "entityId", "dagRunId", "dagId", state, event, at) VALUES ($1, 'run', $2, $2, 'kept', $3, 'finish', $4)`,
    [o.tenantId, run.id, o.state, o.endedAt ?? o.queuedAt],
  );
  return { runId: run.id, taskInstanceIds: ids };
}

/** Rows left of a run, per table. */
async function rowsOf(sql: Sql, s: Seeded): Promise<Record<string, number>> {
  const [r] = await sql.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM "DagRun" WHERE id = $1)::int AS "DagRun",
            (SELECT count(*) FROM "TaskInstance" WHERE "dagRunId" = $1)::int AS "TaskInstance",
            (SELECT count(*) FROM "TaskTry" WHERE "taskInstanceId" = ANY($2::uuid[]))::int AS "TaskTry",
            (SELECT count(*) FROM "TaskLog" WHERE "taskInstanceId" = ANY($2::uuid[]))::int AS "TaskLog",
            (SELECT count(*) FROM "XCom" WHERE "dagRunId" = $1)::int AS "XCom",
            (SELECT count(*) FROM "StateChange" WHERE "dagRunId" = $1)::int AS "StateChange"`,
    [s.runId, s.taskInstanceIds],
  );
  return r;
}

const whole = { DagRun: 1, TaskInstance: 3, TaskTry: 3, TaskLog: 15, XCom: 3, StateChange: 1 };
const withoutLogs = { ...whole, TaskLog: 0 };
const gone = { DagRun: 0, TaskInstance: 0, TaskTry: 0, TaskLog: 0, XCom: 0, StateChange: 0 };

describe('retention', () => {
  let db: TestDatabase;
  let engine: Engine;
  let sql: Sql;
  const redis = createRedis(REDIS_URL);
  const prefix = `tower-test-retention-${process.pid}-${Date.now().toString(36)}`;

  beforeAll(async () => {
    db = await createTestDatabase('retention');
    sql = sqlOf(db.prisma);
    engine = createEngine({
      prisma: db.prisma,
      queue: new TaskQueue(redis, prefix),
      events: new EventPublisher(redis, prefix),
      logger: createLogger('retention-test', { level: 'warn' }),
      clock: () => new Date(),
      keyring: parseKeyring(DEV_KEYRING_VALUE),
    });
  });
  afterAll(async () => {
    await engine?.deps.queue.close();
    redis.disconnect();
    await db?.drop();
    await deleteRedisPrefix(REDIS_URL, prefix);
  });

  async function tenantWithDag(slug: string) {
    const tenant = await db.prisma.tenant.create({ data: { slug: `${slug}-${Date.now()}`, name: slug } });
    await engine.dags.upsert(tenant.id, { dagId: 'kept', tasks: [{ taskId: 't1', type: 'noop' }] });
    const dag = await db.prisma.dag.findFirstOrThrow({ where: { tenantId: tenant.id }, include: { versions: true } });
    return { tenantId: tenant.id, dagPk: dag.id, versionId: dag.versions[0].id };
  }

  it('deletes what is past its tenant’s policy and nothing else, at the time configuration sets', async () => {
    // The clock retention reads comes from configuration (TOWER_RETENTION_NOW), as in the scheduler.
    const now = loadConfig({ TOWER_RETENTION_NOW: '2026-06-01T00:00:00Z' }).TOWER_RETENTION_NOW!;
    const a = await tenantWithDag('ret-a'); // default policy: runs 90 days, logs 30
    const b = await tenantWithDag('ret-b');
    await db.prisma.tenant.update({ where: { id: b.tenantId }, data: { runRetentionDays: 7, logRetentionDays: 3 } });
    const ago = (days: number, plusMs = 0) => new Date(now.getTime() - days * DAY + plusMs);
    const run = (t: typeof a, state: string, endedAt: Date | null, queuedAt = endedAt ?? ago(400)) => seedRun(sql, { ...t, state, endedAt, queuedAt });

    const aExpired = await run(a, 'success', ago(90, -60_000)); // a minute past 90 days
    const aJustInside = await run(a, 'failed', ago(90, 60_000)); // a minute inside: kept, logs past 30 days deleted
    const aLogsJustInside = await run(a, 'success', ago(30, 60_000)); // kept whole
    const aCanceledOld = await run(a, 'canceled', ago(200));
    const aRunningAncient = await run(a, 'running', null, ago(400)); // active: never deleted, whatever its age
    const aQueuedAncient = await run(a, 'queued', null, ago(400));
    const bExpired = await run(b, 'success', ago(7, -60_000));
    const bLogsExpired = await run(b, 'failed', ago(3, -60_000));
    const bRecent = await run(b, 'success', ago(3, 60_000));

    const retention = new Retention(engine.deps, { batchSize: 4, pauseMs: 0 }); // batches smaller than a run's rows
    const stats = await retention.sweep(now);

    expect(await rowsOf(sql, aExpired)).toEqual(gone);
    expect(await rowsOf(sql, aCanceledOld)).toEqual(gone);
    expect(await rowsOf(sql, aJustInside)).toEqual(withoutLogs);
    expect(await rowsOf(sql, aLogsJustInside)).toEqual(whole);
    expect(await rowsOf(sql, aRunningAncient)).toEqual(whole);
    expect(await rowsOf(sql, aQueuedAncient)).toEqual(whole);
    expect(await rowsOf(sql, bExpired)).toEqual(gone);
    expect(await rowsOf(sql, bLogsExpired)).toEqual(withoutLogs);
    expect(await rowsOf(sql, bRecent)).toEqual(whole);
    expect(stats).toMatchObject({
      runsDeleted: 3,
      runsLogsPurged: 5, // the three deleted, and the two kept without their logs
      deleted: { DagRun: 3, TaskInstance: 9, TaskTry: 9, XCom: 9, TaskLog: 75, StateChange: 3 },
    });
    const purged = await db.prisma.dagRun.findUniqueOrThrow({ where: { id: aJustInside.runId } });
    expect(purged.logsPurgedAt).toEqual(purged.endedAt);

    // A second pass finds nothing more to do.
    const again = await retention.sweep(now);
    expect(Object.values(again.deleted).every((n) => n === 0)).toBe(true);

    // A shortens its policy to B's, whose journal walk has already gone past A's older rows: the
    // next pass deletes A's runs now past 7 days, their journal rows included; active runs stay.
    await db.prisma.tenant.update({ where: { id: a.tenantId }, data: { runRetentionDays: 7, logRetentionDays: 3 } });
    await retention.sweep(now);
    expect(await rowsOf(sql, aJustInside)).toEqual(gone);
    expect(await rowsOf(sql, aLogsJustInside)).toEqual(gone);
    expect(await rowsOf(sql, aRunningAncient)).toEqual(whole);
    expect(await rowsOf(sql, bRecent)).toEqual(whole);
  });

  it('never deletes a run a clear reopened, even one chosen while it had ended', async () => {
    const t = await tenantWithDag('ret-reopen');
    const now = new Date('2026-06-01T00:00:00Z');
    const s = await seedRun(sql, { ...t, state: 'success', endedAt: new Date(now.getTime() - 100 * DAY), queuedAt: new Date(now.getTime() - 100 * DAY) });
    // What a clear does to a run (run-operations.ts): running again, endedAt cleared.
    await sql.query(`UPDATE "DagRun" SET state = 'running', "endedAt" = NULL WHERE id = $1`, [s.runId]);
    await new Retention(engine.deps, { pauseMs: 0 }).sweep(now);
    expect(await rowsOf(sql, s)).toEqual(whole);
  });

  it('deletes many small runs a few statements at a time, and keeps a run of the group that a clear reopened meanwhile', async () => {
    const t = await tenantWithDag('ret-groups');
    const now = new Date('2026-06-01T00:00:00Z');
    const old = (i: number) => new Date(now.getTime() - 100 * DAY + i * 60_000);
    const expired: Seeded[] = [];
    for (let i = 0; i < 10; i++) expired.push(await seedRun(sql, { ...t, state: 'success', endedAt: old(i), queuedAt: old(i) }));
    const kept = await seedRun(sql, { ...t, state: 'success', endedAt: new Date(now.getTime() - DAY), queuedAt: new Date(now.getTime() - DAY) });
    const reopened = expired[5]!;

    // Every statement retention sends, seen on the way; the first task-instance delete of the
    // second group (runs 4 to 7) is where a clear reopens run 5, after the group was chosen.
    const statements: string[] = [];
    const send = sql.query.bind(sql);
    const spy = jest.spyOn(sql, 'query').mockImplementation(async (text: string, values?: readonly unknown[]) => {
      statements.push(text);
      const tiDeletes = statements.filter((q) => q.startsWith('DELETE FROM "TaskInstance"')).length;
      if (tiDeletes === 2 && text.startsWith('DELETE FROM "TaskInstance"')) {
        await send(`UPDATE "DagRun" SET state = 'running', "endedAt" = NULL WHERE id = $1`, [reopened.runId]);
      }
      return send(text, values);
    });
    try {
      await new Retention(engine.deps, { pauseMs: 0, runsPerStatement: 4, batchSize: 1_000 }).sweep(now);
    } finally {
      spy.mockRestore();
    }
    for (const r of expired) if (r !== reopened) expect(await rowsOf(sql, r)).toEqual(gone);
    // Its children went with the group's statements (docs/retention.md, "one limit"); the run stays.
    expect(await rowsOf(sql, reopened)).toMatchObject({ DagRun: 1, StateChange: 1 });
    expect(await rowsOf(sql, kept)).toEqual(whole);
    // 10 runs in groups of 4: three groups, each one statement per table, not one per run (their
    // logs in the log retention's step only: the run step does not look for them again).
    const deletes = (table: string) => statements.filter((q) => q.startsWith(`DELETE FROM "${table}"`)).length;
    expect({
      TaskLog: deletes('TaskLog'),
      XCom: deletes('XCom'),
      TaskTry: deletes('TaskTry'),
      TaskInstance: deletes('TaskInstance'),
      DagRun: deletes('DagRun'),
    }).toEqual({
      TaskLog: 3,
      XCom: 3,
      TaskTry: 3,
      TaskInstance: 3,
      DagRun: 3,
    });
  });

  it('gives a run’s archive claim back when the object store refuses, and still deletes what is expired', async () => {
    const t = await tenantWithDag('ret-s3-down');
    const now = new Date('2026-06-01T00:00:00Z');
    const recent = await seedRun(sql, { ...t, state: 'success', endedAt: new Date(now.getTime() - 2 * 3_600_000), queuedAt: new Date(now.getTime() - DAY) });
    const expired = await seedRun(sql, { ...t, state: 'success', endedAt: new Date(now.getTime() - 100 * DAY), queuedAt: new Date(now.getTime() - 100 * DAY) });
    // A real S3 client whose endpoint refuses connections: an object store that is down.
    const store = new S3ObjectStore({ bucket: 'logs', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', accessKeyId: 'k', secretAccessKey: 's' });
    try {
      const stats = await new Retention({ prisma: db.prisma, logArchive: { store, prefix: 'logs' } }, { pauseMs: 0 }).sweep(now);
      expect(stats.archiveError).toBeTruthy();
      expect(stats.triesArchived).toBe(0);
      // Not claimed any more: a later pass archives it; its lines are where they were.
      expect((await db.prisma.dagRun.findUniqueOrThrow({ where: { id: recent.runId } })).logsArchivedAt).toBeNull();
      expect(await rowsOf(sql, recent)).toEqual(whole);
      // The expired run was never archived: nothing of it is in the store, so it goes all the same.
      expect(await rowsOf(sql, expired)).toEqual(gone);
    } finally {
      store.destroy();
    }
  });

  it('runs in the scheduler at the time TOWER_RETENTION_NOW sets, and measures rows deleted per second', async () => {
    const t = await tenantWithDag('ret-sched');
    const now = new Date('2026-06-01T00:00:00Z');
    const runs: Seeded[] = [];
    for (let i = 0; i < 20; i++) {
      runs.push(
        await seedRun(sql, {
          ...t,
          state: 'success',
          endedAt: new Date(now.getTime() - 120 * DAY),
          queuedAt: new Date(now.getTime() - 120 * DAY),
          tasks: 10,
          lines: 50,
        }),
      );
    }
    const kept = await seedRun(sql, { ...t, state: 'success', endedAt: new Date(now.getTime() - 10 * DAY), queuedAt: new Date(now.getTime() - 10 * DAY) });
    // Counted per run: the scheduler also works on the earlier tests' active runs meanwhile.
    let deleted = 0;
    for (const r of runs) deleted += Object.values(await rowsOf(sql, r)).reduce((x, y) => x + y, 0);
    expect(deleted).toBe(20 * (1 + 10 + 10 + 500 + 10 + 1));
    const schedPrefix = `${prefix}-sched`;
    const started = Date.now();
    const scheduler = await startScheduler(
      loadConfig({
        DATABASE_URL: db.url,
        REDIS_PREFIX: schedPrefix,
        LOG_LEVEL: 'silent',
        SCHEDULER_OPS_PORT: '0',
        ALERTS_ENABLED: 'false',
        TOWER_RETENTION_NOW: now.toISOString(),
        RETENTION_PAUSE_MS: '0',
      }),
      createLogger('retention-scheduler', { level: 'silent' }),
    );
    try {
      for (const deadline = Date.now() + 60_000; ;) {
        // The runs, then (at the end of the same pass) their journal rows.
        const ids = runs.map((r) => r.runId);
        const left = (await db.prisma.dagRun.count({ where: { id: { in: ids } } })) + (await db.prisma.stateChange.count({ where: { dagRunId: { in: ids } } }));
        if (left === 0) break;
        if (Date.now() > deadline) throw new Error(`${left} rows of the expired runs left after 60 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await scheduler.close();
      await deleteRedisPrefix(REDIS_URL, schedPrefix);
    }
    const seconds = (Date.now() - started) / 1000;
    for (const r of runs) expect(await rowsOf(sql, r)).toEqual(gone);
    expect(await rowsOf(sql, kept)).toEqual(whole);
    // Counted on the scheduler's /metrics.
    const counted = Object.fromEntries(
      (await registry.getSingleMetric('tower_retention_rows_deleted_total')!.get()).values.map((v) => [v.labels.table, v.value]),
    );
    expect(counted).toMatchObject({ TaskLog: 10_000, TaskInstance: 200, TaskTry: 200, XCom: 200, DagRun: 20 });
    // A figure for bench/README.md (including the scheduler's start), not a bound.
    console.log(`retention: ${deleted} rows deleted in ${seconds.toFixed(2)} s through the scheduler = ${Math.round(deleted / seconds)} rows/s`);
  });
});
