import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PrismaClient } from '@tower/db';
import type { Engine } from './index.js';
import { startEngineStack, type EngineStack } from './test-support/engine-stack.js';

const DAY = 86_400_000;

/**
 * The runs list the DAG page's grid reads (filters by state, run type and logical-date range, with
 * offset paging), against the real Postgres.
 */
describe('run list filters (real Postgres)', () => {
  let stack: EngineStack;
  let prisma: PrismaClient;
  let engine: Engine;
  let tenantId: string;
  let otherTenantId: string;
  const start = Date.parse('2026-01-01T00:00:00Z');

  beforeAll(async () => {
    stack = await startEngineStack('run-list');
    ({ prisma, engine, tenantId } = stack);
    otherTenantId = (await prisma.tenant.create({ data: { slug: `run-list-other-${Date.now()}`, name: 'Other' } })).id;
    await engine.dags.upsert(tenantId, {
      dagId: 'listed',
      tasks: [
        { taskId: 'a', type: 'noop' },
        { taskId: 'b', type: 'noop', dependsOn: ['a'] },
      ],
    });
    await engine.dags.setPaused(tenantId, 'listed', true);
    const dag = await prisma.dag.findFirstOrThrow({ where: { tenantId, dagId: 'listed' } });
    const version = await prisma.dagVersion.findFirstOrThrow({ where: { dagPk: dag.id } });
    // 12 days: every third a backfill, every fourth a manual run, the rest scheduled; day 5 failed.
    const types = (i: number) => (i % 3 === 0 ? 'backfill' : i % 4 === 0 ? 'manual' : 'scheduled') as 'backfill' | 'manual' | 'scheduled';
    await prisma.dagRun.createMany({
      data: Array.from({ length: 12 }, (_, i) => ({
        tenantId,
        dagPk: dag.id,
        dagId: 'listed',
        dagVersionId: version.id,
        dagVersion: 1,
        runId: `${types(i)}__${i}`,
        runType: types(i),
        state: i === 5 ? ('failed' as const) : ('success' as const),
        logicalDate: new Date(start + i * DAY),
        dataIntervalStart: new Date(start + i * DAY),
        dataIntervalEnd: new Date(start + (i + 1) * DAY),
      })),
    });
    const runs = await prisma.dagRun.findMany({ where: { tenantId, dagId: 'listed' } });
    await prisma.taskInstance.createMany({
      data: runs.flatMap((run) =>
        ['b', 'a'].map((taskId) => ({
          tenantId,
          dagRunId: run.id,
          dagId: 'listed',
          taskId,
          operator: 'noop',
          state: run.state === 'failed' ? ('failed' as const) : ('success' as const),
        })),
      ),
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const days = (items: { logicalDate: Date }[]) => items.map((r) => (r.logicalDate.getTime() - start) / DAY);

  it('filters by run type, logical-date range and state, newest first, with exact counts and offsets', async () => {
    const all = await engine.runs.list(tenantId, 'listed', { offset: 0, limit: 50 });
    expect(all.totalCount).toBe(12);
    expect(days(all.items)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    // Whole rows, as Prisma reads them (dates as Date, params as an object).
    expect(all.items).toEqual(await prisma.dagRun.findMany({ where: { tenantId, dagId: 'listed' }, orderBy: { logicalDate: 'desc' } }));

    // A keyset page: after day 8, with a filter and an offset on top.
    const cursor = all.items[3]!;
    const after = await engine.runs.list(tenantId, 'listed', { after: { logicalDate: cursor.logicalDate, id: cursor.id }, offset: 1, limit: 3 });
    expect([after.totalCount, days(after.items)]).toEqual([12, [6, 5, 4]]);
    const afterBackfills = await engine.runs.list(tenantId, 'listed', {
      runType: 'backfill',
      after: { logicalDate: cursor.logicalDate, id: cursor.id },
      offset: 0,
      limit: 5,
    });
    expect([afterBackfills.totalCount, days(afterBackfills.items)]).toEqual([4, [6, 3, 0]]);

    const backfills = await engine.runs.list(tenantId, 'listed', { runType: 'backfill', offset: 0, limit: 50 });
    expect([backfills.totalCount, days(backfills.items)]).toEqual([4, [9, 6, 3, 0]]);
    const manual = await engine.runs.list(tenantId, 'listed', { runType: 'manual', offset: 1, limit: 1 });
    expect([manual.totalCount, days(manual.items)]).toEqual([2, [4]]);

    // [from, to): day 3 included, day 7 not
    const range = await engine.runs.list(tenantId, 'listed', {
      logicalDateFrom: new Date(start + 3 * DAY),
      logicalDateTo: new Date(start + 7 * DAY),
      offset: 0,
      limit: 50,
    });
    expect([range.totalCount, days(range.items)]).toEqual([4, [6, 5, 4, 3]]);
    const openEnded = await engine.runs.list(tenantId, 'listed', { logicalDateFrom: new Date(start + 10 * DAY), offset: 0, limit: 50 });
    expect(days(openEnded.items)).toEqual([11, 10]);

    const scheduledFailed = await engine.runs.list(tenantId, 'listed', {
      runType: 'scheduled',
      state: 'failed',
      logicalDateTo: new Date(start + 6 * DAY),
      offset: 0,
      limit: 50,
    });
    expect([scheduledFailed.totalCount, days(scheduledFailed.items)]).toEqual([1, [5]]);
    // another tenant has no such DAG, filters or not
    await expect(engine.runs.list(otherTenantId, 'listed', { runType: 'backfill', offset: 0, limit: 50 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
