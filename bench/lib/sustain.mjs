// The sustained mixed load of the long benchmarks (soak, retention_load): a tenant triggering runs
// of 10-task noop DAGs through the API, holding about BENCH_SOAK_ACTIVE_RUNS (200) in flight, and a
// second tenant running a 20-task chain run after run, whose upstream → downstream gaps are the
// latency figure. Reported minute by minute with the hot tables' sizes, dead rows and autovacuum.
import { Redis } from 'ioredis';
import { readAutovacuumLog, summarizeAutovacuum } from './autovacuum-log.mjs';
import { setPool, signUp, triggerRun, upsertDag } from './gql.mjs';
import { sleep } from './stack.mjs';
import { chainTasks, noopTasks, round, summarize } from './util.mjs';

export const HOT = ['DagRun', 'TaskInstance', 'TaskTry', 'TaskLog', 'StateChange'];

/** The engine's floors, which every measured minute of a sustained load must keep. */
export const FLOOR_TASKS_PER_SEC = 1000;
export const FLOOR_P99_MS = 100;

/**
 * The worst of `minutes` (sustain's figures) and whether it keeps the floors. A minute without a
 * finished chain run has no latency figure, and no minute at all has none: both fail the floor.
 */
export function worstMinute(minutes) {
  const tasksPerSec = minutes.length ? Math.min(...minutes.map((f) => f.tasksPerSec)) : null;
  const p99Ms = !minutes.length || minutes.some((f) => f.edgeP99Ms == null) ? null : Math.max(...minutes.map((f) => f.edgeP99Ms));
  return {
    tasksPerSec,
    p99Ms,
    floors: { tasksPerSec: tasksPerSec != null && tasksPerSec >= FLOOR_TASKS_PER_SEC, edgeP99: p99Ms != null && p99Ms <= FLOOR_P99_MS },
  };
}

/** Signs up the load's two tenants and upserts their DAGs; `pgLog` is the server log autovacuum reports to. */
export async function prepareLoad(stack, { bench, pgLog }) {
  const { client, tenantId } = await signUp(stack.apiUrl, bench);
  await stack.prisma.tenant.update({ where: { id: tenantId }, data: { concurrencyQuota: 1_000_000 } });
  await setPool(client, 'default', 100_000);
  const dags = Array.from({ length: 16 }, (_, i) => `small_${i}`);
  for (const dagId of dags) await upsertDag(client, { dagId, maxActiveRuns: 50, maxActiveTasks: 1000, tasks: noopTasks(10) });
  // The chain belongs to a tenant of its own, as the latency a tenant sees while another floods the engine.
  const { client: chainClient } = await signUp(stack.apiUrl, `${bench}-chain`);
  await upsertDag(chainClient, { dagId: 'chain', maxActiveRuns: 1, tasks: chainTasks(20) });
  return { bench, client, chainClient, tenantId, dags, next: 0, dates: {}, chainDate: Date.UTC(2000, 0, 1), pgLog };
}

export async function tableStats(prisma) {
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
 * `extra(from, to)` adds figures of the caller's to each minute's; `until(figure)` ends the load
 * after a minute that satisfies it.
 */
export async function sustain(ctx, stack, load, minutes, phase, { extra, until } = {}) {
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
      if (run?.id) {
        recent.push({ id: run.id, at: Date.now() });
        load.triggered = (load.triggered ?? 0) + 1;
      }
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
        bench: load.bench,
        case: `${phase}_minute_${m}`,
        tasksPerSec: round(tasks / ((to - from) / 1000), 1),
        edgeP50Ms: lat.p50,
        edgeP99Ms: lat.p99,
        edges: lat.n,
        ...(await tableStats(stack.prisma)),
        // What autovacuum did in the minute (reports that ended in it): count, CPU and wall seconds per table.
        autovacuum: summarizeAutovacuum(readAutovacuumLog(load.pgLog), from, to, HOT),
        redisMb: await redisMemoryMb(stack.env.REDIS_URL),
        ...(extra ? await extra(from, to) : {}),
      };
      figures.push(fig);
      ctx.emit(fig);
      if (until?.(fig)) break;
    }
  } finally {
    stop = true;
    await Promise.all([...triggerers, governor, chain]);
  }
  return figures;
}
