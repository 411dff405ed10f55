// 1. throughput: no-op task instances completed per second, end to end (trigger → last success),
// measured from TaskInstance.endedAt in Postgres against the trigger instant (same host clock).
import { sleep } from '../lib/stack.mjs';
import { closeStack, openStack } from '../lib/warmup.mjs';
import { setPool, signUp, triggerRun, upsertDag } from '../lib/gql.mjs';
import { canonicalSpec, insertDag, mapLimit, noopTasks, round } from '../lib/util.mjs';

const FINISHED = ['success', 'failed', 'canceled'];

/**
 * Waits until every task instance of the tenant is finished. The run(s) are then given a few
 * seconds to be finalized: a run left `running` after all its tasks finished is reported
 * (`runsNotFinalized`) rather than waited for, since the measure is task completion.
 */
async function waitTasks(prisma, tenantId, runs, tasks, progress, label, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let lastChange = Date.now();
  const stallMs = Math.min(timeoutMs, 90_000);
  for (;;) {
    const [done, runsDone] = await Promise.all([
      prisma.taskInstance.count({ where: { tenantId, state: { in: ['success', 'failed', 'upstream_failed', 'skipped'] } } }),
      prisma.dagRun.count({ where: { tenantId, state: { in: FINISHED } } }),
    ]);
    progress.update(label, done, tasks, `runs ${runsDone}/${runs}`);
    if (done >= tasks) break;
    if (done !== last) [last, lastChange] = [done, Date.now()];
    if (Date.now() - lastChange > stallMs) throw new Error(`${label}: stalled: no task finished for ${stallMs / 1000}s, ${done}/${tasks} done`);
    if (Date.now() > deadline) throw new Error(`${label}: timed out after ${timeoutMs / 1000}s with ${done}/${tasks} tasks done`);
    await sleep(250);
  }
  const finalizeBy = Date.now() + 10_000;
  for (;;) {
    const runsDone = await prisma.dagRun.count({ where: { tenantId, state: { in: FINISHED } } });
    if (runsDone >= runs) return 0;
    if (Date.now() > finalizeBy) {
      progress.note(`${label}: ${runs - runsDone} run(s) still not finished 10 s after their last task ended`);
      return runs - runsDone;
    }
    await sleep(250);
  }
}

/**
 * Each case starts from a vacuumed, analyzed database, as a separate database would: the warm-up's
 * and the previous case's dead row versions (every task state change is one) otherwise fill the
 * indexes the next case scans, and autovacuum (which checks each database once a minute) may start
 * in the middle of the measure. Production relies on autovacuum, tuned for these tables (docs/operations.md).
 */
async function settle(prisma) {
  await prisma.$executeRawUnsafe('VACUUM (ANALYZE) "TaskInstance", "DagRun", "TaskTry", "TaskLog", "XCom"');
}

async function figures(prisma, tenantId, t0, tasks, caseName, extra) {
  const [agg] = await prisma.$queryRaw`
    SELECT count(*) FILTER (WHERE state = 'success')::int AS ok,
           count(*) FILTER (WHERE state <> 'success')::int AS not_ok,
           min("startedAt") AS first_start, max("endedAt") AS last_end
    FROM "TaskInstance" WHERE "tenantId" = ${tenantId}::uuid`;
  if (agg.ok !== tasks) throw new Error(`${caseName}: ${agg.ok}/${tasks} tasks succeeded (${agg.not_ok} did not)`);
  const seconds = (agg.last_end.getTime() - t0) / 1000;
  return {
    bench: 'throughput',
    case: caseName,
    tasksPerSec: round(tasks / seconds, 1),
    tasks,
    seconds: round(seconds, 2),
    firstStartMs: agg.first_start.getTime() - t0,
    ...extra,
  };
}

/**
 * Case 1: one run of a wide DAG (no dependencies), inserted directly as Dag + DagVersion rows.
 * Returns the case's figure (and the CPU per task of the stack's processes, from ctx.afterMeasure).
 */
export async function wideCase(ctx, stack, n, timeoutMs) {
  const { client, tenantId } = await signUp(stack.apiUrl, `wide${n}`);
  // The engine is measured, not the tenant's limits: no quota, and the default pool (128 slots, as
  // Airflow's) raised, so tasks wait in the queue for a free worker slot rather than for a pool slot.
  await stack.prisma.tenant.update({ where: { id: tenantId }, data: { concurrencyQuota: 1_000_000 } });
  await setPool(client, 'default', 100_000);
  const { spec, hash } = canonicalSpec({ dagId: 'wide', maxActiveTasks: Math.min(n, 10_000), tasks: noopTasks(n) }, n);
  await insertDag(stack.prisma, tenantId, spec, hash);
  ctx.progress.note(`wide: 1 run x ${n} noop tasks (workers ${stack.workers} x concurrency ${stack.concurrency})`);
  await settle(stack.prisma);
  ctx.resetSql?.(stack);
  const t0 = Date.now();
  await triggerRun(client, 'wide');
  const triggerMs = Date.now() - t0;
  const runsNotFinalized = await waitTasks(stack.prisma, tenantId, 1, n, ctx.progress, 'wide', timeoutMs);
  const cpu = await ctx.afterMeasure?.(stack, { task: n }, `wide_1x${n}`);
  const layout = { workers: stack.workers, workerConcurrency: stack.concurrency };
  return { ...(await figures(stack.prisma, tenantId, t0, n, `wide_1x${n}`, { triggerMs, runsNotFinalized, ...layout })), cpu };
}

