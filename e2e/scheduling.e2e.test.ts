import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp } from './support/graphql.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

/** Local wall-clock string (no offset) in UTC, as a DAG spec's startDate. */
function localUtc(d: Date): string {
  return d.toISOString().slice(0, 19);
}

describe('cron scheduling with two scheduler replicas and two workers', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ name: 'cron', schedulers: 2, workers: 2 });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('creates exactly one run per due interval with the right data interval, and runs every try once', async () => {
    const { client } = await signUp(stack.apiUrl, 'cron');
    const minute = 60_000;
    const now = Date.now();
    const start = new Date(Math.floor(now / minute) * minute - 6 * minute);
    await client.request(`mutation($spec: JSON!) { upsertDag(spec: $spec) { dagId } }`, {
      spec: {
        dagId: 'every_minute',
        schedule: '* * * * *',
        timezone: 'UTC',
        startDate: localUtc(start),
        catchup: true,
        maxActiveRuns: 16,
        tasks: [
          { taskId: 'a', type: 'noop' },
          { taskId: 'b', type: 'noop', dependsOn: ['a'] },
        ],
      },
    });

    // intervals [start + k·1m, start + (k+1)·1m) that have ended by now: at least 6
    const runs = await waitFor(
      async () => {
        const rows = await stack.prisma.dagRun.findMany({ where: { dagId: 'every_minute' }, orderBy: { logicalDate: 'asc' } });
        return rows.length >= 6 && rows.every((r) => r.state === 'success') ? rows : null;
      },
      60_000,
      'six successful catch-up runs',
    );

    const logical = runs.map((r) => r.logicalDate.getTime());
    expect(new Set(logical).size).toBe(logical.length);
    runs.forEach((run, k) => {
      expect(run.runType).toBe('scheduled');
      expect(run.logicalDate.toISOString()).toBe(new Date(start.getTime() + k * minute).toISOString());
      expect(run.dataIntervalStart.toISOString()).toBe(run.logicalDate.toISOString());
      expect(run.dataIntervalEnd.getTime() - run.dataIntervalStart.getTime()).toBe(minute);
      // a run is created only once its interval has ended
      expect(run.queuedAt.getTime()).toBeGreaterThanOrEqual(run.dataIntervalEnd.getTime());
    });

    // no duplicate run at the SQL level either
    const dupRuns = await stack.prisma.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM (SELECT "logicalDate" FROM "DagRun" GROUP BY "tenantId", "dagPk", "logicalDate" HAVING count(*) > 1) d`;
    expect(Number(dupRuns[0].n)).toBe(0);

    // every task instance ran exactly one try, recorded once (the runs above: a run the scheduler
    // created since, at a minute boundary, may still be running)
    const tis = await stack.prisma.taskInstance.findMany({
      where: { dagId: 'every_minute', dagRunId: { in: runs.map((r) => r.id) } },
      include: { tries: true },
    });
    expect(tis.length).toBe(runs.length * 2);
    for (const ti of tis) {
      expect(ti.state).toBe('success');
      expect(ti.tryNumber).toBe(1);
      expect(ti.tries.map((t) => t.tryNumber)).toEqual([1]);
    }
    // both schedulers were alive the whole time
    expect(stack.processes.filter((p) => p.name.startsWith('scheduler')).every((p) => p.child.exitCode === null)).toBe(true);
  });
});
