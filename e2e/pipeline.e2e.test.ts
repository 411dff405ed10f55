import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { collect, GqlClient, signUp } from './support/graphql.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

/** A local endpoint that fails its first call with 500 and succeeds afterwards. */
function flakyServer(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(hits === 1 ? 500 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ hit: hits }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/flaky`,
        hits: () => hits,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

const TI_SUB = `subscription($runId: ID!) { taskInstanceUpdated(runId: $runId) { id taskId state tryNumber } }`;

describe('a DAG runs end to end through the API, Postgres, Redis, scheduler and worker', () => {
  let stack: Stack;
  let flaky: Awaited<ReturnType<typeof flakyServer>>;

  beforeAll(async () => {
    flaky = await flakyServer();
    stack = await startStack({ name: 'pipeline' });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    await flaky?.close();
  });

  it('retries the middle task after a 500 and the subscriber sees queued → running → up_for_retry → … → success', async () => {
    const { client: session } = await signUp(stack.apiUrl, 'pipeline');
    const key = await session.request<{ createApiKey: { secret: string; apiKey: { role: string } } }>(
      `mutation { createApiKey(name: "ci", role: EDITOR) { secret apiKey { id role } } }`,
    );
    expect(key.createApiKey.apiKey.role).toBe('EDITOR');
    const api = new GqlClient(stack.apiUrl, key.createApiKey.secret);

    const spec = {
      dagId: 'three_steps',
      schedule: null,
      tasks: [
        { taskId: 'prepare', type: 'noop', with: { durationMs: 1500 } },
        {
          taskId: 'call_service',
          type: 'http.request',
          dependsOn: ['prepare'],
          retries: 2,
          retryDelaySeconds: 1,
          with: { url: flaky.url, method: 'POST', body: { run: '{{ run_id }}', ds: '{{ ds }}' } },
        },
        { taskId: 'finish', type: 'noop', dependsOn: ['call_service'] },
      ],
    };
    const upserted = await api.request<{ upsertDag: { dagId: string; latestVersion: number } }>(
      `mutation($spec: JSON!) { upsertDag(spec: $spec) { dagId latestVersion } }`,
      { spec },
    );
    expect(upserted.upsertDag).toEqual({ dagId: 'three_steps', latestVersion: 1 });

    const ws = api.ws();
    try {
      const trig = await api.request<{ triggerDagRun: { id: string; state: string } }>(
        `mutation { triggerDagRun(dagId: "three_steps", params: {}) { id state } }`,
      );
      const runId = trig.triggerDagRun.id;
      const sub = collect<{ taskInstanceUpdated: { taskId: string; state: string; tryNumber: number } }>(ws, TI_SUB, { runId });

      const final = await waitFor(
        async () => {
          const r = await api.request<{ dagRun: { state: string } }>(`query($id: ID!) { dagRun(id: $id) { state } }`, { id: runId });
          return ['success', 'failed'].includes(r.dagRun.state) ? r.dagRun.state : null;
        },
        60_000,
        'the run to finish',
      );
      expect(final).toBe('success');
      // let the last events arrive
      await waitFor(
        async () => sub.items.some((i) => i.taskInstanceUpdated.taskId === 'finish' && i.taskInstanceUpdated.state === 'success'),
        5_000,
        'finish event',
      );
      sub.dispose();

      const states = sub.items
        .map((i) => i.taskInstanceUpdated)
        .filter((t) => t.taskId === 'call_service')
        .map((t) => t.state);
      expect(sub.errors).toEqual([]);
      const expected = ['scheduled', 'queued', 'running', 'up_for_retry', 'scheduled', 'queued', 'running', 'success'];
      expect([...states].sort()).toEqual([...expected].sort());
      // The first attempt comes from one process, the worker: the evaluation after `prepare` ended
      // publishes scheduled and queued as soon as the job is enqueued, before its claim can publish
      // running, and on the same connection.
      expect(states.slice(0, 4)).toEqual(expected.slice(0, 4));
      // The retry: the scheduler publishes scheduled then queued (the promotion, then the evaluation
      // that enqueues it), the worker running when it claims, on another connection: queued and
      // running may arrive in either order. The worker's own events keep theirs, and success (a
      // whole try after the scheduler's queued) is last.
      expect(states.slice(4).filter((s) => s === 'scheduled' || s === 'queued')).toEqual(['scheduled', 'queued']);
      expect(states.filter((s) => ['running', 'up_for_retry', 'success'].includes(s))).toEqual(['running', 'up_for_retry', 'running', 'success']);
      expect(states.at(-1)).toBe('success');
      expect(flaky.hits()).toBe(2);

      const run = await api.request<{ dagRun: { state: string; taskInstances: Array<{ taskId: string; state: string; tryNumber: number }> } }>(
        `query($id: ID!) { dagRun(id: $id) { state taskInstances { taskId state tryNumber } } }`,
        { id: runId },
      );
      const byTask = Object.fromEntries(run.dagRun.taskInstances.map((t) => [t.taskId, t]));
      expect(byTask.prepare).toMatchObject({ state: 'success', tryNumber: 1 });
      expect(byTask.call_service).toMatchObject({ state: 'success', tryNumber: 2 });
      expect(byTask.finish).toMatchObject({ state: 'success', tryNumber: 1 });

      // every try is recorded once, with its end state and error
      const tries = await stack.prisma.taskTry.findMany({
        where: { taskInstance: { dagRunId: runId, taskId: 'call_service' } },
        orderBy: { tryNumber: 'asc' },
      });
      expect(tries.map((t) => [t.tryNumber, t.state])).toEqual([
        [1, 'failed'],
        [2, 'success'],
      ]);
      expect(tries[0].error).toMatch(/500/);
      const logs = await stack.prisma.taskLog.findMany({ where: { taskInstance: { dagRunId: runId, taskId: 'call_service' } } });
      expect(logs.some((l) => l.tryNumber === 1 && /500/.test(l.message))).toBe(true);
      expect(logs.some((l) => l.tryNumber === 2 && /succeeded/.test(l.message))).toBe(true);
    } finally {
      await ws.dispose();
    }
  });
});
