// retention_load (named only): the scheduler's retention deleting a large expired history while the
// sustained mixed load of the soak runs (bench/lib/sustain.mjs), on a PostgreSQL cluster of its own
// with production settings (autovacuum on):
//   1. BENCH_SOAK_BASELINE_MINUTES (2) of the load with nothing to delete: the reference figure;
//   2. history, inserted in bulk: `old-*` tenants whose runs ended about 120 days ago (past the
//      default 90-day policy: all of it is to go) and `keep-*` tenants whose runs ended in the last
//      weeks (all of it is to stay);
//   3. the load, minute by minute, while the retention loop deletes (its production batch size and
//      pause; RETENTION_INTERVAL_MS 1 s instead of 60 s, so that it deletes all the time), until
//      nothing expired is left (at most BENCH_RETENTION_MAX_MINUTES, 15).
// Per minute: tasks/s, chain edge p50/p99, rows deleted (counted in Postgres) and the hot tables'
// sizes and vacuums. The floors: ≥ 1,000 tasks/s and p99 ≤ 100 ms in every minute with deletions.
// It fails when retention left an expired row, deleted a kept one, or touched the load's own runs.
import { insertHistory } from '../lib/history.mjs';
import { withPrivatePostgres } from '../lib/private-postgres.mjs';
import { startStack } from '../lib/stack.mjs';
import { prepareLoad, sustain, worstMinute } from '../lib/sustain.mjs';
import { round } from '../lib/util.mjs';
import { warmUp } from '../lib/warmup.mjs';

const TABLES = ['DagRun', 'TaskInstance', 'TaskTry', 'TaskLog'];

/** Rows of the tenants whose slug starts with `prefix`, per table and in all. */
async function historyRows(prisma, prefix) {
  const counts = {};
  for (const table of TABLES) {
    const [{ n }] = await prisma.$queryRawUnsafe(
      `SELECT count(*)::int AS n FROM "${table}" WHERE "tenantId" IN (SELECT id FROM "Tenant" WHERE slug LIKE $1)`,
      `${prefix}-%`,
    );
    counts[table] = n;
  }
  return { ...counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
}

export default async function retentionLoad(ctx) {
  return withPrivatePostgres({ autovacuum: true, settings: { log_autovacuum_min_duration: 0 } }, async (pg) => {
    let stack;
    try {
      stack = await startStack({ name: 'retention_load', progress: ctx.progress, env: { RETENTION_INTERVAL_MS: '1000' } });
      await stack.startAll();
      await warmUp(ctx, stack);
      const load = await prepareLoad(stack, { bench: 'retention_load', pgLog: pg.logPath });

      const baseline = await sustain(ctx, stack, load, ctx.smoke ? 1 : Number(process.env.BENCH_SOAK_BASELINE_MINUTES ?? 2), 'nothing_to_delete');
      const referenceTasksPerSec = Math.max(...baseline.map((f) => f.tasksPerSec));

      ctx.progress.note('inserting the history: expired (old-*) and kept (keep-*)');
      const expired = await insertHistory(ctx, stack.prisma, {
        prefix: 'old',
        tenants: ctx.size(50, 2),
        dagsPerTenant: 4,
        runsPerDag: ctx.size(200, 20),
        hoursAgo: 120 * 24 + ctx.size(200, 20),
      });
      const kept = await insertHistory(ctx, stack.prisma, { prefix: 'keep', tenants: ctx.size(20, 2), dagsPerTenant: 4, runsPerDag: ctx.size(100, 10) });
      const keptBefore = await historyRows(stack.prisma, 'keep');
      ctx.emit({ bench: 'retention_load', case: 'history', expired, kept, keptRows: keptBefore.total });

      let left = (await historyRows(stack.prisma, 'old')).total;
      ctx.progress.note(`${left} expired rows (some may already be gone: the loop runs every second)`);
      const minutes = await sustain(ctx, stack, load, ctx.smoke ? 2 : Number(process.env.BENCH_RETENTION_MAX_MINUTES ?? 15), 'deleting', {
        extra: async (from, to) => {
          const now = await historyRows(stack.prisma, 'old');
          const deleted = left - now.total;
          left = now.total;
          return { rowsDeleted: deleted, rowsDeletedPerSec: round(deleted / ((to - from) / 1000), 0), expiredRowsLeft: now.total };
        },
        until: (fig) => fig.expiredRowsLeft === 0,
      });

      const expiredAfter = await historyRows(stack.prisma, 'old');
      const keptAfter = await historyRows(stack.prisma, 'keep');
      const loadRuns = await stack.prisma.dagRun.count({ where: { tenantId: load.tenantId } });
      // The minutes in which retention deleted: the floors must hold in each of them.
      const deleting = minutes.filter((f) => f.rowsDeleted > 0);
      const worst = worstMinute(deleting);
      const summary = {
        bench: 'retention_load',
        case: 'summary',
        referenceTasksPerSec,
        minutesDeleting: deleting.length,
        rowsDeleted: deleting.reduce((a, f) => a + f.rowsDeleted, 0),
        rowsDeletedPerSec: deleting.length ? round(deleting.reduce((a, f) => a + f.rowsDeleted, 0) / (deleting.length * 60), 0) : null,
        worstMinuteTasksPerSec: worst.tasksPerSec,
        worstMinuteEdgeP99Ms: worst.p99Ms,
        ratioToReference: worst.tasksPerSec == null ? null : round(worst.tasksPerSec / referenceTasksPerSec, 2),
        floors: worst.floors,
        expiredRowsLeft: expiredAfter.total,
        keptRows: { before: keptBefore.total, after: keptAfter.total },
        loadRuns: { triggered: load.triggered, stored: loadRuns },
        postgres: pg.settings,
      };
      ctx.emit(summary);
      ctx.progress.note(
        `retention deleted ${summary.rowsDeleted} rows in ${deleting.length} minute(s) (${summary.rowsDeletedPerSec}/s) under load: worst minute ${worst.tasksPerSec} tasks/s (${Math.round(summary.ratioToReference * 100)} % of ${referenceTasksPerSec} with nothing to delete), edge p99 ${worst.p99Ms} ms`,
      );
      // (A smoke run's small history may be gone before its first minute ends.)
      if (deleting.length === 0 && !ctx.smoke) throw new Error('retention deleted nothing while measured');
      if (expiredAfter.total !== 0) throw new Error(`retention left ${expiredAfter.total} expired rows: ${JSON.stringify(expiredAfter)}`);
      if (keptAfter.total !== keptBefore.total) throw new Error(`retention deleted kept rows: ${JSON.stringify({ before: keptBefore, after: keptAfter })}`);
      // Every run the load triggered is stored (the chain's belong to another tenant).
      if (loadRuns !== load.triggered) throw new Error(`the load triggered ${load.triggered} runs and ${loadRuns} are stored`);
      return summary;
    } finally {
      await stack?.stop();
    }
  });
}
