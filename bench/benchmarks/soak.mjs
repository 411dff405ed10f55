// soak (named only): sustained load on full tables. On a PostgreSQL cluster of its own with
// production settings (autovacuum on; BENCH_SOAK_AUTOVACUUM=off|both runs it off too):
//   1. BENCH_SOAK_BASELINE_MINUTES (2) of the sustained load on empty tables: the best is the reference;
//   2. history: 10,000,000 task instances (500 tenants × 4 DAGs × 500 hourly runs × 10 tasks, with
//      a try and two log lines each), inserted in bulk by SQL, not run; then VACUUM ANALYZE and a
//      CHECKPOINT, as after a restore (bench/lib/history.mjs);
//   3. BENCH_SOAK_MINUTES (10) of the same load.
// The load: runs of a 10-task noop DAG triggered through the API 8 at a time, holding about
// BENCH_SOAK_ACTIVE_RUNS (200) runs in flight, and a 20-task chain run after run for latency.
// Per minute: tasks/s, upstream → downstream p50/p99 of the chain's edges, table and index sizes,
// autovacuum and autoanalyze counts and dead tuples of the hot tables, what each autovacuum and
// autoanalyze that ended in the minute cost (CPU and wall seconds, from the server log), Redis memory
// (the load: bench/lib/sustain.mjs). The floors:
// ≥ 1,000 tasks/s and p99 ≤ 100 ms in every minute, tasks/s ≥ 80 % of the empty-table figure.
import { readAutovacuumLog, summarizeAutovacuum } from '../lib/autovacuum-log.mjs';
import { insertHistory } from '../lib/history.mjs';
import { withPrivatePostgres } from '../lib/private-postgres.mjs';
import { startStack } from '../lib/stack.mjs';
import { HOT, prepareLoad, sustain, tableStats, worstMinute } from '../lib/sustain.mjs';
import { warmUp } from '../lib/warmup.mjs';
import { round } from '../lib/util.mjs';

async function soakOnce(ctx, autovacuum) {
  return withPrivatePostgres({ autovacuum, settings: { log_autovacuum_min_duration: 0 } }, async (pg) => {
    let stack;
    try {
      stack = await startStack({ name: `soak_av_${autovacuum ? 'on' : 'off'}`, progress: ctx.progress });
      await stack.startAll();
      await warmUp(ctx, stack);
      const load = await prepareLoad(stack, { bench: 'soak', pgLog: pg.logPath });
      const label = `autovacuum_${autovacuum ? 'on' : 'off'}`;

      const baseline = await sustain(ctx, stack, load, ctx.smoke ? 1 : Number(process.env.BENCH_SOAK_BASELINE_MINUTES ?? 2), `${label}_empty`);
      const emptyTasksPerSec = Math.max(...baseline.map((f) => f.tasksPerSec));

      ctx.progress.note(`${label}: inserting the history`);
      const history = await insertHistory(ctx, stack.prisma, {
        prefix: 'hist',
        tenants: ctx.size(500, 2),
        dagsPerTenant: 4,
        runsPerDag: ctx.size(500, 5),
      });
      ctx.emit({ bench: 'soak', case: `${label}_history`, ...history, ...(await tableStats(stack.prisma)) });

      const fullFrom = new Date();
      const minutes = await sustain(ctx, stack, load, ctx.smoke ? 1 : Number(process.env.BENCH_SOAK_MINUTES ?? 10), `${label}_full`);
      const fullAutovacuum = summarizeAutovacuum(readAutovacuumLog(pg.logPath), fullFrom, new Date(), HOT);
      const worst = worstMinute(minutes);
      const summary = {
        bench: 'soak',
        case: `${label}_summary`,
        emptyTasksPerSec,
        worstMinuteTasksPerSec: worst.tasksPerSec,
        worstMinuteEdgeP99Ms: worst.p99Ms,
        ratioToEmpty: round(worst.tasksPerSec / emptyTasksPerSec, 2),
        floors: {
          ...worst.floors,
          within80PercentOfEmpty: worst.tasksPerSec >= 0.8 * emptyTasksPerSec,
        },
        autovacuum: fullAutovacuum,
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
    }
  });
}

export default async function soak(ctx) {
  const mode = process.env.BENCH_SOAK_AUTOVACUUM ?? 'on';
  const out = [];
  if (mode === 'on' || mode === 'both') out.push(await soakOnce(ctx, true));
  if (mode === 'off' || mode === 'both') out.push(await soakOnce(ctx, false));
  return out;
}
