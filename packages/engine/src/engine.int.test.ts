import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PrismaClient } from '@tower/db';
import { EventPublisher } from '@tower/events';
import { createCommandRedis } from '@tower/queue';
import { startPrivateRedis } from '../../queue/src/test-support/private-redis.js';
import { createEngine, type Engine } from './index.js';
import { startEngineStack, type EngineStack } from './test-support/engine-stack.js';

/**
 * The engine against the real Postgres and Redis, with an in-process worker and scheduler
 * (the same runtimes the processes use), to pin the run lifecycle's semantics. Triggers have
 * their own suite (trigger.int.test.ts).
 */
describe('engine lifecycle (real Postgres + Redis)', () => {
  let stack: EngineStack;
  let prisma: PrismaClient;
  let engine: Engine;
  let tenantId: string;
  let runToEnd: EngineStack['runToEnd'];

  beforeAll(async () => {
    stack = await startEngineStack('engine');
    ({ prisma, engine, tenantId, runToEnd } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  /** A run inserted as the engine inserts it, left queued with every task `none` (nothing starts it). */
  function insertManualRun(dag: { id: string; dagId: string }, version: { id: string; version: number; spec: unknown }, runId: string, at: Date) {
    return engine.lifecycle.insertRun({
      tenantId,
      dagPk: dag.id,
      dagId: dag.dagId,
      versionId: version.id,
      version: version.version,
      runType: 'manual',
      runId,
      logicalDate: at,
      dataIntervalStart: at,
      dataIntervalEnd: at,
      params: {},
    });
  }

  it('runs a diamond DAG to success in dependency order', async () => {
    const { run, tis } = await runToEnd({
      dagId: 'diamond',
      tasks: [
        { taskId: 'a', type: 'noop' },
        { taskId: 'b', type: 'noop', dependsOn: ['a'] },
        { taskId: 'c', type: 'noop', dependsOn: ['a'] },
        { taskId: 'd', type: 'noop', dependsOn: ['b', 'c'] },
      ],
    });
    expect(run.state).toBe('success');
    const at = Object.fromEntries(tis.map((t) => [t.taskId, t]));
    expect(at.b.startedAt!.getTime()).toBeGreaterThanOrEqual(at.a.endedAt!.getTime());
    expect(at.d.startedAt!.getTime()).toBeGreaterThanOrEqual(Math.max(at.b.endedAt!.getTime(), at.c.endedAt!.getTime()));
  });

  it('moves on a run left stalled (running, nothing in flight) by a failed evaluation', async () => {
    const spec = {
      dagId: 'stalled',
      tasks: [
        { taskId: 'a', type: 'noop' },
        { taskId: 'b', type: 'noop', dependsOn: ['a'] },
      ],
    };
    const { dag, version } = await engine.dags.upsert(tenantId, spec);
    // What a crash between "run started" and its first evaluation leaves: running, every task none.
    const run = await insertManualRun(dag, version, 'manual__stalled', new Date('2026-01-01T00:00:00Z'));
    await prisma.$executeRaw`UPDATE "DagRun" SET state = 'running', "startedAt" = now(), "updatedAt" = now() - interval '1 minute' WHERE id = ${run!.id}::uuid`;
    const deadline = Date.now() + 30_000;
    let state = 'running';
    while (state === 'running' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      state = (await engine.runs.get(tenantId, run!.id)).state;
    }
    expect(state).toBe('success');
    expect((await engine.runs.taskInstances(tenantId, run!.id)).map((t) => t.state)).toEqual(['success', 'success']);
  });

  it('does not take a run whose last task just ended for a stalled one (its own evaluation is deciding it)', async () => {
    const spec = { dagId: 'just_ended', tasks: [{ taskId: 'a', type: 'noop' }] };
    const { dag, version } = await engine.dags.upsert(tenantId, spec);
    const run = await insertManualRun(dag, version, 'manual__just_ended', new Date('2026-01-02T00:00:00Z'));
    await prisma.$executeRaw`UPDATE "DagRun" SET state = 'running', "startedAt" = now(), "updatedAt" = now() - interval '1 minute' WHERE id = ${run!.id}::uuid`;
    await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'success', "endedAt" = now(), "updatedAt" = now() WHERE "dagRunId" = ${run!.id}::uuid`;
    await engine.scheduler.sweeps.evaluateStalledRuns();
    expect((await engine.runs.get(tenantId, run!.id)).state).toBe('running');
    // Nothing moved it on for a while: now it is stalled, and the sweep decides it.
    await prisma.$executeRaw`UPDATE "TaskInstance" SET "updatedAt" = now() - interval '1 minute' WHERE "dagRunId" = ${run!.id}::uuid`;
    await engine.scheduler.sweeps.evaluateStalledRuns();
    expect((await engine.runs.get(tenantId, run!.id)).state).toBe('success');
  });

  it('group-committed claims and ends: a try claimed many times at once runs once; ends store XCom and queue the downstream', async () => {
    const spec = {
      dagId: 'claims',
      tasks: [
        { taskId: 'a', type: 'noop' },
        { taskId: 'b', type: 'noop' },
        { taskId: 'c', type: 'noop', dependsOn: ['a', 'b'] },
      ],
    };
    const { dag, version } = await engine.dags.upsert(tenantId, spec);
    const run = await insertManualRun(dag, version, 'manual__claims', new Date('2026-02-01T00:00:00Z'));
    // Queued in Postgres without a BullMQ job: only this test's calls claim them.
    await prisma.$executeRaw`UPDATE "DagRun" SET state = 'running', "startedAt" = now() WHERE id = ${run!.id}::uuid`;
    await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'queued', "queuedAt" = now() WHERE "dagRunId" = ${run!.id}::uuid AND "taskId" IN ('a', 'b')`;
    const tis = Object.fromEntries((await engine.runs.taskInstances(tenantId, run!.id)).map((t) => [t.taskId, t]));
    const payload = (taskId: string) => ({ tenantId, dagRunId: run!.id, taskInstanceId: tis[taskId].id, tryNumber: 1 });
    const claims = await Promise.all([
      ...Array.from({ length: 5 }, () => engine.execution.startTry(payload('a'), 'test-worker')),
      engine.execution.startTry(payload('b'), 'test-worker'),
      engine.execution.startTry({ ...payload('b'), tenantId: '00000000-0000-4000-8000-000000000000' }, 'test-worker'),
    ]);
    expect(claims.map((c) => c?.task.taskId ?? null)).toEqual(['a', null, null, null, null, 'b', null]);
    expect(await prisma.taskTry.count({ where: { taskInstance: { dagRunId: run!.id } } })).toBe(2);

    const [a, b] = [claims[0]!, claims[5]!];
    const ended = await Promise.all([
      engine.execution.finishTry(a, { kind: 'success', xcom: { rows: 3 } }),
      engine.execution.finishTry(b, { kind: 'success', xcom: {} }),
    ]);
    expect(ended).toEqual(['success', 'success']);
    await engine.execution.settle();
    // Both upstream ends were evaluated together: c is queued (or already running on the worker).
    const c = await prisma.taskInstance.findFirstOrThrow({ where: { dagRunId: run!.id, taskId: 'c' } });
    expect(['queued', 'running', 'success']).toContain(c.state);
    expect((await engine.runs.xcom(tenantId, tis.a.id)).map((x) => [x.key, x.value])).toEqual([['rows', 3]]);
    const tries = await prisma.taskTry.findMany({ where: { taskInstance: { dagRunId: run!.id, taskId: { in: ['a', 'b'] } } } });
    expect(tries.map((t) => [t.state, t.tryNumber, t.endedAt !== null])).toEqual([
      ['success', 1, true],
      ['success', 1, true],
    ]);
  });

  it('heartbeat extends the leases of running tries, names those moved on, and never waits on a row another transaction holds', async () => {
    const spec = {
      dagId: 'beats',
      tasks: [
        { taskId: 'a', type: 'noop' },
        { taskId: 'b', type: 'noop' },
      ],
    };
    const { dag, version } = await engine.dags.upsert(tenantId, spec);
    const run = await insertManualRun(dag, version, 'manual__beats', new Date('2026-02-02T00:00:00Z'));
    await prisma.$executeRaw`UPDATE "DagRun" SET state = 'running', "startedAt" = now() WHERE id = ${run!.id}::uuid`;
    await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'queued', "queuedAt" = now() WHERE "dagRunId" = ${run!.id}::uuid`;
    const tis = Object.fromEntries((await engine.runs.taskInstances(tenantId, run!.id)).map((t) => [t.taskId, t]));
    const [a, b] = await Promise.all(
      ['a', 'b'].map((t) => engine.execution.startTry({ tenantId, dagRunId: run!.id, taskInstanceId: tis[t].id, tryNumber: 1 }, 'test-worker')),
    );
    const tries = [a!, b!].map((s) => ({ taskInstanceId: s.ti.id, tryNumber: s.tryNumber }));
    const beatOf = async (id: string) => (await prisma.taskInstance.findUniqueOrThrow({ where: { id } })).heartbeatAt!.getTime();

    const before = await beatOf(tis.a.id);
    await new Promise((r) => setTimeout(r, 20));
    expect(await engine.execution.heartbeat(tries)).toEqual([]);
    expect(await beatOf(tis.a.id)).toBeGreaterThan(before);

    // a's row held by another transaction (an end being written): skipped at once, not reported.
    const held = await beatOf(tis.a.id);
    await prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "TaskInstance" WHERE id = ${tis.a.id}::uuid FOR UPDATE`;
      const outcome = await Promise.race([engine.execution.heartbeat(tries.slice(0, 1)), new Promise((r) => setTimeout(() => r('waited on the lock'), 3_000))]);
      expect(outcome).toEqual([]);
    });
    expect(await beatOf(tis.a.id)).toBe(held);

    // b moved on (marked elsewhere) and a try number nobody runs: both named.
    await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'success', "endedAt" = now() WHERE id = ${tis.b.id}::uuid`;
    expect((await engine.execution.heartbeat([...tries, { taskInstanceId: tis.a.id, tryNumber: 7 }])).sort()).toEqual([tis.a.id, tis.b.id].sort());

    expect(await engine.execution.finishTry(a!, { kind: 'success', xcom: {} })).toBe('success');
    await engine.execution.settle();
  });

  it('claims and ends survive a failing event publisher once their statements committed', async () => {
    const spec = { dagId: 'no_events', tasks: [{ taskId: 'a', type: 'noop' }] };
    const { dag, version } = await engine.dags.upsert(tenantId, spec);
    const run = await insertManualRun(dag, version, 'manual__no_events', new Date('2026-03-01T00:00:00Z'));
    await prisma.$executeRaw`UPDATE "DagRun" SET state = 'running', "startedAt" = now() WHERE id = ${run!.id}::uuid`;
    await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'queued', "queuedAt" = now() WHERE "dagRunId" = ${run!.id}::uuid`;
    const broken = Object.create(engine.deps.events) as typeof engine.deps.events;
    broken.publishMany = () => Promise.reject(new Error('redis is down'));
    const quiet = createEngine({ ...engine.deps, events: broken });
    const [ti] = await engine.runs.taskInstances(tenantId, run!.id);
    const started = await quiet.execution.startTry({ tenantId, dagRunId: run!.id, taskInstanceId: ti.id, tryNumber: 1 }, 'test-worker');
    expect(started?.task.taskId).toBe('a');
    expect(await quiet.execution.finishTry(started!, { kind: 'success', xcom: {} })).toBe('success');
    await quiet.execution.settle();
    expect((await engine.runs.get(tenantId, run!.id)).state).toBe('success');
  });

  // The twin of the test above against a real outage: the publisher's connection goes to a
  // redis-server of the test's own, stopped (ioredis keeps commands in its offline queue and
  // reconnects) or hung by SIGSTOP (the TCP session stays open and nothing answers). On a
  // connection without a command timeout both wait forever: the claim's publish never returns.
  it.each([['stopped'], ['hung (SIGSTOP)']])('claims and ends survive a real Redis outage of the event publisher: %s', async (kind) => {
    const server = await startPrivateRedis();
    const conn = createCommandRedis(server.url, { commandTimeoutMs: 1_000 });
    conn.on('error', () => undefined); // reconnect attempts to the stopped server
    try {
      expect(await conn.ping()).toBe('PONG');
      const spec = { dagId: `redis_down_${kind.split(' ')[0]}`, tasks: [{ taskId: 'a', type: 'noop' }] };
      const { dag, version } = await engine.dags.upsert(tenantId, spec);
      const run = await insertManualRun(dag, version, `manual__${spec.dagId}`, new Date('2026-03-02T00:00:00Z'));
      await prisma.$executeRaw`UPDATE "DagRun" SET state = 'running', "startedAt" = now() WHERE id = ${run!.id}::uuid`;
      await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'queued', "queuedAt" = now() WHERE "dagRunId" = ${run!.id}::uuid`;
      if (kind === 'stopped') await server.stop();
      else server.pause();
      const down = createEngine({ ...engine.deps, events: new EventPublisher(conn, stack.prefix) });
      const [ti] = await engine.runs.taskInstances(tenantId, run!.id);
      const t0 = Date.now();
      const started = await down.execution.startTry({ tenantId, dagRunId: run!.id, taskInstanceId: ti.id, tryNumber: 1 }, 'test-worker');
      expect(started?.task.taskId).toBe('a');
      expect(await down.execution.finishTry(started!, { kind: 'success', xcom: {} })).toBe('success');
      await down.execution.settle();
      // Bounded by the command timeout (each publish waits 1 s at most), not by the outage.
      expect(Date.now() - t0).toBeLessThan(30_000);
      expect((await engine.runs.get(tenantId, run!.id)).state).toBe('success');
    } finally {
      server.resume();
      await server.stop();
      conn.disconnect();
    }
  });

  it("queues another DAG's tasks while one DAG of the tenant sits at maxActiveTasks with a large backlog", async () => {
    const busy = await engine.dags.upsert(tenantId, {
      dagId: 'busy_backlog',
      maxActiveTasks: 2,
      tasks: Array.from({ length: 300 }, (_, i) => ({ taskId: `b${i}`, type: 'noop', priorityWeight: 5 })),
    });
    const other = await engine.dags.upsert(tenantId, { dagId: 'small_other', tasks: [1, 2, 3].map((i) => ({ taskId: `s${i}`, type: 'noop' })) });
    const busyRun = await insertManualRun(busy.dag, busy.version, 'manual__busy', new Date('2026-04-01T00:00:00Z'));
    const otherRun = await insertManualRun(other.dag, other.version, 'manual__other', new Date('2026-04-01T00:00:00Z'));
    // The busy DAG: 2 tries running (its maxActiveTasks) and 298 scheduled with a higher weight.
    await prisma.$executeRaw`UPDATE "DagRun" SET state = 'running', "startedAt" = now() WHERE id IN (${busyRun!.id}::uuid, ${otherRun!.id}::uuid)`;
    await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'scheduled' WHERE "dagRunId" IN (${busyRun!.id}::uuid, ${otherRun!.id}::uuid)`;
    await prisma.$executeRaw`UPDATE "TaskInstance" SET state = 'running', "tryNumber" = 1, "startedAt" = now() WHERE "dagRunId" = ${busyRun!.id}::uuid AND "taskId" IN ('b0', 'b1')`;
    await engine.lifecycle.evaluateRuns([
      { tenantId, dagRunId: busyRun!.id, finishedTaskIds: [] },
      { tenantId, dagRunId: otherRun!.id, finishedTaskIds: [] },
    ]);
    const states = await prisma.taskInstance.groupBy({ by: ['dagId', 'state'], where: { dagRunId: { in: [busyRun!.id, otherRun!.id] } }, _count: true });
    const count = (dagId: string, state: string) => states.find((s) => s.dagId === dagId && s.state === state)?._count ?? 0;
    expect(count('busy_backlog', 'queued')).toBe(0); // at its limit: nothing more
    expect(count('small_other', 'scheduled')).toBe(0); // not starved by the busy DAG's backlog
    await engine.operations.cancelDagRun(tenantId, busyRun!.id);
  });

  it('fails the run when a task fails for good, marking downstream upstream_failed and honouring trigger rules', async () => {
    const { run, states } = await runToEnd({
      dagId: 'failing',
      tasks: [
        { taskId: 'boom', type: 'http.request', with: { url: 'http://127.0.0.1:1/nothing-listens-here' } },
        { taskId: 'after', type: 'noop', dependsOn: ['boom'] },
        { taskId: 'cleanup', type: 'noop', dependsOn: ['boom'], triggerRule: 'all_done' },
        { taskId: 'on_failure', type: 'noop', dependsOn: ['boom'], triggerRule: 'one_failed' },
      ],
    });
    expect(states).toEqual({ boom: 'failed', after: 'upstream_failed', cleanup: 'success', on_failure: 'success' });
    expect(run.state).toBe('failed');
  });

  it('fails a try that exceeds executionTimeoutSeconds', async () => {
    const { states, tis } = await runToEnd({
      dagId: 'too_slow',
      tasks: [{ taskId: 'sleepy', type: 'noop', executionTimeoutSeconds: 1, with: { durationMs: 10_000 } }],
    });
    expect(states.sleepy).toBe('failed');
    const tries = await prisma.taskTry.findMany({ where: { taskInstanceId: tis[0].id } });
    expect(tries[0].error).toMatch(/executionTimeoutSeconds/);
    expect(tries[0].endedAt!.getTime() - tries[0].startedAt.getTime()).toBeLessThan(5_000);
  });

  it('renders templates from run context and params, and stores the return value as XCom', async () => {
    const http = await import('node:http');
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"answer":42}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as import('node:net').AddressInfo).port;
    try {
      const { run, tis } = await runToEnd(
        {
          dagId: 'templated',
          params: { region: { type: 'string', default: 'us' } },
          tasks: [{ taskId: 'call', type: 'http.request', with: { url: `http://127.0.0.1:${port}/{{ params.region }}/{{ ds }}` } }],
        },
        { region: 'eu' },
      );
      expect(run.state).toBe('success');
      expect(seen).toEqual([`/eu/${run.logicalDate.toISOString().slice(0, 10)}`]);
      const xcom = await prisma.xCom.findFirstOrThrow({ where: { taskInstanceId: tis[0].id, key: 'return_value' } });
      expect(xcom.value).toEqual({ status: 200, body: { answer: 42 } });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('keeps at most maxActiveRuns running and starts queued runs as others finish', async () => {
    await engine.dags.upsert(tenantId, { dagId: 'one_at_a_time', maxActiveRuns: 1, tasks: [{ taskId: 'x', type: 'noop', with: { durationMs: 300 } }] });
    const base = Date.now();
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await engine.runs.trigger(tenantId, 'one_at_a_time', {}, new Date(base - (3 - i) * 1000)));
    const running = await prisma.dagRun.count({ where: { dagId: 'one_at_a_time', state: 'running' } });
    expect(running).toBeLessThanOrEqual(1);
    const deadline = Date.now() + 20_000;
    while ((await prisma.dagRun.count({ where: { dagId: 'one_at_a_time', state: 'success' } })) < 3) {
      if (Date.now() > deadline) throw new Error('runs did not finish');
      await new Promise((r) => setTimeout(r, 50));
    }
    const done = await prisma.dagRun.findMany({ where: { dagId: 'one_at_a_time' }, orderBy: { logicalDate: 'asc' } });
    for (let i = 1; i < done.length; i++) expect(done[i].startedAt!.getTime()).toBeGreaterThanOrEqual(done[i - 1].endedAt!.getTime());
  });

  it('does not start runs of a paused DAG until it is unpaused', async () => {
    await engine.dags.upsert(tenantId, { dagId: 'pausable', tasks: [{ taskId: 'x', type: 'noop' }] });
    await engine.dags.setPaused(tenantId, 'pausable', true);
    const run = await engine.runs.trigger(tenantId, 'pausable', {});
    await new Promise((r) => setTimeout(r, 500));
    expect((await engine.runs.get(tenantId, run.id)).state).toBe('queued');
    await engine.dags.setPaused(tenantId, 'pausable', false);
    const deadline = Date.now() + 10_000;
    while ((await engine.runs.get(tenantId, run.id)).state !== 'success') {
      if (Date.now() > deadline) throw new Error('run did not finish after unpause');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('does not let one tenant see another tenant’s DAGs or runs', async () => {
    const other = await prisma.tenant.create({ data: { slug: `other-${Date.now()}`, name: 'Other' } });
    await expect(engine.dags.get(other.id, 'diamond')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const run = await prisma.dagRun.findFirstOrThrow({ where: { tenantId, dagId: 'diamond' } });
    await expect(engine.runs.get(other.id, run.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.runs.trigger(other.id, 'diamond', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  /** The task instance once it is running (a worker claimed it). */
  /** A DAG whose first task runs for a minute unless stopped, and a second task after it. */
});
