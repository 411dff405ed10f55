// 3. latency: upstream success → downstream start on a chain (a → b → c …): for every edge,
// downstream TaskInstance.startedAt − upstream TaskInstance.endedAt (both written by the workers).
import { sleep } from '../lib/stack.mjs';
import { closeStack, openStack } from '../lib/warmup.mjs';
import { signUp, triggerRun, upsertDag } from '../lib/gql.mjs';
import { chainTasks, round, summarize } from '../lib/util.mjs';

export default async function latency(ctx) {
  const n = ctx.smoke ? 5 : 100;
  const repeats = ctx.smoke ? 1 : 3;
  const stack = await openStack(ctx, 'latency');
  try {
    const { client, tenantId } = await signUp(stack.apiUrl, 'chain');
    await upsertDag(client, { dagId: 'chain', maxActiveRuns: 1, tasks: chainTasks(n) });
    const edges = [];
    let firstStart = [];
    for (let r = 0; r < repeats; r++) {
      ctx.progress.note(`chain of ${n} noop tasks, run ${r + 1}/${repeats}`);
      const run = await triggerRun(client, 'chain', new Date(Date.UTC(2020, 0, 1) + r * 60_000));
      const deadline = Date.now() + (ctx.smoke ? 30_000 : 300_000);
      for (;;) {
        const [done, dr] = await Promise.all([
          stack.prisma.taskInstance.count({ where: { tenantId, dagRunId: run.id, state: 'success' } }),
          stack.prisma.dagRun.findUnique({ where: { id: run.id }, select: { state: true } }),
        ]);
        ctx.progress.update(`chain run ${r + 1}`, done, n);
        if (dr.state === 'success') break;
        if (dr.state === 'failed' || Date.now() > deadline) throw new Error(`chain run ${r + 1} ended ${dr.state} with ${done}/${n} tasks done`);
        await sleep(100);
      }
      const tis = await stack.prisma.taskInstance.findMany({ where: { dagRunId: run.id }, select: { taskId: true, startedAt: true, endedAt: true } });
      const dr = await stack.prisma.dagRun.findUnique({ where: { id: run.id }, select: { queuedAt: true } });
      const by = new Map(tis.map((t) => [t.taskId, t]));
      for (let i = 1; i < n; i++) edges.push(by.get(`t${i}`).startedAt.getTime() - by.get(`t${i - 1}`).endedAt.getTime());
      firstStart.push(by.get('t0').startedAt.getTime() - dr.queuedAt.getTime());
    }
    await ctx.afterMeasure?.(stack, { task: n * repeats });
    const s = summarize(edges);
    const fig = {
      bench: 'latency',
      case: `chain_${n}`,
      p50Ms: s.p50,
      p99Ms: s.p99,
      maxMs: s.max,
      meanMs: s.mean,
      edges: s.n,
      runs: repeats,
      firstTaskStartMs: round(firstStart.reduce((a, b) => a + b, 0) / firstStart.length, 1),
      workers: stack.workers,
      workerConcurrency: stack.concurrency,
    };
    ctx.emit(fig);
    return [fig];
  } finally {
    await closeStack(ctx, stack);
  }
}
