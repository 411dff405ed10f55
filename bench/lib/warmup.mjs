// Warm-up: one run with as many noop tasks as the workers have slots, so every process has opened
// its Postgres/Redis connections and JIT-compiled its hot paths before anything is measured.
// (Cold pools under load make the first transactions miss Prisma's 2 s maxWait; see bench/README.md.)
import { signUp, triggerRun, upsertDag } from './gql.mjs';
import { noopTasks } from './util.mjs';
import { sleep, startStack } from './stack.mjs';

export async function warmUp(ctx, stack, timeoutMs = 60_000) {
  const t0 = Date.now();
  const n = Math.min(64, stack.workers * stack.concurrency);
  const { client, tenantId } = await signUp(stack.apiUrl, 'warmup');
  await upsertDag(client, { dagId: 'warmup', maxActiveTasks: n, tasks: noopTasks(n) });
  const run = await triggerRun(client, 'warmup');
  for (;;) {
    const done = await stack.prisma.taskInstance.count({ where: { tenantId, dagRunId: run.id, state: 'success' } });
    ctx.progress.update('warm-up', done, n);
    if (done >= n) break;
    if (Date.now() - t0 > timeoutMs) {
      ctx.progress.note(`warm-up: only ${done}/${n} tasks done after ${timeoutMs / 1000}s; continuing`);
      break;
    }
    await sleep(100);
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
