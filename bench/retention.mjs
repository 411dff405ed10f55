#!/usr/bin/env node
// Retention benchmark: rows deleted per second by one retention pass (docs/retention.md) at its
// production settings (1,000 rows per statement, 20 ms pause), and what it costs the hot path
// meanwhile: the latency of a compare-and-set on an active task instance (what claims and ends
// do), probed every 10 ms before and during the pass.
//
//   npx turbo run build --filter=@tower/engine
//   node bench/retention.mjs [--runs 200] [--tasks 20] [--lines 50]     (npm run bench -- retention …)
//
// Prints one JSON line: {"bench":"retention","rows":…,"seconds":…,"rowsPerSec":…,"probe":{"before":{p50,p99,max},"during":{…}}}
// The history is inserted in bulk (not run) into a database of its own, dropped afterwards.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const engineDist = join(ROOT, 'packages/engine/dist/index.js');
if (!existsSync(engineDist)) {
  console.error('packages/engine/dist is missing: run `npx turbo run build --filter=@tower/engine` first');
  process.exit(2);
}
const { Retention } = await import(engineDist);
const { createTestDatabase, sqlOf } = await import(join(ROOT, 'packages/db/dist/index.js'));

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '200' }, tasks: { type: 'string', default: '20' }, lines: { type: 'string', default: '50' } },
});
const [runs, tasks, lines] = [Number(values.runs), Number(values.tasks), Number(values.lines)];
const DAY = 86_400_000;
const now = new Date('2026-06-01T00:00:00Z');

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Number(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2)) : null;
};
const summary = (xs) => ({ n: xs.length, p50: pct(xs, 50), p99: pct(xs, 99), max: pct(xs, 100) });

