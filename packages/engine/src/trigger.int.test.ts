import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PrismaClient } from '@tower/db';
import { createEngine, type Engine } from './index.js';
import { startEngineStack, type EngineStack } from './test-support/engine-stack.js';

/**
 * Triggers against the real Postgres and Redis, with an in-process worker and scheduler: params,
 * group-committed inserts, durability before the answer, and the DAG version a trigger runs.
 */
describe('triggers (real Postgres + Redis)', () => {
  let stack: EngineStack;
  let prisma: PrismaClient;
  let engine: Engine;
  let tenantId: string;

  beforeAll(async () => {
    stack = await startEngineStack('trigger');
    ({ prisma, engine, tenantId } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('refuses params that do not match the DAG params spec', async () => {
    await engine.dags.upsert(tenantId, { dagId: 'typed_params', params: { n: { type: 'integer', default: 1 } }, tasks: [{ taskId: 'x', type: 'noop' }] });
    await expect(engine.runs.trigger(tenantId, 'typed_params', { n: 'many' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(engine.runs.trigger(tenantId, 'typed_params', { unknown: 1 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await prisma.dagRun.count({ where: { dagId: 'typed_params' } })).toBe(0);
  });

  it('concurrent triggers share one insert: each gets its own run, and a repeated logical date in the batch is a conflict', async () => {
    await engine.dags.upsert(tenantId, { dagId: 'burst', tasks: [{ taskId: 'only', type: 'noop' }] });
    const day = (d: number) => new Date(Date.UTC(2026, 6, d));
    const dates = [1, 2, 3, 2, 4, 5];
    const results = await Promise.allSettled(dates.map((d) => engine.runs.trigger(tenantId, 'burst', {}, day(d))));
    // Calls reach the group commit in the order their earlier awaits finish, not the order they were
    // made: which of the two triggers for day 2 loses is not defined, only that exactly one does.
    const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [{ day: dates[i], reason: r.reason as unknown }] : []));
    expect(rejected).toEqual([{ day: 2, reason: expect.objectContaining({ code: 'CONFLICT' }) }]);
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') expect(r.value.logicalDate.getTime()).toBe(day(dates[i]).getTime());
    });
    const runs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(runs.map((r) => r.logicalDate.getTime()).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5].map((d) => day(d).getTime()));
    expect(new Set(runs.map((r) => r.id)).size).toBe(5);
    expect(await prisma.dagRun.count({ where: { tenantId, dagId: 'burst' } })).toBe(5);
  });

  it('a triggered run starts without waiting for the disk, and the caller hears of it only once it is durable', async () => {
    await engine.dags.upsert(tenantId, { dagId: 'durable_trigger', tasks: [{ taskId: 'only', type: 'noop' }] });
    // Hold the durability barrier: the trigger's insert has committed asynchronously meanwhile.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const lifecycle = engine.lifecycle;
    const durable = lifecycle.durable.bind(lifecycle);
    let barriers = 0;
    lifecycle.durable = (runId) => {
      barriers++;
      return held.then(() => durable(runId));
    };
    try {
      let answered = false;
      const triggered = engine.runs.trigger(tenantId, 'durable_trigger', {}).then((run) => {
        answered = true;
        return run;
      });
      // The run starts, and its task runs to the end, while the caller still waits.
      const deadline = Date.now() + 15_000;
      let ti = null;
      while (Date.now() < deadline) {
        ti = await prisma.taskInstance.findFirst({ where: { tenantId, dagId: 'durable_trigger' } });
        if (ti?.state === 'success') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(ti?.state).toBe('success');
      expect(answered).toBe(false);
      expect(barriers).toBe(1);
      // Started by the trigger itself, not by the scheduler's queued-runs sweep: the sweep takes a
      // manual run only once it has been queued longer than sweepGraceMs (2 s, the stack's default),
      // so a start within 2 s of queuedAt can only be the trigger's.
      const started = await prisma.dagRun.findUniqueOrThrow({ where: { id: ti!.dagRunId } });
      expect(started.startedAt!.getTime() - started.queuedAt.getTime()).toBeLessThan(2_000);
      release();
      const run = await triggered;
      expect(run.id).toBe(ti!.dagRunId);
    } finally {
      lifecycle.durable = durable;
      release();
    }
  });

  it('a barrier reports a run it cannot find (lost in a crash) as not durable, and the trigger then fails with its id', async () => {
    await engine.dags.upsert(tenantId, { dagId: 'lost_trigger', tasks: [{ taskId: 'only', type: 'noop' }] });
    const existing = await engine.runs.trigger(tenantId, 'lost_trigger', {}, new Date(Date.UTC(2026, 2, 1)));
    const gone = '00000000-0000-4000-8000-000000000000';
    expect(await Promise.all([engine.lifecycle.durable(existing.id), engine.lifecycle.durable(gone)])).toEqual([true, false]);
    // A trigger whose run the barrier cannot find: the caller is not told it exists.
    const lifecycle = engine.lifecycle;
    const durable = lifecycle.durable.bind(lifecycle);
    lifecycle.durable = () => durable(gone);
    try {
      const err = await engine.runs.trigger(tenantId, 'lost_trigger', {}, new Date(Date.UTC(2026, 2, 2))).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/lost before it was stored durably/) });
      const runId = (err as { details?: { runId?: string } }).details?.runId;
      expect(runId).toEqual(
        (await prisma.dagRun.findFirstOrThrow({ where: { tenantId, dagId: 'lost_trigger', logicalDate: new Date(Date.UTC(2026, 2, 2)) } })).id,
      );
    } finally {
      lifecycle.durable = durable;
    }
  });

  it("a trigger runs the DAG's latest version even when another process changed it since this one cached it", async () => {
    await engine.dags.upsert(tenantId, { dagId: 'versioned', tasks: [{ taskId: 'v1', type: 'noop' }] });
    const first = await engine.runs.trigger(tenantId, 'versioned', {}, new Date('2026-06-01T00:00:00Z'));
    expect(first.dagVersion).toBe(1);
    // Another API process (its own caches) publishes version 2; this one still has version 1 cached.
    const other = createEngine({ ...engine.deps });
    await other.dags.upsert(tenantId, { dagId: 'versioned', tasks: [{ taskId: 'v2', type: 'noop' }] });
    const second = await engine.runs.trigger(tenantId, 'versioned', {}, new Date('2026-06-02T00:00:00Z'));
    expect(second.dagVersion).toBe(2);
    expect((await engine.runs.taskInstances(tenantId, second.id)).map((t) => t.taskId)).toEqual(['v2']);
    // A logical date already taken is still a conflict (after the cache was found fresh).
    await expect(engine.runs.trigger(tenantId, 'versioned', {}, new Date('2026-06-02T00:00:00Z'))).rejects.toMatchObject({ code: 'CONFLICT' });
    // Version 3 (published elsewhere) adds a param: the cached version 2 would refuse it.
    await other.dags.upsert(tenantId, { dagId: 'versioned', params: { region: { type: 'string', default: 'eu' } }, tasks: [{ taskId: 'v3', type: 'noop' }] });
    const third = await engine.runs.trigger(tenantId, 'versioned', { region: 'us' }, new Date('2026-06-03T00:00:00Z'));
    expect([third.dagVersion, third.params]).toEqual([3, { region: 'us' }]);
    // Params no version accepts are still refused.
    await expect(engine.runs.trigger(tenantId, 'versioned', { nope: 1 }, new Date('2026-06-04T00:00:00Z'))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
