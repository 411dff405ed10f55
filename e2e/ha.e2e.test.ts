import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp } from './support/graphql.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

const MINUTE = 60_000;

/**
 * High availability and fairness with real processes: two scheduler replicas and three workers
 * share 200 catch-up runs without a duplicate run or a try executed twice; a tenant flooding the
 * queue does not keep another tenant's task from starting promptly.
 */
describe('two schedulers, three workers; tenant fairness', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ name: 'ha', schedulers: 2, workers: 3, env: { WORKER_CONCURRENCY: '8', SCHEDULER_TICK_MS: '100' } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('200 runs: zero duplicate runs, every task executed exactly once', async () => {
    const { client, tenantId } = await signUp(stack.apiUrl, 'ha');
    await stack.prisma.tenant.update({ where: { id: tenantId }, data: { concurrencyQuota: 256 } });
    const start = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - 200 * MINUTE);
    await client.request('mutation($s:JSON!){ upsertDag(spec:$s){ dagId } }', {
      s: {
        dagId: 'minutely',
        schedule: '* * * * *',
        timezone: 'UTC',
        startDate: start.toISOString().slice(0, 19),
        catchup: true,
        maxActiveRuns: 64,
        maxActiveTasks: 128,
        tasks: [
          { taskId: 'extract', type: 'noop' },
          { taskId: 'load', type: 'noop', dependsOn: ['extract'] },
        ],
      },
    });
    const runs = await waitFor(
      async () => {
        const rows = await stack.prisma.dagRun.findMany({ where: { dagId: 'minutely', logicalDate: { lt: new Date(start.getTime() + 200 * MINUTE) } } });
        return rows.length === 200 && rows.every((r) => r.state === 'success') ? rows : null;
      },
      240_000,
      '200 successful runs',
      500,
    );
    // One run per interval: 200 distinct logical dates, one minute apart from the start.
    const dates = runs.map((r) => r.logicalDate.getTime()).sort((x, y) => x - y);
    expect(dates).toEqual(Array.from({ length: 200 }, (_, k) => start.getTime() + k * MINUTE));
    expect(await stack.prisma.dagRun.count({ where: { dagId: 'minutely', logicalDate: { lt: new Date(start.getTime() + 200 * MINUTE) } } })).toBe(200);

    // Each of the 400 task instances ran exactly one try, started exactly once by one worker.
    const tis = await stack.prisma.taskInstance.findMany({ where: { dagId: 'minutely', dagRunId: { in: runs.map((r) => r.id) } }, include: { tries: true } });
    expect(tis).toHaveLength(400);
    expect(tis.every((ti) => ti.state === 'success' && ti.tryNumber === 1 && ti.tries.length === 1)).toBe(true);
    const starts = await stack.prisma.taskLog.groupBy({
      by: ['taskInstanceId'],
      where: { taskInstanceId: { in: tis.map((t) => t.id) }, message: { startsWith: 'Starting try' } },
      _count: true,
    });
    expect(starts).toHaveLength(400);
    expect(starts.every((s) => s._count === 1)).toBe(true);
    // All three workers took part.
    expect(new Set(tis.map((t) => t.tries[0].workerId)).size).toBe(3);
  });

  it("tenant A floods the queue; tenant B's task still starts promptly", async () => {
    const a = await signUp(stack.apiUrl, 'flooder');
    const b = await signUp(stack.apiUrl, 'neighbour');
    await a.client.request('mutation($s:JSON!){ upsertDag(spec:$s){ dagId } }', {
      s: {
        dagId: 'flood',
        maxActiveTasks: 10_000,
        tasks: Array.from({ length: 600 }, (_, i) => ({ taskId: `t${i}`, type: 'noop', with: { durationMs: 20 } })),
      },
    });
    await b.client.request('mutation($s:JSON!){ upsertDag(spec:$s){ dagId } }', { s: { dagId: 'probe', tasks: [{ taskId: 'ping', type: 'noop' }] } });
    const flood = (await a.client.request<{ triggerDagRun: { id: string } }>('mutation{ triggerDagRun(dagId: "flood"){ id } }')).triggerDagRun.id;
    // Let A's flood build up, then B asks for one task.
    await waitFor(async () => (await stack.prisma.taskInstance.count({ where: { dagRunId: flood, state: 'success' } })) >= 20, 60_000, 'the flood to flow');
    const probe = (await b.client.request<{ triggerDagRun: { id: string } }>('mutation{ triggerDagRun(dagId: "probe"){ id } }')).triggerDagRun.id;
    const started = await waitFor(
      async () => (await stack.prisma.taskInstance.findFirst({ where: { dagRunId: probe, startedAt: { not: null } } })) ?? null,
      30_000,
      "B's task to start",
    );
    const run = await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: probe } });
    const waitedMs = started.startedAt!.getTime() - run.queuedAt.getTime();
    // A's tasks not yet done when B's task started (read from the end times, not from when this
    // test got round to counting): still unfinished, or finished after B's start.
    const floodLeft = await stack.prisma.taskInstance.count({ where: { dagRunId: flood, OR: [{ endedAt: null }, { endedAt: { gt: started.startedAt! } }] } });
    // B did not wait for A's flood to drain: it started while most of A's work was still pending,
    // because a tenant's queued + running tasks are capped by its concurrency quota.
    expect(floodLeft).toBeGreaterThan(100);
    expect(waitedMs).toBeLessThan(15_000);
    const aActive = await stack.prisma.taskInstance.count({ where: { tenantId: a.tenantId, state: { in: ['queued', 'running'] } } });
    expect(aActive).toBeLessThanOrEqual(64);
  });
});
