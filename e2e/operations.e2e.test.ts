import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp, type GqlClient } from './support/graphql.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

describe('run operations through the API: clear, mark, cancel, backfill, logs and XCom', () => {
  let stack: Stack;
  let server: http.Server;
  let url: string;
  let calls = 0;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      calls++;
      res.writeHead(calls === 1 ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ call: calls }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    stack = await startStack({ name: 'operations' });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    await new Promise((r) => server.close(r));
  });

  const runState = (api: GqlClient, id: string) =>
    api.request<{ dagRun: { state: string; taskInstances: Array<{ id: string; taskId: string; state: string; tryNumber: number }> } }>(
      `query($id: ID!) { dagRun(id: $id) { state taskInstances { id taskId state tryNumber } } }`,
      { id },
    );
  const waitState = (api: GqlClient, id: string, states: string[]) =>
    waitFor(
      async () => {
        const r = await runState(api, id);
        return states.includes(r.dagRun.state) ? r.dagRun : null;
      },
      30_000,
      `run ${id} to reach ${states.join('|')}`,
    );

  it('clears a failed task with its downstream; logs and XCom of every try stay readable after the worker exits', async () => {
    const { client: api } = await signUp(stack.apiUrl, 'ops');
    await api.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
      s: {
        dagId: 'ops',
        tasks: [
          { taskId: 'call', type: 'http.request', with: { url } },
          { taskId: 'after', type: 'noop', dependsOn: ['call'] },
        ],
      },
    });
    const run = (await api.request<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "ops") { id } }`)).triggerDagRun;
    const failed = await waitState(api, run.id, ['failed', 'success']);
    expect(failed.state).toBe('failed');
    const call = failed.taskInstances.find((t) => t.taskId === 'call')!;

    const cleared = await api.request<{ clearTaskInstances: Array<{ taskId: string; state: string }> }>(
      `mutation($r: ID!) { clearTaskInstances(runId: $r, taskIds: ["call"], includeDownstream: true, onlyFailed: true) { taskId state } }`,
      { r: run.id },
    );
    expect(cleared.clearTaskInstances.map((t) => t.taskId).sort()).toEqual(['after', 'call']);
    const done = await waitState(api, run.id, ['success']);
    expect(done.taskInstances.find((t) => t.taskId === 'call')).toMatchObject({ state: 'success', tryNumber: 2 });

    // the worker is gone; the logs and XCom are in Postgres
    await Promise.all(stack.processes.filter((p) => p.name.startsWith('worker')).map((p) => p.stop()));
    const logs = async (tryNumber: number) =>
      (
        await api.request<{ taskLog: Array<{ message: string; tryNumber: number }> }>(
          `query($t: ID!, $n: Int) { taskLog(taskInstanceId: $t, tryNumber: $n) { message tryNumber } }`,
          { t: call.id, n: tryNumber },
        )
      ).taskLog;
    expect((await logs(1)).some((l) => /503/.test(l.message))).toBe(true);
    expect((await logs(2)).some((l) => /succeeded/.test(l.message))).toBe(true);
    const xcom = await api.request<{ xcom: Array<{ key: string; value: unknown; tryNumber: number }> }>(
      `query($t: ID!) { xcom(taskInstanceId: $t) { key value tryNumber } }`,
      { t: call.id },
    );
    expect(xcom.xcom).toEqual([{ key: 'return_value', value: { status: 200, body: { call: 2 } }, tryNumber: 2 }]);

    // another tenant can neither read nor act on any of it
    const { client: other } = await signUp(stack.apiUrl, 'ops-other');
    const codes = async (q: string, v: Record<string, unknown>) => (await other.raw(q, v)).errors?.map((e) => e.extensions?.code);
    expect(await codes(`query($t: ID!) { taskLog(taskInstanceId: $t) { message } }`, { t: call.id })).toEqual(['NOT_FOUND']);
    expect(await codes(`query($t: ID!) { xcom(taskInstanceId: $t) { key } }`, { t: call.id })).toEqual(['NOT_FOUND']);
    expect(await codes(`mutation($t: ID!) { markTaskInstance(id: $t, state: failed) { state } }`, { t: call.id })).toEqual(['NOT_FOUND']);
    expect(await codes(`mutation($r: ID!) { cancelDagRun(id: $r) { state } }`, { r: run.id })).toEqual(['NOT_FOUND']);
    expect(await codes(`mutation($r: ID!) { clearTaskInstances(runId: $r) { state } }`, { r: run.id })).toEqual(['NOT_FOUND']);
    await stack.startProcess('worker');
  });

  it('cancels a run and backfills a range', async () => {
    const { client: api } = await signUp(stack.apiUrl, 'ops2');
    await api.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
      s: { dagId: 'slow', schedule: '0 0 * * *', startDate: '2030-01-01T00:00:00', tasks: [{ taskId: 'wait', type: 'noop', with: { durationMs: 30_000 } }] },
    });
    const run = (await api.request<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "slow") { id } }`)).triggerDagRun;
    await waitFor(async () => (await runState(api, run.id)).dagRun.taskInstances[0].state === 'running', 20_000, 'the task to run');
    const canceled = await api.request<{ cancelDagRun: { state: string } }>(`mutation($r: ID!) { cancelDagRun(id: $r) { state } }`, { r: run.id });
    expect(canceled.cancelDagRun.state).toBe('canceled');
    expect((await runState(api, run.id)).dagRun.taskInstances[0].state).toBe('skipped');

    const backfill = await api.request<{ backfillDag: { created: Array<{ logicalDate: string; runType: string }>; skipped: number } }>(
      `mutation { backfillDag(dagId: "slow", from: "2026-01-01T00:00:00Z", to: "2026-01-03T00:00:00Z", reprocess: none) { created { logicalDate runType } skipped } }`,
    );
    expect(backfill.backfillDag.created.map((r) => [r.logicalDate, r.runType])).toEqual([
      ['2026-01-01T00:00:00.000Z', 'backfill'],
      ['2026-01-02T00:00:00.000Z', 'backfill'],
      ['2026-01-03T00:00:00.000Z', 'backfill'],
    ]);
    const bad = await api.raw(`mutation { backfillDag(dagId: "slow", from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { skipped } }`);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
