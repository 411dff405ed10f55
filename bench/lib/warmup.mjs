// Warm-up, so every process has opened its Postgres/Redis connections and JIT-compiled its hot paths
// before anything is measured. (Cold pools under load make the first transactions miss Prisma's 2 s
// maxWait; see bench/README.md.) Two parts: one run with as many noop tasks as the workers have slots,
// then BENCH_WARMUP_RUNS (default 3,000; none in smoke runs) small runs triggered through the API
// 8 at a time, as the throughput case does. The second part matters: V8 optimises a function after
// many calls, and a process that has served one trigger runs the trigger path in its interpreter —
// the API's CPU per trigger was 5.7 ms in its first 500 triggers, 4.1 in the next 500 and 2.9 in the
// 500 after that, and still fell between 1,000 and 2,000-3,000 warm-up runs (bench/README.md).
// Measured figures are of processes past that point, as a long-running service is.
import { signUp, triggerRun, upsertDag } from './gql.mjs';
import { mapLimit, noopTasks } from './util.mjs';
import { sleep, startStack } from './stack.mjs';

async function waitDone(ctx, stack, tenantId, n, label, deadline) {
  for (;;) {
    const done = await stack.prisma.taskInstance.count({ where: { tenantId, state: 'success' } });
    ctx.progress.update(label, done, n);
    if (done >= n) return true;
    if (Date.now() > deadline) {
      ctx.progress.note(`${label}: only ${done}/${n} tasks done in time; continuing`);
      return false;
    }
    await sleep(100);
  }
}

export async function warmUp(ctx, stack, timeoutMs = 60_000) {
  const t0 = Date.now();
  const n = Math.min(64, stack.workers * stack.concurrency);
  const { client, tenantId } = await signUp(stack.apiUrl, 'warmup');
  await upsertDag(client, { dagId: 'warmup', maxActiveTasks: n, tasks: noopTasks(n) });
  await triggerRun(client, 'warmup');
  await waitDone(ctx, stack, tenantId, n, 'warm-up', t0 + timeoutMs);
  const runs = ctx.smoke ? 0 : Number(process.env.BENCH_WARMUP_RUNS ?? 3000);
  if (runs > 0) {
    const perRun = 2;
    for (let d = 0; d < 10; d++) await upsertDag(client, { dagId: `warmup_${d}`, maxActiveRuns: 1000, tasks: noopTasks(perRun) });
    const base = Date.UTC(2000, 0, 1);
    let triggered = 0;
    await mapLimit(
      Array.from({ length: runs }, (_, i) => i),
      8,
      async (i) => {
        await triggerRun(client, `warmup_${i % 10}`, new Date(base + i * 1000));
        ctx.progress.update('warm-up: triggering', ++triggered, runs);
      },
    );
    await waitDone(ctx, stack, tenantId, n + runs * perRun, 'warm-up: runs', Date.now() + timeoutMs);
  }
  ctx.resetSql?.(stack);
  return Date.now() - t0;
}

/**
 * The stack a benchmark runs on: its own (started and warmed up here), or, in a smoke run of several
 * benchmarks, the one stack they share (ctx.sharedStack) to keep the smoke suite short.
 */
export async function openStack(ctx, name) {
  if (ctx.sharedStack) {
    const shared = await ctx.sharedStack();
    ctx.resetSql?.(shared);
    return shared;
  }
  const stack = await startStack({ name, progress: ctx.progress });
  try {
    await stack.startAll();
    await warmUp(ctx, stack);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}

export async function closeStack(ctx, stack) {
  if (stack.shared) return;
  await stack.stop();
}
