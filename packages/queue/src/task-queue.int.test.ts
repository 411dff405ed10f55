import { afterAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { createRedis, createTaskWorker, deleteRedisPrefix, runTaskJobId, TaskQueue, type JobPayload } from './index.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** Real Redis, under a prefix of this file's own. */
describe('task worker on the real Redis', () => {
  const prefix = `tower-test-taskqueue-${process.pid}-${Date.now().toString(36)}`;
  const producer = createRedis(REDIS_URL);
  const queue = new TaskQueue(producer, prefix);
  const connections: ReturnType<typeof createRedis>[] = [];
  const workers: Worker[] = [];

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close(true)));
    connections.forEach((c) => c.disconnect());
    await queue.close();
    producer.disconnect();
    await deleteRedisPrefix(REDIS_URL, prefix);
  });

  const payload = (): JobPayload<'runTask'> => ({ tenantId: randomUUID(), dagRunId: randomUUID(), taskInstanceId: randomUUID(), tryNumber: 1 });

  function startWorker(onJob: (p: JobPayload<'runTask'>) => Promise<void>): Worker {
    const connection = createRedis(REDIS_URL);
    connections.push(connection);
    const worker = createTaskWorker(connection, prefix, { runTask: onJob }, { concurrency: 4 });
    workers.push(worker);
    return worker;
  }

  async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('a closing worker hands a job that arrives while it finishes its running one back to the queue, for another worker to run', async () => {
    const seen: string[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((r) => (releaseFirst = r));
    const closingWorker = startWorker(async (p) => {
      seen.push(p.taskInstanceId);
      if (seen.length === 1) await firstHeld;
    });
    await closingWorker.waitUntilReady();

    const first = payload();
    await queue.enqueueRunTask(first);
    await until(() => seen.length === 1, 'the first job to start');
    // The worker has a free slot, so its fetch loop is now blocked waiting for the next job
    // (the case BullMQ's close() leaves open).
    await new Promise((r) => setTimeout(r, 200));

    const closed = closingWorker.close();
    const second = payload();
    await queue.enqueueRunTask(second);
    // Give the blocked fetch time to wake on the new job's marker (and, without the guard, run it).
    await new Promise((r) => setTimeout(r, 700));
    releaseFirst();
    await closed;

    // The closing worker ran only the job it held; the second is waiting, not completed or failed.
    expect(seen).toEqual([first.taskInstanceId]);
    expect(await queue.queues.interactive.getJobState(runTaskJobId(second.taskInstanceId, second.tryNumber))).toBe('waiting');

    // Another worker takes it.
    const ranByOther: string[] = [];
    startWorker(async (p) => {
      ranByOther.push(p.taskInstanceId);
    });
    await until(() => ranByOther.length === 1, 'another worker to run the handed-back job');
    expect(ranByOther).toEqual([second.taskInstanceId]);
  });

  it('missingJobs finds the tries whose job is in no lane, with jobs in either lane counted as present', async () => {
    const interactive = payload();
    const bulk = payload();
    const absent = payload();
    await queue.enqueueRunTask(interactive, { delayMs: 60_000 });
    await queue.enqueueRunTask(bulk, { lane: 'bulk', delayMs: 60_000 });
    const tries = [interactive, bulk, absent, { ...interactive, tryNumber: 2 }].map((p, i) => ({ ...p, i }));
    expect((await queue.missingJobs(tries)).map((t) => t.i)).toEqual([2, 3]);
    expect(await queue.hasJob(bulk.taskInstanceId, 1)).toBe(true);
    expect(await queue.hasJob(absent.taskInstanceId, 1)).toBe(false);
    expect(await queue.missingJobs([])).toEqual([]);
  });
});

describe('laneStats (queue metrics) on the real Redis', () => {
  const prefix = `tower-test-lanestats-${process.pid}-${Date.now().toString(36)}`;
  const producer = createRedis(REDIS_URL);
  const queue = new TaskQueue(producer, prefix);
  afterAll(async () => {
    await queue.close();
    producer.disconnect();
    await deleteRedisPrefix(REDIS_URL, prefix);
  });
  const payload = (): JobPayload<'runTask'> => ({ tenantId: randomUUID(), dagRunId: randomUUID(), taskInstanceId: randomUUID(), tryNumber: 1 });

  it('counts waiting jobs per lane and ages the oldest, whatever its priority', async () => {
    const t0 = Date.now();
    // The oldest job has the lowest priority: it sits at the far end of the prioritized set.
    await queue.enqueueRunTask(payload(), { priority: 100 });
    await queue.enqueueRunTasks([
      { payload: payload(), priority: 1 },
      { payload: payload(), priority: 2, lane: 'bulk' },
    ]);
    const stats = await queue.laneStats(t0 + 60_000);
    expect(stats.map((s) => [s.lane, s.counts.prioritized])).toEqual([
      ['interactive', 2],
      ['bulk', 1],
    ]);
    const interactive = stats.find((s) => s.lane === 'interactive')!;
    // Measured from the oldest job's own timestamp: about a minute before "now".
    expect(interactive.oldestWaitingAgeSeconds).toBeGreaterThan(55);
    expect(interactive.oldestWaitingAgeSeconds).toBeLessThanOrEqual(60);
    await queue.obliterate();
    expect((await queue.laneStats()).map((s) => s.oldestWaitingAgeSeconds)).toEqual([0, 0]);
  });
});
