// 4. cron_lag: 10,000 active '* * * * *' schedules across 100 tenants fall due at the same instant;
// lag = DagRun.queuedAt (set by the scheduler when it inserts the run) − the interval end it was
// due at. DAGs are inserted directly (Dag + DagVersion rows, as upsertDag would write them) with
// nextDueAt a few seconds ahead; nextLogicalDate = nextDueAt, so the following interval of the
// cron is ≥ 60 s later and no second round interferes. Afterwards every DAG is paused.
import { sleep } from '../lib/stack.mjs';
import { closeStack, openStack } from '../lib/warmup.mjs';
import { canonicalSpec, round, summarize } from '../lib/util.mjs';
import { specHash } from '@tower/core';

export default async function cronLag(ctx) {
  const tenantsN = ctx.size(100, 4);
  const dagsN = ctx.size(10_000, 20);
  const leadMs = ctx.smoke ? 2_000 : 5_000;
  const stack = await openStack(ctx, 'cron_lag');
  try {
    const { prisma } = stack;
    ctx.progress.note(`inserting ${tenantsN} tenants and ${dagsN} DAGs with schedule '* * * * *'`);
    const tenants = await prisma.tenant.createManyAndReturn({
      data: Array.from({ length: tenantsN }, (_, i) => ({ slug: `cron-${i}-${Date.now().toString(36)}`, name: `cron ${i}` })),
      select: { id: true },
    });
    const { spec: template } = canonicalSpec({ dagId: 'cron_0', schedule: '* * * * *', tasks: [{ taskId: 't', type: 'noop' }] });
    const chunk = 1000;
    for (let off = 0; off < dagsN; off += chunk) {
      const rows = Array.from({ length: Math.min(chunk, dagsN - off) }, (_, k) => {
        const i = off + k;
        return {
          tenantId: tenants[i % tenantsN].id,
          dagId: `cron_${i}`,
          schedule: template.schedule,
          timezone: template.timezone,
          tags: [],
          latestVersion: 1,
          nextDueAt: null,
          nextLogicalDate: null,
        };
      });
      const dags = await prisma.dag.createManyAndReturn({ data: rows, select: { id: true, tenantId: true, dagId: true } });
      await prisma.dagVersion.createMany({
        data: dags.map((d) => {
          const spec = { ...template, dagId: d.dagId };
          return { tenantId: d.tenantId, dagPk: d.id, version: 1, spec, specHash: specHash(spec), createdBy: 'bench' };
        }),
      });
      ctx.progress.update('inserting DAGs', off + rows.length, dagsN);
    }
    ctx.resetSql?.(stack);
    const due = new Date(Math.ceil((Date.now() + leadMs) / 1000) * 1000);
    await prisma.$executeRaw`UPDATE "Dag" SET "nextDueAt" = ${due}, "nextLogicalDate" = ${due} WHERE "dagId" LIKE 'cron_%'`;
    ctx.progress.note(`all ${dagsN} DAGs due at ${due.toISOString()}`);
    const deadline = due.getTime() + (ctx.smoke ? 30_000 : 15 * 60_000);
    let created = 0;
    let censored = 0;
    for (;;) {
      created = await prisma.dagRun.count({ where: { dataIntervalEnd: due, dagId: { startsWith: 'cron_' } } });
      ctx.progress.update('runs created', created, dagsN);
      if (created >= dagsN) break;
      if (Date.now() > deadline) {
        // Not failed, just slow: the runs not created yet count with the lag they have reached (a lower bound).
        censored = dagsN - created;
        ctx.progress.note(`only ${created}/${dagsN} runs created ${(Date.now() - due.getTime()) / 1000}s after due: the rest count as censored (lower bound)`);
        if (created === 0) throw new Error(`cron_lag: no run created ${(Date.now() - due.getTime()) / 1000}s after due`);
        break;
      }
      await sleep(Date.now() < due.getTime() ? 200 : 250);
    }
    const censoredLag = Date.now() - due.getTime();
    // Stop the schedules at once so nothing else is created; the runs' noop tasks may still be running.
    await prisma.$executeRaw`UPDATE "Dag" SET paused = true WHERE "dagId" LIKE 'cron_%'`;
    await ctx.afterMeasure?.(stack, { run: dagsN });
    const rows = await prisma.$queryRaw`
      SELECT (EXTRACT(EPOCH FROM ("queuedAt" - "dataIntervalEnd")) * 1000)::float8 AS lag FROM "DagRun" WHERE "dataIntervalEnd" = ${due} AND "dagId" LIKE 'cron_%'`;
    const s = summarize([...rows.map((r) => r.lag), ...Array(censored).fill(censoredLag)]);
    const fig = {
      bench: 'cron_lag',
      case: `schedules_${dagsN}_tenants_${tenantsN}`,
      p50Ms: round(s.p50, 0),
      p99Ms: round(s.p99, 0),
      maxMs: round(s.max, 0),
      runs: rows.length,
      censored,
      runsPerSec: round(rows.length / (Math.max(...rows.map((r) => r.lag)) / 1000), 1),
      workers: stack.workers,
      workerConcurrency: stack.concurrency,
    };
    ctx.emit(fig);
    return [fig];
  } finally {
    await closeStack(ctx, stack);
  }
}
