import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp, type GqlClient } from './support/graphql.js';
import { getRun, runFinished } from './support/runs.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

/**
 * deleteDag with the real scheduler and worker: a forced delete while a try is running stops it and
 * removes everything, and the worker and scheduler carry on with other DAGs as if nothing happened.
 */
describe('deleteDag on a live platform', () => {
  let stack: Stack;
  let api: GqlClient;

  beforeAll(async () => {
    stack = await startStack({ name: 'delete-dag' });
    api = (await signUp(stack.apiUrl, 'delete-dag')).client;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('force-deletes a DAG with a running try; the worker stops it and keeps serving other DAGs', async () => {
    const upsert = (s: object) => api.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, { s });
    await upsert({
      dagId: 'long_one',
      tasks: [
        { taskId: 'sleep', type: 'noop', with: { durationMs: 60_000 } },
        { taskId: 'after', type: 'noop', dependsOn: ['sleep'] },
      ],
    });
    await upsert({ dagId: 'short_one', tasks: [{ taskId: 'quick', type: 'noop' }] });
    const trigger = async (dagId: string) =>
      (await api.request<{ triggerDagRun: { id: string } }>(`mutation($d: String!) { triggerDagRun(dagId: $d) { id } }`, { d: dagId })).triggerDagRun.id;

    const long = await trigger('long_one');
    await waitFor(
      async () => (await getRun(api, long)).taskInstances.find((t) => t.taskId === 'sleep' && t.state === 'running'),
      60_000,
      'the long try running',
    );

    const refused = await api.raw(`mutation { deleteDag(dagId: "long_one") { dagId } }`);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', details: { reason: 'ACTIVE_RUNS' } });

    const { deleteDag } = await api.request<{ deleteDag: { canceledRuns: number; deletedRuns: number } }>(
      `mutation { deleteDag(dagId: "long_one", force: true) { canceledRuns deletedRuns } }`,
    );
    expect(deleteDag).toEqual({ canceledRuns: 1, deletedRuns: 1 });
    expect((await api.raw(`query($id: ID!) { dagRun(id: $id) { id } }`, { id: long })).errors?.[0].extensions?.code).toBe('NOT_FOUND');

    // The worker was told to stop the try: it ends long before its 60 s sleep would (no try finished before this one).
    const worker = stack.processes.find((p) => p.name.startsWith('worker'))!;
    await worker.waitForLog('try finished', 20_000);
    const quick = await trigger('short_one');
    expect((await runFinished(api, quick, 45_000)).state).toBe('success');
    const rows = await stack.prisma.taskInstance.count({ where: { dagRunId: long } });
    expect(rows).toBe(0);
    // The scheduler keeps ticking with the DAG gone (no error loop): a re-created DAG of the same id runs.
    await upsert({ dagId: 'long_one', tasks: [{ taskId: 'again', type: 'noop' }] });
    expect((await runFinished(api, await trigger('long_one'), 45_000)).state).toBe('success');
  });
});
