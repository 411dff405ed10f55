import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEngineStack, type EngineStack } from './test-support/engine-stack.js';

/** RunBatchReads.taskInstancesOfRuns (each run's task instances read as one JSON array) against the real Postgres. */
describe('task instances of many runs (real Postgres)', () => {
  let stack: EngineStack;

  beforeAll(async () => {
    stack = await startEngineStack('batch-reads');
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('reads every column as Prisma does (dates as Date), by run then taskId, the first `first` of each, and nothing of another tenant', async () => {
    const { engine, prisma, tenantId } = stack;
    const spec = {
      dagId: 'read_back',
      tasks: [
        { taskId: 'b', type: 'noop' },
        { taskId: 'a', type: 'noop' },
        { taskId: 'c', type: 'noop', dependsOn: ['a'] },
      ],
    };
    const one = (await stack.runToEnd(spec)).run;
    const two = (await stack.runToEnd(spec)).run;
    const missing = '00000000-0000-4000-8000-000000000000';
    const asPrisma = (runId: string) => prisma.taskInstance.findMany({ where: { dagRunId: runId }, orderBy: { taskId: 'asc' } });

    const all = await engine.batchReads.taskInstancesOfRuns(tenantId, [two.id, missing, one.id]);
    expect(all).toEqual([await asPrisma(two.id), [], await asPrisma(one.id)]);
    expect(all[0]![0]!.startedAt).toBeInstanceOf(Date);

    const firstTwo = await engine.batchReads.taskInstancesOfRuns(tenantId, [one.id, two.id], 2, ['state', 'endedAt']);
    for (const [i, run] of [one, two].entries()) {
      expect(firstTwo[i]).toEqual(
        (await asPrisma(run.id)).slice(0, 2).map((ti) => ({ dagRunId: ti.dagRunId, taskId: ti.taskId, state: ti.state, endedAt: ti.endedAt })),
      );
    }

    const other = await prisma.tenant.create({ data: { slug: `batch-reads-other-${Date.now()}`, name: 'other' } });
    expect(await engine.batchReads.taskInstancesOfRuns(other.id, [one.id], undefined, ['state'])).toEqual([[]]);
  });
});
