// soak (named only): sustained load on full tables. On a PostgreSQL cluster of its own with
// production settings (autovacuum on; BENCH_SOAK_AUTOVACUUM=off|both runs it off too):
//   1. BENCH_SOAK_BASELINE_MINUTES (1) of the sustained load on empty tables: the reference figure;
//   2. history: 10,000,000 task instances (500 tenants × 4 DAGs × 500 hourly runs × 10 tasks, with
//      a try and two log lines each), inserted in bulk by SQL, not run; then ANALYZE, as after a
//      restore;
//   3. BENCH_SOAK_MINUTES (10) of the same load.
// The load: runs of a 10-task noop DAG triggered through the API 8 at a time, holding about
// BENCH_SOAK_ACTIVE_RUNS (200) runs in flight, and a 20-task chain run after run for latency.
// Per minute: tasks/s, upstream → downstream p50/p99 of the chain's edges, table and index sizes,
// autovacuum and autoanalyze counts and dead tuples of the hot tables, Redis memory. The floors:
// ≥ 1,000 tasks/s and p99 ≤ 100 ms in every minute, tasks/s ≥ 80 % of the empty-table figure.
import { Redis } from 'ioredis';
import { setPool, signUp, triggerRun, upsertDag } from '../lib/gql.mjs';
import { startPrivatePostgres } from '../lib/private-postgres.mjs';
import { sleep, startStack } from '../lib/stack.mjs';
import { warmUp } from '../lib/warmup.mjs';
import { canonicalSpec, chainTasks, noopTasks, round, summarize } from '../lib/util.mjs';

const HOT = ['DagRun', 'TaskInstance', 'TaskTry', 'TaskLog', 'StateChange'];
const FLOOR_TASKS_PER_SEC = 1000;
const FLOOR_P99_MS = 100;

