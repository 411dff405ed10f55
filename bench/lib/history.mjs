// History inserted in bulk for the long benchmarks (soak, retention_load): finished runs with their
// task instances, tries and log lines, written by SQL in batches rather than run, then settled as
// after a restore (VACUUM ANALYZE, CHECKPOINT).
import { execFileSync } from 'node:child_process';
import { HOT } from './sustain.mjs';
import { canonicalSpec, noopTasks, round } from './util.mjs';

/**
 * Inserts the history in batches of tenants: one statement per batch writes runs, task instances,
 * tries and log lines. Tenants `<prefix>-<n>`, DAGs `<prefix>_<n>`, each with `runsPerDag` hourly
 * finished runs of 10 noop tasks, the last of them ending about `hoursAgo - runsPerDag` hours ago.
 */
export async function insertHistory(ctx, prisma, { prefix, tenants, dagsPerTenant, runsPerDag, hoursAgo = runsPerDag + 24 }) {
  const { spec, hash } = canonicalSpec({ dagId: 'history', schedule: '0 * * * *', tasks: noopTasks(10) });
  await prisma.$executeRawUnsafe(`INSERT INTO "Tenant" (slug, name) SELECT '${prefix}-' || g, '${prefix} history ' || g FROM generate_series(1, ${tenants}) g`);
  await prisma.$executeRawUnsafe(
    `INSERT INTO "Dag" ("tenantId", "dagId", schedule, "updatedAt")
     SELECT t.id, '${prefix}_' || d, '0 * * * *', now() FROM "Tenant" t CROSS JOIN generate_series(1, ${dagsPerTenant}) d WHERE t.slug LIKE '${prefix}-%'`,
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO "DagVersion" ("tenantId", "dagPk", version, spec, "specHash", "createdBy")
     SELECT "tenantId", id, 1, $1::jsonb, $2, 'history' FROM "Dag" WHERE "dagId" LIKE '${prefix}\\_%'`,
    JSON.stringify(spec),
    hash,
  );
  const total = tenants * dagsPerTenant * runsPerDag * 10;
  const perBatch = Math.max(1, Math.floor(40_000 / (dagsPerTenant * runsPerDag * 10)));
  const t0 = Date.now();
  let done = 0;
  for (let first = 1; first <= tenants; first += perBatch) {
    const slugs = Array.from({ length: Math.min(perBatch, tenants - first + 1) }, (_, i) => `${prefix}-${first + i}`);
    const [{ n }] = await prisma.$queryRawUnsafe(
      `WITH runs AS (
         INSERT INTO "DagRun" ("tenantId", "dagPk", "dagId", "dagVersionId", "dagVersion", "runId", "runType", state,
                               "logicalDate", "dataIntervalStart", "dataIntervalEnd", "queuedAt", "startedAt", "endedAt", "updatedAt")
         SELECT d."tenantId", d.id, d."dagId", v.id, 1, 'scheduled__' || to_char(x.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'), 'scheduled',
                (CASE WHEN g % 25 = 0 THEN 'failed' ELSE 'success' END)::"RunState",
                x.ts, x.ts, x.ts + interval '1 hour', x.ts + interval '1 hour', x.ts + interval '1 hour 1 second',
                x.ts + interval '1 hour 40 seconds', x.ts + interval '1 hour 40 seconds'
         FROM "Dag" d JOIN "DagVersion" v ON v."dagPk" = d.id JOIN "Tenant" t ON t.id = d."tenantId"
         CROSS JOIN generate_series(1, ${runsPerDag}) g
         CROSS JOIN LATERAL (SELECT date_trunc('hour', now()) - interval '${hoursAgo} hours' + g * interval '1 hour') x(ts)
         WHERE t.slug = ANY($1::text[])
         RETURNING id, "tenantId", "dagId", state, "startedAt", "endedAt"),
       tis AS (
         INSERT INTO "TaskInstance" ("tenantId", "dagRunId", "dagId", "taskId", operator, state, "tryNumber", "maxTries",
                                     "queuedAt", "startedAt", "endedAt", "updatedAt")
         SELECT r."tenantId", r.id, r."dagId", 't' || k, 'noop',
                (CASE WHEN r.state = 'failed' AND k = 9 THEN 'failed' ELSE 'success' END)::"TaskState", 1, 1,
                r."startedAt" + k * interval '3 seconds', r."startedAt" + k * interval '3 seconds' + interval '100 ms',
                r."startedAt" + k * interval '3 seconds' + interval '2 seconds', r."endedAt"
         FROM runs r CROSS JOIN generate_series(0, 9) k
         RETURNING id, "tenantId", "taskId", state, "startedAt", "endedAt"),
       tries AS (
         INSERT INTO "TaskTry" ("tenantId", "taskInstanceId", "tryNumber", state, "workerId", "startedAt", "endedAt")
         SELECT "tenantId", id, 1, state, 'history', "startedAt", "endedAt" FROM tis RETURNING 1),
       logs AS (
         INSERT INTO "TaskLog" ("tenantId", "taskInstanceId", "tryNumber", ts, level, message)
         SELECT "tenantId", id, 1, "startedAt" + l * interval '100 ms', 'info', 'history: line ' || l || ' of ' || "taskId"
         FROM tis CROSS JOIN generate_series(1, 2) l RETURNING 1)
       SELECT (SELECT count(*) FROM tis)::int AS n, (SELECT count(*) FROM tries) AS tries, (SELECT count(*) FROM logs) AS logs`,
      slugs,
    );
    done += n;
    ctx.progress.update(`history (${prefix}): task instances`, done, total);
  }
  const seconds = (Date.now() - t0) / 1000;
  // As after a restore, before the database takes traffic: VACUUM ANALYZE (the first vacuum of
  // freshly written pages sets their hint bits and visibility map, rewriting every page once; a
  // history that accumulated over months paid that as it came), then CHECKPOINT and sync, so the
  // gigabytes just written are on disk and not flushed during the measured minutes.
  const settleT0 = Date.now();
  ctx.progress.note(`history (${prefix}): VACUUM ANALYZE, CHECKPOINT`);
  await prisma.$executeRawUnsafe(`VACUUM (ANALYZE) ${HOT.map((t) => `"${t}"`).join(', ')}, "Dag", "DagVersion", "Tenant"`);
  await prisma.$executeRawUnsafe('CHECKPOINT');
  execFileSync('sync');
  return {
    taskInstances: done,
    insertSeconds: round(seconds, 1),
    rowsPerSec: round((done * 4) / seconds, 0),
    vacuumAnalyzeCheckpointSeconds: round((Date.now() - settleT0) / 1000, 1),
  };
}