const db = await createTestDatabase('bench_retention');
try {
  const sql = sqlOf(db.prisma);
  const [tenant] = await sql.query(`INSERT INTO "Tenant" (slug, name) VALUES ('bench-retention', 'bench') RETURNING id`);
  const [dag] = await sql.query(`INSERT INTO "Dag" ("tenantId", "dagId", "updatedAt") VALUES ($1, 'history', now()) RETURNING id`, [tenant.id]);
  const [version] = await sql.query(`INSERT INTO "DagVersion" ("tenantId", "dagPk", version, spec, "specHash") VALUES ($1, $2, 1, '{}', 'x') RETURNING id`, [
    tenant.id,
    dag.id,
  ]);
  process.stderr.write(`[retention] inserting ${runs} expired runs × ${tasks} tasks × ${lines} log lines…\n`);
  // Expired: ended 120 days before `now` (the default policy keeps 90).
  const ended = new Date(now.getTime() - 120 * DAY);
  await sql.query(
    `INSERT INTO "DagRun" ("tenantId", "dagPk", "dagId", "dagVersionId", "dagVersion", "runId", "runType", state, "logicalDate", "dataIntervalStart", "dataIntervalEnd", "queuedAt", "startedAt", "endedAt", "updatedAt")
     SELECT $1, $2, 'history', $3, 1, 'scheduled__' || g, 'scheduled', 'success', $4::timestamptz - g * interval '1 minute', $4, $4, $4, $4, $4, now() FROM generate_series(1, $5) g`,
    [tenant.id, dag.id, version.id, ended, runs],
  );
  await sql.query(
    `INSERT INTO "TaskInstance" ("tenantId", "dagRunId", "dagId", "taskId", operator, state, "tryNumber", "updatedAt")
     SELECT $1, r.id, 'history', 't' || g, 'noop', 'success', 1, now() FROM "DagRun" r, generate_series(1, $2) g`,
    [tenant.id, tasks],
  );
  await sql.query(
    `INSERT INTO "TaskTry" ("tenantId", "taskInstanceId", "tryNumber", state, "startedAt", "endedAt") SELECT $1, id, 1, 'success', $2, $2 FROM "TaskInstance"`,
    [tenant.id, ended],
  );
  await sql.query(
    `INSERT INTO "TaskLog" ("tenantId", "taskInstanceId", "tryNumber", ts, message) SELECT $1, ti.id, 1, $2, 'line ' || g FROM "TaskInstance" ti, generate_series(1, $3) g`,
    [tenant.id, ended, lines],
  );
  await sql.query(
    `INSERT INTO "XCom" ("tenantId", "taskInstanceId", "dagRunId", "taskId", "tryNumber", key, value) SELECT $1, id, "dagRunId", "taskId", 1, 'return_value', '1' FROM "TaskInstance"`,
    [tenant.id],
  );
  await sql.query(
    `INSERT INTO "StateChange" ("tenantId", entity, "entityId", "dagRunId", "dagId", "taskId", "tryNumber", state, event, at)
     SELECT $1, 'task', id, "dagRunId", 'history', "taskId", 1, 'success', 'succeed', $2 FROM "TaskInstance"`,
    [tenant.id, ended],
  );
  // One active run with one running task: the hot path's row, probed while retention works.
  const [live] = await sql.query(
    `INSERT INTO "DagRun" ("tenantId", "dagPk", "dagId", "dagVersionId", "dagVersion", "runId", "runType", state, "logicalDate", "dataIntervalStart", "dataIntervalEnd", "updatedAt")
     VALUES ($1, $2, 'history', $3, 1, 'manual__live', 'manual', 'running', now(), now(), now(), now()) RETURNING id`,
    [tenant.id, dag.id, version.id],
  );
  const [hot] = await sql.query(
    `INSERT INTO "TaskInstance" ("tenantId", "dagRunId", "dagId", "taskId", operator, state, "tryNumber", "updatedAt") VALUES ($1, $2, 'history', 'hot', 'noop', 'running', 1, now()) RETURNING id`,
    [tenant.id, live.id],
  );
  await sql.query(`VACUUM ANALYZE`);
  const [{ rows }] = await sql.query(
    `SELECT ((SELECT count(*) FROM "TaskLog") + (SELECT count(*) FROM "TaskTry") + (SELECT count(*) FROM "TaskInstance") + (SELECT count(*) FROM "XCom") + (SELECT count(*) FROM "DagRun") + (SELECT count(*) FROM "StateChange") - 2)::int AS rows`,
  );

  // The hot-path probe: a heartbeat-like compare-and-set on the running task, every 10 ms.
  const probe = async (until) => {
    const out = [];
    while (!until()) {
      const t0 = performance.now();
      await sql.query(`UPDATE "TaskInstance" SET "heartbeatAt" = now() WHERE id = $1 AND state = 'running'`, [hot.id]);
      out.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 10));
    }
    return out;
  };
  const beforeEnd = Date.now() + 3_000;
  const before = await probe(() => Date.now() > beforeEnd);

  process.stderr.write(`[retention] ${rows} rows to delete; one pass at the default settings…\n`);
  let done = false;
  const during = probe(() => done);
  const t0 = Date.now();
  const retention = new Retention({ prisma: db.prisma }, { runsPerPass: runs });
  const stats = await retention.sweep(now);
  const seconds = (Date.now() - t0) / 1000;
  done = true;
  const deleted = Object.values(stats.deleted).reduce((a, b) => a + b, 0);
  if (deleted !== rows) throw new Error(`deleted ${deleted} rows, expected ${rows}`);
  const [{ left }] = await sql.query(`SELECT count(*)::int AS left FROM "TaskInstance" WHERE id = $1`, [hot.id]);
  if (left !== 1) throw new Error('the active task instance was deleted');
  console.log(
    JSON.stringify({
      bench: 'retention',
      runs,
      tasks,
      lines,
      rows: deleted,
      seconds: Number(seconds.toFixed(2)),
      rowsPerSec: Math.round(deleted / seconds),
      deleted: stats.deleted,
      probeMs: { before: summary(before), during: summary(await during) },
    }),
  );
} finally {
  await db.drop();
}
