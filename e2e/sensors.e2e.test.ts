import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createS3Connection, startDataServices, type DataServices } from './support/data-services.js';
import { signUp, type GqlClient } from './support/graphql.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

const BUCKET = 'landing';

interface Ti {
  id: string;
  taskId: string;
  state: string;
  tryNumber: number;
}

/**
 * s3.keySensor in reschedule mode through the real scheduler and worker against s3rver: pokes hold
 * no worker slot, the timeout counts across reschedules and is final (no retry), softFail skips.
 */
describe('S3 key sensors (reschedule mode)', () => {
  let services: DataServices;
  let stack: Stack;
  let client: GqlClient;

  const sensor = (taskId: string, key: string, extra: Record<string, unknown> = {}) => ({
    taskId,
    type: 's3.keySensor',
    connection: 'lake',
    retries: 2,
    retryDelaySeconds: 1,
    with: { bucket: BUCKET, key, pokeIntervalSeconds: 1, timeoutSeconds: 4, mode: 'reschedule', ...extra },
  });

  async function trigger(spec: Record<string, unknown>): Promise<string> {
    await client.request('mutation($s:JSON!){ upsertDag(spec:$s){ dagId } }', { s: spec });
    const { triggerDagRun } = await client.request<{ triggerDagRun: { id: string } }>('mutation($d:String!){ triggerDagRun(dagId:$d){ id } }', {
      d: spec.dagId,
    });
    return triggerDagRun.id;
  }
  const tis = async (runId: string) =>
    (
      await client.request<{ dagRun: { state: string; taskInstances: Ti[] } }>(
        'query($id:ID!){ dagRun(id:$id){ state taskInstances { id taskId state tryNumber } } }',
        { id: runId },
      )
    ).dagRun;
  const finished = (runId: string, timeoutMs = 60_000) =>
    waitFor(
      async () => {
        const run = await tis(runId);
        return ['success', 'failed'].includes(run.state) ? run : null;
      },
      timeoutMs,
      `run ${runId}`,
      200,
    );

  beforeAll(async () => {
    services = await startDataServices([BUCKET]);
    stack = await startStack({ name: 'sensors', env: { WORKER_CONCURRENCY: '4', SCHEDULER_TICK_MS: '200' } });
    client = (await signUp(stack.apiUrl, 'sensors')).client;
    await createS3Connection(client, services);
  });

  afterAll(async () => {
    await stack?.stop();
    await services?.close();
  });

  it('finds a key uploaded between pokes and pushes the keys it found to XCom', async () => {
    const runId = await trigger({ dagId: 'sense_found', tasks: [sensor('wait', 'drop/*.csv', { wildcard: true, timeoutSeconds: 60 })] });
    await waitFor(
      async () => (await stack.prisma.taskInstance.findFirst({ where: { dagRunId: runId, rescheduleCount: { gte: 1 } } })) !== null,
      60_000,
      'a reschedule',
    );
    await services.put(BUCKET, 'drop/one.csv', 'a,b\n1,2\n');
    const run = await finished(runId);
    expect(run.state).toBe('success');
    const wait = run.taskInstances[0];
    expect(wait.tryNumber).toBe(1); // reschedules do not consume tries
    const xcom = await client.request<{ xcom: Array<{ key: string; value: unknown }> }>('query($id:ID!){ xcom(taskInstanceId:$id){ key value } }', {
      id: wait.id,
    });
    expect(xcom.xcom.find((x) => x.key === 'keys')?.value).toEqual(['drop/one.csv']);
  });

  it('times out across reschedules: failed, not retried despite retries=2 (softFail: skipped)', async () => {
    const started = Date.now();
    const runId = await trigger({ dagId: 'sense_timeout', tasks: [sensor('wait', 'never/there.csv')] });
    const run = await finished(runId);
    expect(run.state).toBe('failed');
    const wait = run.taskInstances[0];
    expect(wait).toMatchObject({ state: 'failed', tryNumber: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
    const tries = await stack.prisma.taskTry.findMany({ where: { taskInstanceId: wait.id } });
    expect(tries).toHaveLength(1);
    expect(tries[0].error).toMatch(/timed out|timeout/i);
    const log = await client.request<{ taskLog: Array<{ message: string }> }>('query($id:ID!){ taskLog(taskInstanceId:$id, tryNumber: 1){ message } }', {
      id: wait.id,
    });
    expect(log.taskLog.filter((l) => /^Poke \d+ of try 1/.test(l.message)).length).toBeGreaterThanOrEqual(2);

    const softRun = await trigger({
      dagId: 'sense_soft',
      tasks: [sensor('wait', 'never/there.csv', { softFail: true }), { taskId: 'after', type: 'noop', dependsOn: ['wait'] }],
    });
    const soft = await finished(softRun);
    expect(Object.fromEntries(soft.taskInstances.map((t) => [t.taskId, t.state]))).toEqual({ wait: 'skipped', after: 'skipped' });
    expect(soft.state).toBe('success');
  });

  it('200 sensors waiting in reschedule mode leave a 4-slot worker free for other work', async () => {
    const sensors = Array.from({ length: 200 }, (_, i) => sensor(`s${i}`, `missing/${i}.csv`, { pokeIntervalSeconds: 3, timeoutSeconds: 300 }));
    const waitingRun = await trigger({ dagId: 'many_sensors', maxActiveTasks: 200, tasks: sensors });
    await stack.prisma.tenant.updateMany({ data: { concurrencyQuota: 400 } });
    // Every sensor has poked at least once and is now waiting without a slot.
    await waitFor(
      async () => (await stack.prisma.taskInstance.count({ where: { dagRunId: waitingRun, rescheduleCount: { gte: 1 } } })) === 200,
      90_000,
      'all 200 sensors to poke once',
      500,
    );
    const workStarted = Date.now();
    const workRun = await trigger({
      dagId: 'real_work',
      tasks: [
        { taskId: 'a', type: 'noop' },
        { taskId: 'b', type: 'noop', dependsOn: ['a'] },
        { taskId: 'c', type: 'noop', dependsOn: ['b'] },
      ],
    });
    const work = await finished(workRun, 30_000);
    expect(work.state).toBe('success');
    const workSeconds = (Date.now() - workStarted) / 1000;
    // The sensors are still waiting (none timed out or got stuck running).
    const sensorStates = await stack.prisma.taskInstance.groupBy({ by: ['state'], where: { dagRunId: waitingRun }, _count: true });
    expect(sensorStates.every((s) => ['up_for_reschedule', 'scheduled', 'queued', 'running'].includes(s.state))).toBe(true);
    const running = await stack.prisma.taskInstance.count({ where: { dagRunId: waitingRun, state: 'running' } });
    // At most what the worker can hold at once: its default WORKER_LANES serve two lanes
    // (interactive and bulk), each up to WORKER_CONCURRENCY (4 here) tries, and a tenant's deep
    // backlog of sensors may fill both.
    const lanes = (stack.env.WORKER_LANES ?? 'interactive,bulk').split(',').length;
    expect(running).toBeLessThanOrEqual(Number(stack.env.WORKER_CONCURRENCY) * lanes);
    expect(workSeconds).toBeLessThan(30);
    await client.request('mutation($id:ID!){ cancelDagRun(id:$id){ state } }', { id: waitingRun });
  });
});
