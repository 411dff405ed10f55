import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PrismaClient } from '@tower/db';
import { createEngine, type Engine } from './index.js';
import { startEngineStack, type EngineStack } from './test-support/engine-stack.js';

/**
 * Operator actions against the real Postgres and Redis, with an in-process worker and scheduler:
 * clear, mark, cancel (with Redis refusing events too), backfill, and a worker closing on running
 * tries. The rest of the run lifecycle is in engine.int.test.ts.
 */
describe('engine operations (real Postgres + Redis)', () => {
  let stack: EngineStack;
  let prisma: PrismaClient;
  let engine: Engine;
  let tenantId: string;
  let runToEnd: EngineStack['runToEnd'];

  beforeAll(async () => {
    stack = await startEngineStack('operations');
    ({ prisma, engine, tenantId, runToEnd } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  function upsertSlowThenAfter(dagId: string, slow: Record<string, unknown> = {}) {
    return engine.dags.upsert(tenantId, {
      dagId,
      tasks: [
        { taskId: 'slow', type: 'noop', with: { durationMs: 60_000 }, ...slow },
        { taskId: 'after', type: 'noop', dependsOn: ['slow'] },
      ],
    });
  }

  async function waitTaskRunning(runId: string, taskId: string, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ti = await prisma.taskInstance.findFirstOrThrow({ where: { dagRunId: runId, taskId } });
      if (ti.state === 'running') return ti;
      if (Date.now() > deadline) throw new Error(`${taskId} never ran`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for the task instance's (only) try to be closed by its worker. */
  async function waitTryEnded(taskInstanceId: string, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await prisma.taskTry.findFirstOrThrow({ where: { taskInstanceId } })).endedAt) {
      if (Date.now() > deadline) throw new Error(`the try of ${taskInstanceId} was never closed`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function waitRun(runId: string, states: string[], timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await engine.runs.get(tenantId, runId);
      if (states.includes(run.state)) return run;
      if (Date.now() > deadline) throw new Error(`run ${runId} stayed ${run.state}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('clears a failed task with its downstream: new try numbers, and the run goes back to running', async () => {
    const http = await import('node:http');
    let calls = 0;
    const server = http.createServer((_req, res) => {
      calls++;
      res.writeHead(calls === 1 ? 500 : 200);
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as import('node:net').AddressInfo).port;
    try {
      const { run, states } = await runToEnd({
        dagId: 'clearable',
        tasks: [
          { taskId: 'a', type: 'noop' },
          { taskId: 'b', type: 'http.request', dependsOn: ['a'], with: { url: `http://127.0.0.1:${port}/` } },
          { taskId: 'c', type: 'noop', dependsOn: ['b'] },
        ],
      });
      expect(states).toEqual({ a: 'success', b: 'failed', c: 'upstream_failed' });
      const cleared = await engine.operations.clearTaskInstances(tenantId, run.id, { taskIds: ['b'], includeDownstream: true, onlyFailed: true });
      expect(cleared.map((t) => t.taskId).sort()).toEqual(['b', 'c']);
      const done = await waitRun(run.id, ['success']);
      expect(done.state).toBe('success');
      const tis = Object.fromEntries((await engine.runs.taskInstances(tenantId, run.id)).map((t) => [t.taskId, t]));
      expect(tis.a).toMatchObject({ state: 'success', tryNumber: 1 });
      expect(tis.b).toMatchObject({ state: 'success', tryNumber: 2 });
      expect(tis.c).toMatchObject({ state: 'success', tryNumber: 1 });
      await expect(
        engine.operations.clearTaskInstances(tenantId, run.id, { taskIds: ['zzz'], includeDownstream: false, onlyFailed: false }),
      ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('marks a running task success: its try is stopped and downstream runs', async () => {
    await upsertSlowThenAfter('markable');
    const run = await engine.runs.trigger(tenantId, 'markable', {});
    const slow = await waitTaskRunning(run.id, 'slow');
    const marked = await engine.operations.markTaskInstance(tenantId, slow.id, 'success');
    expect(marked.state).toBe('success');
    const done = await waitRun(run.id, ['success', 'failed']);
    expect(done.state).toBe('success');
    const tries = await prisma.taskTry.findMany({ where: { taskInstanceId: slow.id } });
    // the worker stopped the try well before its 60 s and left the marked state alone
    await waitTryEnded(slow.id);
    const tryRow = await prisma.taskTry.findFirstOrThrow({ where: { taskInstanceId: slow.id } });
    expect(tries).toHaveLength(1);
    expect(tryRow.endedAt).not.toBeNull();
    expect((await prisma.taskInstance.findUniqueOrThrow({ where: { id: slow.id } })).state).toBe('success');
    await expect(engine.operations.markTaskInstance(tenantId, slow.id, 'success')).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
  });

  it('cancels a running run: unfinished tasks are skipped, the running try is stopped, nothing runs after', async () => {
    await upsertSlowThenAfter('cancelable');
    const run = await engine.runs.trigger(tenantId, 'cancelable', {});
    const slow = await waitTaskRunning(run.id, 'slow');
    const canceled = await engine.operations.cancelDagRun(tenantId, run.id);
    expect(canceled.state).toBe('canceled');
    // the worker stops the try well before its 60 s (waitTryEnded gives it 10 s)
    await waitTryEnded(slow.id);
    const tis = Object.fromEntries((await engine.runs.taskInstances(tenantId, run.id)).map((t) => [t.taskId, t.state]));
    expect(tis).toEqual({ slow: 'skipped', after: 'skipped' });
    expect((await engine.runs.get(tenantId, run.id)).state).toBe('canceled');
    const tryRow = await prisma.taskTry.findFirstOrThrow({ where: { taskInstance: { dagRunId: run.id, taskId: 'slow' } } });
    expect(tryRow.endedAt).not.toBeNull();
    await expect(engine.operations.cancelDagRun(tenantId, run.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it("mark, clear and cancel return their committed change while Redis refuses events and stop notices; the worker's heartbeat stops the try", async () => {
    const broken = Object.create(engine.deps.events) as typeof engine.deps.events;
    broken.publishMany = () => Promise.reject(new Error('redis is down'));
    broken.publishTryStops = () => Promise.reject(new Error('redis is down'));
    const quiet = createEngine({ ...engine.deps, events: broken });
    await upsertSlowThenAfter('ops_without_events');
    const run = await engine.runs.trigger(tenantId, 'ops_without_events', {});
    const slow = await waitTaskRunning(run.id, 'slow');
    expect((await quiet.operations.markTaskInstance(tenantId, slow.id, 'success')).state).toBe('success');
    expect((await waitRun(run.id, ['success', 'failed'])).state).toBe('success');
    // The stop notice is lost: the try ends on the worker's next heartbeat (HEARTBEAT_MS, 5 s).
    await waitTryEnded(slow.id, 15_000);
    expect((await prisma.taskInstance.findUniqueOrThrow({ where: { id: slow.id } })).state).toBe('success');

    const cleared = await quiet.operations.clearTaskInstances(tenantId, run.id, { taskIds: ['after'], includeDownstream: false, onlyFailed: false });
    expect(cleared.map((t) => t.taskId)).toEqual(['after']);
    expect((await waitRun(run.id, ['success', 'failed'])).state).toBe('success');
    expect((await prisma.taskInstance.findFirstOrThrow({ where: { dagRunId: run.id, taskId: 'after' } })).tryNumber).toBe(2);

    const second = await engine.runs.trigger(tenantId, 'ops_without_events', {}, new Date('2026-05-01T00:00:00Z'));
    const slow2 = await waitTaskRunning(second.id, 'slow');
    expect((await quiet.operations.cancelDagRun(tenantId, second.id)).state).toBe('canceled');
    await waitTryEnded(slow2.id, 15_000);
    const tis = Object.fromEntries((await engine.runs.taskInstances(tenantId, second.id)).map((t) => [t.taskId, t.state]));
    expect(tis).toEqual({ slow: 'skipped', after: 'skipped' });
  });

  it('backfills a range: creates missing runs, and re-runs existing ones per reprocess mode', async () => {
    const http = await import('node:http');
    // The first call for 2026-01-01 fails (by path: the backfill starts up to maxActiveRuns, 4 by default, at once).
    let failFirst = true;
    const server = http.createServer((req, res) => {
      // A backfill run renders the DAG's default params like a scheduled run: no region, no 200.
      const fail = (failFirst && req.url === '/us/2026-01-01') || !req.url?.startsWith('/us/');
      if (req.url === '/us/2026-01-01') failFirst = false;
      res.writeHead(fail ? 500 : 200);
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as import('node:net').AddressInfo).port;
    try {
      await engine.dags.upsert(tenantId, {
        dagId: 'backfillable',
        schedule: '0 0 * * *',
        startDate: '2030-01-01T00:00:00', // far future: the scheduler creates nothing on its own
        maxActiveRuns: 1,
        params: { region: { type: 'string', default: 'us' } },
        tasks: [{ taskId: 'call', type: 'http.request', with: { url: `http://127.0.0.1:${port}/{{ params.region }}/{{ ds }}` } }],
      });
      const from = new Date('2026-01-01T00:00:00Z');
      const to = new Date('2026-01-03T00:00:00Z');
      const first = await engine.backfills.backfill(tenantId, 'backfillable', from, to, 'none');
      expect(first.created.map((r) => r.logicalDate.toISOString())).toEqual([
        '2026-01-01T00:00:00.000Z',
        '2026-01-02T00:00:00.000Z',
        '2026-01-03T00:00:00.000Z',
      ]);
      expect(first.created.every((r) => r.runType === 'backfill' && r.priority < 0)).toBe(true);
      expect(first.created.map((r) => r.params)).toEqual([{ region: 'us' }, { region: 'us' }, { region: 'us' }]);
      const waitAll = async () => {
        const deadline = Date.now() + 20_000;
        for (;;) {
          const runs = await prisma.dagRun.findMany({ where: { tenantId, dagId: 'backfillable' }, orderBy: { logicalDate: 'asc' } });
          if (runs.every((r) => r.state === 'success' || r.state === 'failed')) return runs;
          if (Date.now() > deadline) throw new Error('backfill did not finish');
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      // the run whose call failed (2026-01-01) failed, the others succeeded
      expect((await waitAll()).map((r) => r.state)).toEqual(['failed', 'success', 'success']);
      // each try keeps its `with` as rendered for it (failed or not)
      const tries = await prisma.taskTry.findMany({ where: { tenantId, taskInstance: { dagId: 'backfillable' } }, orderBy: { startedAt: 'asc' } });
      expect(tries.map((t) => (t.renderedWith as { url: string }).url.replace(`:${port}`, ':PORT')).sort()).toEqual([
        'http://127.0.0.1:PORT/us/2026-01-01',
        'http://127.0.0.1:PORT/us/2026-01-02',
        'http://127.0.0.1:PORT/us/2026-01-03',
      ]);

      const none = await engine.backfills.backfill(tenantId, 'backfillable', from, to, 'none');
      expect([none.created.length, none.reprocessed.length, none.skipped]).toEqual([0, 0, 3]);
      const failed = await engine.backfills.backfill(tenantId, 'backfillable', from, to, 'failed');
      expect(failed.reprocessed.map((r) => r.logicalDate.toISOString())).toEqual(['2026-01-01T00:00:00.000Z']);
      expect((await waitAll()).map((r) => r.state)).toEqual(['success', 'success', 'success']);
      const all = await engine.backfills.backfill(tenantId, 'backfillable', from, to, 'all');
      expect(all.reprocessed).toHaveLength(3);
      expect((await waitAll()).map((r) => r.state)).toEqual(['success', 'success', 'success']);
      const tis = await prisma.taskInstance.findMany({ where: { tenantId, dagId: 'backfillable' }, orderBy: { dagRun: { logicalDate: 'asc' } } });
      expect(tis.map((t) => t.tryNumber)).toEqual([3, 2, 2]);
      await expect(engine.backfills.backfill(tenantId, 'backfillable', to, from, 'none')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  // Last: it stops the suite's worker.
  it('a worker closing past its grace period stops the tries still running: each ends as a failed try, retried per policy', async () => {
    await upsertSlowThenAfter('outlived', { retries: 1, retryDelaySeconds: 3600 });
    const run = await engine.runs.trigger(tenantId, 'outlived', {});
    const slow = await waitTaskRunning(run.id, 'slow');
    const closing = Date.now();
    await stack.worker.close(300);
    expect(Date.now() - closing).toBeLessThan(20_000); // not the try's 60 s
    const tryRow = await prisma.taskTry.findFirstOrThrow({ where: { taskInstanceId: slow.id } });
    expect(tryRow.state).toBe('failed');
    expect(tryRow.endedAt).not.toBeNull();
    expect((await prisma.taskInstance.findUniqueOrThrow({ where: { id: slow.id } })).state).toBe('up_for_retry');
  });
});
