import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { signUp } from './support/graphql.js';
import { privateRedis } from './support/private-redis.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

describe('crash safety', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('a worker killed with SIGKILL mid-task: its try is failed within the zombie bound and retried; nothing stays running', async () => {
    const stack: Stack = await startStack({ name: 'kill9', env: { ZOMBIE_AFTER_MS: '3000', HEARTBEAT_MS: '500' } });
    cleanups.push(() => stack.stop());
    const { client: api } = await signUp(stack.apiUrl, 'kill9');
    await api.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
      s: { dagId: 'victim', tasks: [{ taskId: 'long', type: 'noop', retries: 1, retryDelaySeconds: 1, with: { durationMs: 6000 } }] },
    });
    const run = (await api.request<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "victim") { id } }`)).triggerDagRun;
    await waitFor(
      async () => (await stack.prisma.taskInstance.findFirst({ where: { dagRunId: run.id, state: 'running' } })) !== null,
      20_000,
      'the try to run',
    );

    const worker = stack.processes.find((p) => p.name.startsWith('worker'))!;
    await worker.kill9();
    const killedAt = Date.now();
    await stack.startProcess('worker');

    // the dead worker's try is detected and ends within the documented bound (zombie 3 s + a tick)
    const leftRunning = await waitFor(
      async () => {
        const ti = await stack.prisma.taskInstance.findFirstOrThrow({ where: { dagRunId: run.id } });
        return ti.state !== 'running' || ti.tryNumber > 1 ? Date.now() : null;
      },
      20_000,
      'the zombie try to be reaped',
    );
    expect(leftRunning - killedAt).toBeLessThan(3000 + 5000);

    await waitFor(async () => (await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: run.id } })).state === 'success', 30_000, 'the retry to succeed');
    const tries = await stack.prisma.taskTry.findMany({ where: { taskInstance: { dagRunId: run.id } }, orderBy: { tryNumber: 'asc' } });
    expect(tries.map((t) => [t.tryNumber, t.state])).toEqual([
      [1, 'failed'],
      [2, 'success'],
    ]);
    expect(tries[0].error).toMatch(/heartbeat/);
    expect(await stack.prisma.taskInstance.count({ where: { state: 'running' } })).toBe(0);
  });

  it('FLUSHALL of Redis during 50 running runs: every run still finishes with the right states, nothing lost or run twice', async () => {
    const redis = await privateRedis();
    cleanups.push(redis.stop);
    const stack: Stack = await startStack({ name: 'flush', workers: 2, env: { REDIS_URL: redis.url, REQUEUE_AFTER_MS: '1500', WORKER_CONCURRENCY: '8' } });
    cleanups.push(() => stack.stop());
    const { client: api } = await signUp(stack.apiUrl, 'flush');
    await api.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
      s: {
        dagId: 'fifty',
        maxActiveRuns: 50,
        maxActiveTasks: 64,
        tasks: [
          { taskId: 'a', type: 'noop', with: { durationMs: 300 } },
          { taskId: 'b', type: 'noop', dependsOn: ['a'], with: { durationMs: 300 } },
          { taskId: 'c', type: 'noop', dependsOn: ['b'], with: { durationMs: 300 } },
        ],
      },
    });
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < 50; i++) {
      await api.request(`mutation($d: DateTime!) { triggerDagRun(dagId: "fifty", logicalDate: $d) { id } }`, { d: new Date(base + i * 1000).toISOString() });
    }
    await waitFor(async () => (await stack.prisma.taskInstance.count({ where: { dagId: 'fifty', state: 'success' } })) >= 10, 30_000, 'some progress');

    const admin = new Redis(redis.url);
    expect(await admin.flushall()).toBe('OK');
    admin.disconnect();

    await waitFor(
      async () => (await stack.prisma.dagRun.count({ where: { dagId: 'fifty', state: 'success' } })) === 50,
      90_000,
      'all 50 runs to succeed after the flush',
    );
    const tis = await stack.prisma.taskInstance.findMany({ where: { dagId: 'fifty' }, include: { tries: true } });
    expect(tis).toHaveLength(150);
    for (const ti of tis) {
      expect(ti.state).toBe('success');
      // every try recorded once, numbered 1..n without gaps
      expect(ti.tries.map((t) => t.tryNumber).sort((x, y) => x - y)).toEqual(Array.from({ length: ti.tryNumber }, (_, k) => k + 1));
    }
    // order held: within each run, b started after a ended and c after b
    const byRun = new Map<string, typeof tis>();
    for (const ti of tis) byRun.set(ti.dagRunId, [...(byRun.get(ti.dagRunId) ?? []), ti]);
    for (const group of byRun.values()) {
      const at = Object.fromEntries(group.map((t) => [t.taskId, t]));
      expect(at.b.startedAt!.getTime()).toBeGreaterThanOrEqual(at.a.endedAt!.getTime());
      expect(at.c.startedAt!.getTime()).toBeGreaterThanOrEqual(at.b.endedAt!.getTime());
    }
  });
});