/** Case 2: many small runs: runsN runs of a perRun-task DAG, spread over dagsN DAGs (runsN/dagsN each). */
export async function manyCase(ctx, stack, { runsN, dagsN, perRun = 10 }, timeoutMs) {
  const { client, tenantId } = await signUp(stack.apiUrl, 'many');
  await stack.prisma.tenant.update({ where: { id: tenantId }, data: { concurrencyQuota: 1_000_000 } });
  await setPool(client, 'default', 100_000);
  const perDag = Math.ceil(runsN / dagsN);
  for (let d = 0; d < dagsN; d++) {
    await upsertDag(client, { dagId: `small_${d}`, maxActiveRuns: Math.max(16, perDag), maxActiveTasks: 1000, tasks: noopTasks(perRun) });
  }
  ctx.progress.note(`many: ${runsN} runs x ${perRun} noop tasks over ${dagsN} DAGs, triggered through the API 8 at a time`);
  const base = Date.UTC(2020, 0, 1);
  const jobs = Array.from({ length: runsN }, (_, i) => ({ dagId: `small_${i % dagsN}`, logicalDate: new Date(base + i * 1000) }));
  await settle(stack.prisma);
  ctx.resetSql?.(stack);
  const t0 = Date.now();
  let triggered = 0;
  await mapLimit(jobs, 8, async (j) => {
    await triggerRun(client, j.dagId, j.logicalDate);
    ctx.progress.update('many: triggering', ++triggered, runsN);
  });
  const triggerMs = Date.now() - t0;
  const runsNotFinalized = await waitTasks(stack.prisma, tenantId, runsN, runsN * perRun, ctx.progress, 'many', timeoutMs);
  const cpu = await ctx.afterMeasure?.(stack, { task: runsN * perRun }, `runs_${runsN}x${perRun}`);
  const layout = { workers: stack.workers, workerConcurrency: stack.concurrency };
  const figure = await figures(stack.prisma, tenantId, t0, runsN * perRun, `runs_${runsN}x${perRun}`, {
    runs: runsN,
    dags: dagsN,
    triggerMs,
    runsNotFinalized,
    ...layout,
  });
  return { ...figure, cpu };
}

export default async function throughput(ctx) {
  const wideN = ctx.size(2000, 20);
  const runsN = ctx.size(500, 5);
  const dagsN = ctx.size(50, 1);
  const timeoutMs = ctx.smoke ? 30_000 : 20 * 60_000;
  const stack = await openStack(ctx, 'throughput');
  const out = [];
  // The CPU figure is printed by afterMeasure; the emitted figure stays as it was.
  const emit = ({ cpu: _cpu, ...figure }) => {
    out.push(figure);
    ctx.emit(figure);
  };
  try {
    const errors = [];
    // BENCH_THROUGHPUT_CASE=wide|runs runs one case only (profiling); the default is both.
    const only = process.env.BENCH_THROUGHPUT_CASE;
    if (only !== 'runs')
      try {
        emit(await wideCase(ctx, stack, wideN, timeoutMs));
      } catch (err) {
        errors.push(`wide_1x${wideN}: ${err.message}`);
        ctx.progress.note(`wide case FAILED: ${err.message}`);
        ctx.emit({ bench: 'throughput', case: `wide_1x${wideN}`, failed: true, error: err.message.slice(0, 300) });
        // Still give a wide figure: the largest DAG the API accepts.
        if (wideN > 500) {
          try {
            emit(await wideCase(ctx, stack, 500, timeoutMs));
          } catch (err2) {
            errors.push(`wide_1x500: ${err2.message}`);
            ctx.progress.note(`wide_1x500 FAILED too: ${err2.message}`);
          }
        }
      }
    if (only !== 'wide')
      try {
        emit(await manyCase(ctx, stack, { runsN, dagsN }, timeoutMs));
      } catch (err) {
        errors.push(`many runs: ${err.message}`);
        ctx.progress.note(`many-runs case FAILED: ${err.message}`);
      }
    ctx.shared.throughput = out;
    if (errors.length) throw new Error(errors.join('; '));
    return out;
  } finally {
    await closeStack(ctx, stack);
  }
}