/** Inserts the history in batches of tenants: one statement per batch writes runs, task instances, tries and log lines. */
async function insertHistory(ctx, prisma, { tenants, dagsPerTenant, runsPerDag }) {
  const { spec, hash } = canonicalSpec({ dagId: 'history', schedule: '0 * * * *', tasks: noopTasks(10) });
  await prisma.$executeRawUnsafe(`INSERT INTO "Tenant" (slug, name) SELECT 'hist-' || g, 'history ' || g FROM generate_series(1, ${tenants}) g`);
  await prisma.$executeRawUnsafe(
    `INSERT INTO "Dag" ("tenantId", "dagId", schedule, "updatedAt")
     SELECT t.id, 'hist_' || d, '0 * * * *', now() FROM "Tenant" t CROSS JOIN generate_series(1, ${dagsPerTenant}) d WHERE t.slug LIKE 'hist-%'`,
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO "DagVersion" ("tenantId", "dagPk", version, spec, "specHash", "createdBy")
     SELECT "tenantId", id, 1, $1::jsonb, $2, 'history' FROM "Dag" WHERE "dagId" LIKE 'hist\\_%'`,
    JSON.stringify(spec),
    hash,
  );
  const total = tenants * dagsPerTenant * runsPerDag * 10;
  const perBatch = Math.max(1, Math.floor(40_000 / (dagsPerTenant * runsPerDag * 10)));
  const t0 = Date.now();
  let done = 0;
  for (let first = 1; first <= tenants; first += perBatch) {
    const slugs = Array.from({ length: Math.min(perBatch, tenants - first + 1) }, (_, i) => `hist-${first + i}`);
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
         CROSS JOIN LATERAL (SELECT date_trunc('hour', now()) - interval '${runsPerDag + 24} hours' + g * interval '1 hour') x(ts)
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
    ctx.progress.update('history: task instances', done, total);
  }
  const seconds = (Date.now() - t0) / 1000;
  const analyzeT0 = Date.now();
  await prisma.$executeRawUnsafe(`ANALYZE ${HOT.map((t) => `"${t}"`).join(', ')}, "Dag", "DagVersion", "Tenant"`);
  return {
    taskInstances: done,
    insertSeconds: round(seconds, 1),
    rowsPerSec: round((done * 4) / seconds, 0),
    analyzeSeconds: round((Date.now() - analyzeT0) / 1000, 1),
  };
}

async function tableStats(prisma) {
  const rows = await prisma.$queryRawUnsafe(
    `SELECT s.relname AS table, pg_table_size(s.relid) AS table_bytes, pg_indexes_size(s.relid) AS index_bytes,
            s.n_live_tup AS live, s.n_dead_tup AS dead, s.autovacuum_count AS autovacuums, s.autoanalyze_count AS autoanalyzes
     FROM pg_stat_user_tables s WHERE s.relname = ANY($1::text[]) ORDER BY s.relname`,
    HOT,
  );
  const running = await prisma.$queryRawUnsafe(`SELECT count(*)::int AS n FROM pg_stat_progress_vacuum`);
  const mb = (b) => round(Number(b) / 1024 / 1024, 0);
  return {
    tables: Object.fromEntries(
      rows.map((r) => [
        r.table,
        {
          tableMb: mb(r.table_bytes),
          indexMb: mb(r.index_bytes),
          live: Number(r.live),
          dead: Number(r.dead),
          autovacuums: Number(r.autovacuums),
          autoanalyzes: Number(r.autoanalyzes),
        },
      ]),
    ),
    vacuumsRunning: running[0].n,
  };
}

async function redisMemoryMb(url) {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    await redis.connect();
    const info = await redis.info('memory');
    return round(Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 1024 / 1024, 1);
  } finally {
    redis.disconnect();
  }
}

/**
 * The sustained load for `minutes`, reporting each minute. Runs of `small_<i>` are triggered 8 at a
 * time while fewer than `activeRuns` are unfinished; the chain runs one run after another.
 */
async function sustain(ctx, stack, load, minutes, phase) {
  const { client, chainClient, tenantId, dags } = load;
  const activeRuns = Number(process.env.BENCH_SOAK_ACTIVE_RUNS ?? 200);
  let stop = false;
  let inFlight = 0;
  // Runs triggered in the last few minutes: the minute's finished tasks are counted among theirs
  // (an index lookup per run; no index finds a tenant's finished task instances by time).
  let recent = [];
  const triggerers = Array.from({ length: 8 }, async () => {
    while (!stop) {
      if (inFlight >= activeRuns) {
        await sleep(50);
        continue;
      }
      const dag = dags[load.next++ % dags.length];
      load.dates[dag] = (load.dates[dag] ?? Date.UTC(2000, 0, 1)) + 1000;
      const run = await triggerRun(client, dag, new Date(load.dates[dag])).catch(async (err) => {
        load.triggerErrors = (load.triggerErrors ?? 0) + 1;
        if (load.triggerErrors <= 3) ctx.progress.note(`trigger failed: ${err.message}`);
        await sleep(200);
      });
      if (run?.id) recent.push({ id: run.id, at: Date.now() });
    }
  });
  const governor = (async () => {
    while (!stop) {
      inFlight = await stack.prisma.dagRun.count({ where: { tenantId, state: { in: ['queued', 'running'] }, dagId: { not: 'chain' } } });
      await sleep(250);
    }
  })();
  const chainRuns = [];
  const chain = (async () => {
    while (!stop) {
      load.chainDate += 1000;
      const run = await triggerRun(chainClient, 'chain', new Date(load.chainDate)).catch(() => null);
      if (!run) continue;
      for (;;) {
        const r = await stack.prisma.dagRun.findUnique({ where: { id: run.id }, select: { state: true } });
        if (r.state !== 'queued' && r.state !== 'running') break;
        await sleep(100);
      }
      chainRuns.push(run.id);
    }
  })();
  const figures = [];
  try {
    // The load ramps up (runs in flight, workers busy) before the first minute is measured.
    await sleep(15_000);
    for (let m = 1; m <= minutes; m++) {
      const from = new Date();
      const end = from.getTime() + 60_000;
      while (Date.now() < end) {
        ctx.progress.update(`${phase}: minute ${m}/${minutes}`, Math.round((60_000 - (end - Date.now())) / 1000), 60, `${inFlight} runs in flight`);
        await sleep(1000);
      }
      const to = new Date();
      recent = recent.filter((r) => r.at > Date.now() - 5 * 60_000);
      const [{ tasks }] = await stack.prisma.$queryRawUnsafe(
        `SELECT count(*)::int AS tasks FROM "TaskInstance" WHERE "dagRunId" = ANY($1::uuid[]) AND "endedAt" >= $2 AND "endedAt" < $3`,
        recent.map((r) => r.id),
        from,
        to,
      );
      const chainTis = await stack.prisma.taskInstance.findMany({
        where: { dagRunId: { in: chainRuns } },
        select: { dagRunId: true, taskId: true, startedAt: true, endedAt: true },
      });
      chainRuns.length = 0;
      const byRun = new Map();
      for (const ti of chainTis) byRun.set(`${ti.dagRunId}/${ti.taskId}`, ti);
      const edges = [];
      for (const ti of chainTis) {
        const i = Number(ti.taskId.slice(1));
        const up = i > 0 && byRun.get(`${ti.dagRunId}/t${i - 1}`);
        if (up) edges.push(ti.startedAt.getTime() - up.endedAt.getTime());
      }
      const lat = summarize(edges);
      const fig = {
        bench: 'soak',
        case: `${phase}_minute_${m}`,
        tasksPerSec: round(tasks / ((to - from) / 1000), 1),
        edgeP50Ms: lat.p50,
        edgeP99Ms: lat.p99,
        edges: lat.n,
        ...(await tableStats(stack.prisma)),
        redisMb: await redisMemoryMb(stack.env.REDIS_URL),
      };
      figures.push(fig);
      ctx.emit(fig);
    }
  } finally {
    stop = true;
    await Promise.all([...triggerers, governor, chain]);
  }
  return figures;
}

async function soakOnce(ctx, autovacuum) {
  const pg = await startPrivatePostgres({ autovacuum });
  const previousServer = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = pg.url;
  let stack;
  try {
    stack = await startStack({ name: `soak_av_${autovacuum ? 'on' : 'off'}`, progress: ctx.progress });
    await stack.startAll();
    await warmUp(ctx, stack);
    const { client, tenantId } = await signUp(stack.apiUrl, 'soak');
    await stack.prisma.tenant.update({ where: { id: tenantId }, data: { concurrencyQuota: 1_000_000 } });
    await setPool(client, 'default', 100_000);
    const dags = Array.from({ length: 16 }, (_, i) => `small_${i}`);
    for (const dagId of dags) await upsertDag(client, { dagId, maxActiveRuns: 50, maxActiveTasks: 1000, tasks: noopTasks(10) });
    // The chain belongs to a tenant of its own, as the latency a tenant sees while another floods the engine.
    const { client: chainClient } = await signUp(stack.apiUrl, 'soak-chain');
    await upsertDag(chainClient, { dagId: 'chain', maxActiveRuns: 1, tasks: chainTasks(20) });
    const load = { client, chainClient, tenantId, dags, next: 0, dates: {}, chainDate: Date.UTC(2000, 0, 1) };
    const label = `autovacuum_${autovacuum ? 'on' : 'off'}`;

    const baseline = await sustain(ctx, stack, load, ctx.smoke ? 1 : Number(process.env.BENCH_SOAK_BASELINE_MINUTES ?? 1), `${label}_empty`);
    const emptyTasksPerSec = Math.max(...baseline.map((f) => f.tasksPerSec));

    ctx.progress.note(`${label}: inserting the history`);
    const history = await insertHistory(ctx, stack.prisma, {
      tenants: ctx.size(500, 2),
      dagsPerTenant: 4,
      runsPerDag: ctx.size(500, 5),
    });
    ctx.emit({ bench: 'soak', case: `${label}_history`, ...history, ...(await tableStats(stack.prisma)) });

    const minutes = await sustain(ctx, stack, load, ctx.smoke ? 1 : Number(process.env.BENCH_SOAK_MINUTES ?? 10), `${label}_full`);
    // A minute without a finished chain run has no latency figure: it fails the floor.
    const worst = {
      tasksPerSec: Math.min(...minutes.map((f) => f.tasksPerSec)),
      p99Ms: minutes.some((f) => f.edgeP99Ms == null) ? null : Math.max(...minutes.map((f) => f.edgeP99Ms)),
    };
    const summary = {
      bench: 'soak',
      case: `${label}_summary`,
      emptyTasksPerSec,
      worstMinuteTasksPerSec: worst.tasksPerSec,
      worstMinuteEdgeP99Ms: worst.p99Ms,
      ratioToEmpty: round(worst.tasksPerSec / emptyTasksPerSec, 2),
      floors: {
        tasksPerSec: worst.tasksPerSec >= FLOOR_TASKS_PER_SEC,
        edgeP99: worst.p99Ms != null && worst.p99Ms <= FLOOR_P99_MS,
        within80PercentOfEmpty: worst.tasksPerSec >= 0.8 * emptyTasksPerSec,
      },
      postgres: pg.settings,
    };
    ctx.emit(summary);
    ctx.progress.note(
      `${label}: worst minute ${summary.worstMinuteTasksPerSec} tasks/s (empty tables ${emptyTasksPerSec}; ${Math.round(summary.ratioToEmpty * 100)} %), edge p99 ${summary.worstMinuteEdgeP99Ms} ms — floors ${Object.entries(
        summary.floors,
      )
        .map(([k, ok]) => `${k} ${ok ? 'met' : 'NOT met'}`)
        .join(', ')}`,
    );
    return summary;
  } finally {
    await stack?.stop();
    if (previousServer === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = previousServer;
    await pg.destroy();
  }
}

export default async function soak(ctx) {
  const mode = process.env.BENCH_SOAK_AUTOVACUUM ?? 'on';
  const out = [];
  if (mode === 'on' || mode === 'both') out.push(await soakOnce(ctx, true));
  if (mode === 'off' || mode === 'both') out.push(await soakOnce(ctx, false));
  return out;
}
