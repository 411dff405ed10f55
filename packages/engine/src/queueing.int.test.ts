import { DEV_KEYRING_VALUE, parseKeyring } from '@tower/secrets';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type PrismaClient } from '@tower/db';
import { EventPublisher } from '@tower/events';
import { createLogger } from '@tower/logger';
import { INTERACTIVE_DEPTH } from '@tower/core';
import { createCommandRedis, createRedis, runTaskJobId, TaskQueue } from '@tower/queue';
import { startPrivateRedis } from '../../queue/src/test-support/private-redis.js';
import { createEngine, type Engine } from './index.js';
import { MAX_QUEUED_PER_PASS } from './task-queueing.js';

/**
 * Queueing against the real Postgres (and Redis for the jobs), with no scheduler and no worker:
 * what is queued here was queued by the evaluation under test, not by a sweep.
 */
describe('queueing from the tenant backlog (real Postgres + Redis, no scheduler)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let prisma: PrismaClient;
  let engine: Engine;
  let tenantId: string;
  const redis = createRedis('redis://127.0.0.1:6379');
  const prefix = `tower-test-queueing-${process.pid}-${Date.now().toString(36)}`;

  beforeAll(async () => {
    db = await createTestDatabase('queueing');
    prisma = db.prisma;
    const logger = createLogger('queueing-test', { level: 'warn' });
    engine = createEngine({
      prisma,
      queue: new TaskQueue(redis, prefix),
      events: new EventPublisher(redis, prefix),
      logger,
      clock: () => new Date(),
      keyring: parseKeyring(DEV_KEYRING_VALUE),
    });
    tenantId = (await prisma.tenant.create({ data: { slug: `queueing-${Date.now()}`, name: 'Queueing' } })).id;
  });

  afterAll(async () => {
    await engine?.deps.queue.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db?.drop();
  });

  /** A running run of the DAG's latest version with every task in the given state. */
  async function runningRun(dagId: string, at: string, state: 'scheduled' | 'running') {
    const dag = await prisma.dag.findFirstOrThrow({ where: { tenantId, dagId } });
    const version = await prisma.dagVersion.findFirstOrThrow({ where: { dagPk: dag.id, version: dag.latestVersion } });
    const when = new Date(at);
    const run = await engine.lifecycle.insertRun({
      tenantId,
      dagPk: dag.id,
      dagId,
      versionId: version.id,
      version: version.version,
      runType: 'manual',
      runId: `manual__${at}`,
      logicalDate: when,
      dataIntervalStart: when,
      dataIntervalEnd: when,
      params: {},
    });
    await prisma.$executeRaw`UPDATE "DagRun" SET state = 'running', "startedAt" = now() WHERE id = ${run!.id}::uuid`;
    if (state === 'running') {
      await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'running', "tryNumber" = 1, "startedAt" = now() WHERE "dagRunId" = ${run!.id}::uuid`;
    } else {
      await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'scheduled' WHERE "dagRunId" = ${run!.id}::uuid`;
    }
    return run!;
  }

  /** A queued run of the DAG's latest version, as the engine inserts it (nothing started). */
  async function queuedRun(dagId: string, at: string) {
    const dag = await prisma.dag.findFirstOrThrow({ where: { tenantId, dagId } });
    const version = await prisma.dagVersion.findFirstOrThrow({ where: { dagPk: dag.id, version: dag.latestVersion } });
    const when = new Date(at);
    const run = await engine.lifecycle.insertRun({
      tenantId,
      dagPk: dag.id,
      dagId,
      versionId: version.id,
      version: version.version,
      runType: 'manual',
      runId: `manual__${dagId}`,
      logicalDate: when,
      dataIntervalStart: when,
      dataIntervalEnd: when,
      params: {},
    });
    return { dag, run: run! };
  }

  const stateOf = async (runId: string) =>
    Object.fromEntries((await prisma.taskInstance.findMany({ where: { dagRunId: runId } })).map((t) => [t.taskId, t.state]));

  async function finish(runId: string, taskId: string) {
    await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'success', "endedAt" = now() WHERE "dagRunId" = ${runId}::uuid AND "taskId" = ${taskId}`;
    await engine.lifecycle.evaluateRuns([{ tenantId, dagRunId: runId, finishedTaskIds: [taskId] }]);
  }

  it("gives a slot freed by one run to the highest-priority, oldest task of the tenant's backlog, not to the evaluated run", async () => {
    await engine.pools.set(tenantId, 'default', 2);
    await engine.dags.upsert(tenantId, {
      dagId: 'busy',
      tasks: [
        { taskId: 'a0', type: 'noop' },
        { taskId: 'a1', type: 'noop' },
        { taskId: 'a2', type: 'noop' },
      ],
    });
    await engine.dags.upsert(tenantId, {
      dagId: 'waiting',
      tasks: [
        { taskId: 'lo', type: 'noop', priorityWeight: 1 },
        { taskId: 'hi', type: 'noop', priorityWeight: 10 },
      ],
    });
    // The pool's 2 slots are taken by `busy`'s a0 and a1; its a2, and both runs of `waiting`, wait.
    const busy = await runningRun('busy', '2026-05-01T00:00:00.000Z', 'running');
    await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'scheduled', "tryNumber" = 0, "startedAt" = NULL WHERE "dagRunId" = ${busy.id}::uuid AND "taskId" = 'a2'`;
    const older = await runningRun('waiting', '2026-04-01T00:00:00.000Z', 'scheduled');
    const newer = await runningRun('waiting', '2026-04-02T00:00:00.000Z', 'scheduled');

    // a0 ends: the freed slot goes to `hi` (weight 10) of the oldest waiting run — neither run of
    // `waiting` was evaluated, and `busy`'s own a2 (weight 1) waits.
    await finish(busy.id, 'a0');
    expect(await stateOf(older.id)).toEqual({ hi: 'queued', lo: 'scheduled' });
    expect(await stateOf(newer.id)).toEqual({ hi: 'scheduled', lo: 'scheduled' });
    expect((await stateOf(busy.id)).a2).toBe('scheduled');

    // a1 ends: the newer run's `hi` is next (weight 10 before every weight 1).
    await finish(busy.id, 'a1');
    expect(await stateOf(newer.id)).toEqual({ hi: 'queued', lo: 'scheduled' });
    expect((await stateOf(busy.id)).a2).toBe('scheduled');

    // The queued tasks have their jobs: nothing is left for a sweep to repair.
    const hi = await prisma.taskInstance.findMany({ where: { dagRunId: { in: [older.id, newer.id] }, taskId: 'hi' } });
    expect(await Promise.all(hi.map((t) => engine.deps.queue.hasJob(t.id, 1)))).toEqual([true, true]);
  });

  it('queues at most MAX_QUEUED_PER_PASS tasks in one pass; the ends that follow queue the rest from the backlog', async () => {
    const n = MAX_QUEUED_PER_PASS + 88;
    await engine.pools.set(tenantId, 'default', 100_000);
    await prisma.tenant.update({ where: { id: tenantId }, data: { concurrencyQuota: 100_000 } });
    await engine.dags.upsert(tenantId, { dagId: 'wide', maxActiveTasks: n, tasks: Array.from({ length: n }, (_, i) => ({ taskId: `w${i}`, type: 'noop' })) });
    const run = await runningRun('wide', '2026-07-01T00:00:00.000Z', 'scheduled');
    // The tenant's whole backlog counts: the first test left three older tasks scheduled.
    const count = async (state: string) => prisma.taskInstance.count({ where: { tenantId, state: state as never } });
    const before = { queued: await count('queued'), scheduled: await count('scheduled') };
    await engine.lifecycle.evaluateRuns([{ tenantId, dagRunId: run.id, finishedTaskIds: [] }]);
    expect(await count('queued')).toBe(before.queued + MAX_QUEUED_PER_PASS);
    const first = await prisma.taskInstance.findFirstOrThrow({ where: { dagRunId: run.id, state: 'queued' } });
    await finish(run.id, first.taskId);
    expect(await count('scheduled')).toBe(0);
    expect(await count('queued')).toBe(before.queued + before.scheduled - 1);
  });

  it("queues a waiting run's task when the run whose task ended has nothing left to queue", async () => {
    await engine.pools.set(tenantId, 'default', 1);
    await prisma.tenant.update({ where: { id: tenantId }, data: { concurrencyQuota: 100_000 } });
    // Whatever earlier tests left waiting is out of the way: only these two runs compete.
    await prisma.taskInstance.updateMany({ where: { tenantId, state: { in: ['scheduled', 'queued', 'running'] } }, data: { state: 'success' } });
    await engine.dags.upsert(tenantId, { dagId: 'single', tasks: [{ taskId: 'only', type: 'noop' }] });
    const holder = await runningRun('single', '2026-08-01T00:00:00.000Z', 'running');
    const waiter = await runningRun('single', '2026-08-02T00:00:00.000Z', 'scheduled');
    // The holder's only task ends: its run has nothing scheduled; the freed slot goes to the waiter.
    await finish(holder.id, 'only');
    expect(await stateOf(waiter.id)).toEqual({ only: 'queued' });
  });

  it("a DAG at its maxActiveTasks with a backlog deeper than the read window does not hide another DAG's lower-priority tasks", async () => {
    await engine.pools.set(tenantId, 'default', 100_000);
    await prisma.tenant.update({ where: { id: tenantId }, data: { concurrencyQuota: 20 } });
    await prisma.taskInstance.updateMany({ where: { tenantId, state: { in: ['scheduled', 'queued', 'running'] } }, data: { state: 'success' } });
    // 300 high-priority tasks of a DAG that runs 2 at a time fill the head and any window sized
    // from the quota; the other DAG's 5 tasks come after all of them by priority.
    await engine.dags.upsert(tenantId, {
      dagId: 'narrow',
      maxActiveTasks: 2,
      tasks: Array.from({ length: 300 }, (_, i) => ({ taskId: `n${i}`, type: 'noop', priorityWeight: 10 })),
    });
    await engine.dags.upsert(tenantId, { dagId: 'other', tasks: Array.from({ length: 5 }, (_, i) => ({ taskId: `o${i}`, type: 'noop', priorityWeight: 1 })) });
    const narrow = await runningRun('narrow', '2026-09-01T00:00:00.000Z', 'scheduled');
    const other = await runningRun('other', '2026-09-01T00:00:00.000Z', 'scheduled');
    await engine.lifecycle.evaluateRuns([{ tenantId, dagRunId: narrow.id, finishedTaskIds: [] }]);
    const queued = (runId: string) => prisma.taskInstance.count({ where: { dagRunId: runId, state: 'queued' } });
    expect(await queued(narrow.id)).toBe(2);
    expect(await queued(other.id)).toBe(5);
  });

  it("the backfill lane takes at most half the tenant's quota, counting the backfill tasks already queued or running", async () => {
    await engine.pools.set(tenantId, 'default', 100_000);
    await prisma.tenant.update({ where: { id: tenantId }, data: { concurrencyQuota: 6 } });
    await prisma.taskInstance.updateMany({ where: { tenantId, state: { in: ['scheduled', 'queued', 'running'] } }, data: { state: 'success' } });
    await engine.dags.upsert(tenantId, {
      dagId: 'history',
      maxActiveTasks: 100,
      tasks: Array.from({ length: 6 }, (_, i) => ({ taskId: `h${i}`, type: 'noop' })),
    });
    await engine.dags.upsert(tenantId, { dagId: 'live', tasks: Array.from({ length: 6 }, (_, i) => ({ taskId: `l${i}`, type: 'noop' })) });
    const dag = await prisma.dag.findFirstOrThrow({ where: { tenantId, dagId: 'history' } });
    const backfill = await prisma.backfill.create({
      data: {
        tenantId,
        dagPk: dag.id,
        dagId: 'history',
        fromDate: new Date('2025-01-01T00:00:00Z'),
        toDate: new Date('2025-01-02T00:00:00Z'),
        reprocess: 'none',
        maxActiveRuns: 2,
      },
    });
    // One backfill run already has 2 tasks running (of the lane's 3 = half of 6); a second one waits.
    const busy = await runningRun('history', '2025-01-01T00:00:00.000Z', 'scheduled');
    const waiting = await runningRun('history', '2025-01-02T00:00:00.000Z', 'scheduled');
    await prisma.dagRun.updateMany({ where: { id: { in: [busy.id, waiting.id] } }, data: { backfillId: backfill.id } });
    await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'running', "tryNumber" = 1 WHERE "dagRunId" = ${busy.id}::uuid AND "taskId" IN ('h0', 'h1')`;
    const live = await runningRun('live', '2025-01-03T00:00:00.000Z', 'scheduled'); // after the backfill runs in queueing order
    await engine.lifecycle.evaluateRuns([
      { tenantId, dagRunId: waiting.id, finishedTaskIds: [] },
      { tenantId, dagRunId: live.id, finishedTaskIds: [] },
    ]);
    const queuedIn = (runIds: string[]) => prisma.taskInstance.count({ where: { dagRunId: { in: runIds }, state: 'queued' } });
    // The backfill lane had room for one more task; the rest of the quota went to the live run.
    expect(await queuedIn([busy.id, waiting.id])).toBe(1);
    expect(await queuedIn([live.id])).toBe(3);
    // The tests after this one start from an idle tenant with room.
    await prisma.taskInstance.updateMany({ where: { tenantId, state: { in: ['scheduled', 'queued', 'running'] } }, data: { state: 'success' } });
    await prisma.tenant.update({ where: { id: tenantId }, data: { concurrencyQuota: 100_000 } });
  });

  it('a run started while the event publisher fails still has its first tasks queued', async () => {
    await engine.pools.set(tenantId, 'default', 100);
    await engine.dags.upsert(tenantId, {
      dagId: 'no_events',
      tasks: [
        { taskId: 'a', type: 'noop' },
        { taskId: 'b', type: 'noop', dependsOn: ['a'] },
      ],
    });
    const { dag, run } = await queuedRun('no_events', '2026-09-01T00:00:00.000Z');
    const broken = Object.create(engine.deps.events) as typeof engine.deps.events;
    broken.publishMany = () => Promise.reject(new Error('redis is down'));
    broken.publish = () => Promise.reject(new Error('redis is down'));
    const quiet = createEngine({ ...engine.deps, events: broken });
    const [started] = await quiet.lifecycle.startQueuedRuns(tenantId, dag.id, { knownQueued: true });
    expect(started?.id).toBe(run.id);
    expect(await stateOf(run.id)).toEqual({ a: 'queued', b: 'none' });
  });

  // The twin of the test above against a real Redis outage (jobs and events): stopped, or hung by
  // SIGSTOP. Once Redis is back (empty after the stop) the requeue sweep gives the task its job.
  it.each([['stopped'], ['hung (SIGSTOP)']])(
    'a run started while Redis is really down (%s) still has its first tasks queued, and their jobs once it is back',
    async (kind) => {
      const server = await startPrivateRedis();
      const conn = createCommandRedis(server.url, { commandTimeoutMs: 1_000 }).on('error', () => undefined); // reconnect attempts
      const dagId = `redis_down_${kind.split(' ')[0]}`;
      const queue = new TaskQueue(conn, prefix);
      try {
        expect(await conn.ping()).toBe('PONG');
        await engine.pools.set(tenantId, 'default', 100);
        const tasks = [{ taskId: 'a', type: 'noop' }, { taskId: 'b', type: 'noop', dependsOn: ['a'] }]; // prettier-ignore
        await engine.dags.upsert(tenantId, { dagId, tasks });
        const { dag, run } = await queuedRun(dagId, kind === 'stopped' ? '2026-09-04T00:00:00.000Z' : '2026-09-05T00:00:00.000Z');
        if (kind === 'stopped') await server.stop();
        else server.pause();
        const down = createEngine({ ...engine.deps, queue, events: new EventPublisher(conn, prefix) });
        const t0 = Date.now();
        const [started] = await down.lifecycle.startQueuedRuns(tenantId, dag.id, { knownQueued: true });
        expect(Date.now() - t0).toBeLessThan(30_000);
        expect(started?.id).toBe(run.id);
        expect(await stateOf(run.id)).toEqual({ a: 'queued', b: 'none' });
        await (kind === 'stopped' ? server.restart() : server.resume());
        expect(await conn.ping()).toBe('PONG');
        const ti = await prisma.taskInstance.findFirstOrThrow({ where: { dagRunId: run.id, taskId: 'a' } });
        const later = createEngine({ ...engine.deps, queue, events: new EventPublisher(conn, prefix), clock: () => new Date(Date.now() + 60_000) });
        await later.scheduler.sweeps.requeueLostTasks();
        const job = (await queue.queues.interactive.getJob(runTaskJobId(ti.id, 1))) ?? (await queue.queues.bulk.getJob(runTaskJobId(ti.id, 1)));
        expect(job?.data).toMatchObject({ taskInstanceId: ti.id, tryNumber: 1 });
      } finally {
        server.resume();
        await queue.close().catch(() => undefined);
        await server.stop();
        conn.disconnect();
      }
    },
  );

  it("queueing lost with the database's last (asynchronous) commits: the job finds nothing to claim, and the waiting sweep queues the task again", async () => {
    await engine.pools.set(tenantId, 'default', 100);
    await engine.dags.upsert(tenantId, { dagId: 'lost_commit', tasks: [{ taskId: 'only', type: 'noop' }] });
    const run = await runningRun('lost_commit', '2026-09-02T00:00:00.000Z', 'scheduled');
    await engine.lifecycle.evaluateRuns([{ tenantId, dagRunId: run.id, finishedTaskIds: [] }]);
    const ti = await prisma.taskInstance.findFirstOrThrow({ where: { dagRunId: run.id } });
    expect(ti.state).toBe('queued');
    const payload = { tenantId, dagRunId: run.id, taskInstanceId: ti.id, tryNumber: 1 };
    // The crash: Postgres comes back without the queueing commit, BullMQ still holds the job.
    await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'scheduled', "queuedAt" = NULL, "updatedAt" = now() - interval '1 minute' WHERE id = ${ti.id}::uuid`;
    const { queues } = engine.deps.queue;
    const job = (await queues.interactive.getJob(runTaskJobId(ti.id, 1))) ?? (await queues.bulk.getJob(runTaskJobId(ti.id, 1)));
    expect(job).toBeTruthy();
    expect(await engine.execution.startTry(payload, 'test-worker')).toBeNull();
    await job!.remove(); // as the worker's handler ends it (removeOnComplete)
    expect(await engine.scheduler.sweeps.evaluateWaitingRuns()).toBeGreaterThanOrEqual(1);
    expect(await stateOf(run.id)).toEqual({ only: 'queued' });
    const started = await engine.execution.startTry(payload, 'test-worker');
    expect(started?.tryNumber).toBe(1);
    expect(await prisma.taskTry.count({ where: { taskInstanceId: ti.id } })).toBe(1);
  });

  it("a run's cancel locks its task rows in id order (lock-order.ts), whatever their task ids' order", async () => {
    const spec = { dagId: 'lock_order', tasks: ['a', 'b', 'c'].map((taskId) => ({ taskId, type: 'noop' })) };
    await engine.dags.upsert(tenantId, spec);
    const run = await runningRun('lock_order', '2026-09-03T00:00:00.000Z', 'scheduled');
    // Ids in the reverse order of the task ids (the run's own index walks task ids).
    const ids = { a: 'ffffffff-0000-4000-8000-000000000003', b: 'ffffffff-0000-4000-8000-000000000002', c: 'ffffffff-0000-4000-8000-000000000001' };
    for (const [taskId, id] of Object.entries(ids)) {
      await prisma.$executeRaw`UPDATE "TaskInstance" SET id = ${id}::uuid WHERE "dagRunId" = ${run.id}::uuid AND "taskId" = ${taskId}`;
    }
    const waiting = async () =>
      (
        await prisma.$queryRaw<
          Array<{ n: number }>
        >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`
      )[0].n;
    let cancel: Promise<unknown> | undefined;
    const free = await prisma.$transaction(async (tx) => {
      // b, in the middle, is held (as an end batch would hold it): the cancel waits on it, holding
      // what it locked before it.
      await tx.$queryRaw`SELECT id FROM "TaskInstance" WHERE id = ${ids.b}::uuid FOR UPDATE`;
      cancel = engine.lifecycle.stopRun(tenantId, run.id, 'canceled', 'test');
      for (let i = 0; i < 100 && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await waiting()).toBeGreaterThan(0);
      // Which of a and c the cancel does not hold: a: it took c (lowest id) first; c: it took a
      // (first by task id) first.
      return (await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "TaskInstance" WHERE id IN (${ids.a}::uuid, ${ids.c}::uuid) FOR UPDATE SKIP LOCKED`).map(
        (r) => r.id,
      );
    });
    await cancel;
    expect(free).toEqual([ids.a]);
    const states = Object.fromEntries((await engine.runs.taskInstances(tenantId, run.id)).map((t) => [t.taskId, t.state]));
    expect(states).toEqual({ a: 'skipped', b: 'skipped', c: 'skipped' });
  });

  it('sends a tenant with a small backlog to the interactive lane, a deeper backlog and backfill tasks to the bulk lane', async () => {
    const queue = engine.deps.queue;
    await engine.pools.set(tenantId, 'default', 100_000);
    await prisma.tenant.update({ where: { id: tenantId }, data: { concurrencyQuota: 100_000 } });
    const settle = async () => {
      await prisma.taskInstance.updateMany({ where: { tenantId, state: { in: ['scheduled', 'queued', 'running'] } }, data: { state: 'success' } });
      await queue.obliterate();
    };
    await settle();

    // A backfill's task goes to bulk although the tenant has nothing else active.
    await engine.dags.upsert(tenantId, { dagId: 'lane_bf', tasks: [{ taskId: 'only', type: 'noop' }] });
    const bfRun = await runningRun('lane_bf', '2026-10-01T00:00:00.000Z', 'scheduled');
    const backfill = await prisma.backfill.create({
      data: { tenantId, dagPk: bfRun.dagPk, dagId: 'lane_bf', fromDate: bfRun.logicalDate, toDate: bfRun.logicalDate, reprocess: 'none', maxActiveRuns: 1 },
    });
    await prisma.dagRun.update({ where: { id: bfRun.id }, data: { backfillId: backfill.id } });
    await engine.lifecycle.evaluateRuns([{ tenantId, dagRunId: bfRun.id, finishedTaskIds: [] }]);
    const bfTask = await prisma.taskInstance.findFirstOrThrow({ where: { dagRunId: bfRun.id } });
    expect(bfTask.state).toBe('queued');
    expect(await queue.queues.bulk.getJob(runTaskJobId(bfTask.id, 1))).toBeDefined();
    expect(await queue.waitingByLane()).toEqual({ interactive: 0, bulk: 1 });
    await settle();

    // A fan-out of INTERACTIVE_DEPTH tasks stays interactive; one of INTERACTIVE_DEPTH + 8 is a flood.
    const fanOut = async (dagId: string, n: number) => {
      await engine.dags.upsert(tenantId, { dagId, maxActiveTasks: n, tasks: Array.from({ length: n }, (_, i) => ({ taskId: `w${i}`, type: 'noop' })) });
      const run = await runningRun(dagId, '2026-10-01T00:00:00.000Z', 'scheduled');
      await engine.lifecycle.evaluateRuns([{ tenantId, dagRunId: run.id, finishedTaskIds: [] }]);
      expect(await prisma.taskInstance.count({ where: { dagRunId: run.id, state: 'queued' } })).toBe(n);
      return run;
    };
    await fanOut('lane_small', INTERACTIVE_DEPTH);
    expect(await queue.waitingByLane()).toEqual({ interactive: INTERACTIVE_DEPTH, bulk: 0 });
    await settle();
    const n = INTERACTIVE_DEPTH + 8;
    const wide = await fanOut('lane_wide', n);
    expect(await queue.waitingByLane()).toEqual({ interactive: 0, bulk: n });

    // Redis loses every job: the requeue sweep puts them back in the same lane.
    await queue.obliterate();
    await prisma.taskInstance.updateMany({ where: { dagRunId: wide.id }, data: { queuedAt: new Date(Date.now() - 60_000) } });
    expect(await engine.scheduler.sweeps.requeueLostTasks()).toBe(n);
    expect(await queue.waitingByLane()).toEqual({ interactive: 0, bulk: n });
    // Jobs still there are not requeued twice.
    expect(await engine.scheduler.sweeps.requeueLostTasks()).toBe(0);

    // No worker serves the bulk lane here: the scheduler reports it (the interactive lane is empty).
    expect(await queue.unservedLanes()).toEqual([{ lane: 'bulk', waiting: n }]);
    expect(await engine.scheduler.sweeps.checkLanes()).toBe(1);
  });
});
