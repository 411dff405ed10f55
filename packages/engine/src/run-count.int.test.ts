import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sqlOf, type PrismaClient, type Sql } from '@tower/db';
import type { Engine } from './index.js';
import { insertRuns, type RunToInsert } from './run-insert.js';
import { startEngineStack, type EngineStack } from './test-support/engine-stack.js';

const DAY = 86_400_000;

/**
 * DagRunCount, the per-DAG run count `dagRuns`' totalCount reads (migration
 * 20261207173208_dag_run_count): kept by triggers on DagRun, whoever inserts or deletes runs, and
 * exact under concurrent writers.
 */
describe('DAG run counts (real Postgres)', () => {
  let stack: EngineStack;
  let prisma: PrismaClient;
  let engine: Engine;
  let sql: Sql;
  let tenantId: string;

  beforeAll(async () => {
    stack = await startEngineStack('run-count');
    ({ prisma, engine, tenantId } = stack);
    sql = sqlOf(prisma);
  });

  afterAll(async () => {
    await stack?.close();
  });

  /** Every DAG's counter next to a count of its runs (a DAG without a counter row reads 0). */
  async function counts(): Promise<Array<{ dagPk: string; kept: number; actual: number }>> {
    return sql.query(
      `SELECT d.id AS "dagPk", coalesce(c.runs, 0)::int AS kept, (SELECT count(*) FROM "DagRun" r WHERE r."dagPk" = d.id)::int AS actual
         FROM "Dag" d LEFT JOIN "DagRunCount" c ON c."dagPk" = d.id ORDER BY d.id`,
    );
  }

  async function dag(dagId: string) {
    await engine.dags.upsert(tenantId, { dagId, schedule: '@daily', startDate: '2026-01-01T00:00:00Z', tasks: [{ taskId: 'a', type: 'noop' }] });
    await engine.dags.setPaused(tenantId, dagId, true);
    const row = await prisma.dag.findFirstOrThrow({ where: { tenantId, dagId }, include: { versions: true } });
    return { dagPk: row.id, dagId, versionId: row.versions[0]!.id };
  }

  const input = (d: Awaited<ReturnType<typeof dag>>, at: number): RunToInsert => ({
    tenantId,
    dagPk: d.dagPk,
    dagId: d.dagId,
    versionId: d.versionId,
    version: 1,
    runType: 'manual',
    runId: `manual__${at}`,
    logicalDate: new Date(at),
    dataIntervalStart: new Date(at),
    dataIntervalEnd: new Date(at),
    params: {},
  });

  it("counts every insert and delete of runs, by the engine or by plain SQL, and dagRuns' totalCount reads it", async () => {
    const a = await dag('counted-a');
    const b = await dag('counted-b');
    // The engine's paths: manual triggers (one statement for concurrent ones) and a backfill.
    await Promise.all([1, 2, 3].map((d) => engine.runs.trigger(tenantId, 'counted-a', {}, new Date(Date.UTC(2026, 2, d)))));
    await engine.runs.trigger(tenantId, 'counted-a', {}, new Date(Date.UTC(2026, 2, 1))).catch(() => undefined); // exists: not counted again
    await engine.backfills.backfill(tenantId, 'counted-b', new Date('2026-01-01T00:00:00Z'), new Date('2026-01-05T00:00:00Z'), 'none');
    // Any other writer: Prisma's createMany, a raw delete (retention's is one such statement).
    const version = await prisma.dagVersion.findFirstOrThrow({ where: { dagPk: a.dagPk } });
    await prisma.dagRun.createMany({
      data: [10, 11].map((d) => ({
        tenantId,
        dagPk: a.dagPk,
        dagId: a.dagId,
        dagVersionId: version.id,
        dagVersion: 1,
        runId: `seeded__${d}`,
        runType: 'manual' as const,
        logicalDate: new Date(Date.UTC(2026, 2, d)),
        dataIntervalStart: new Date(Date.UTC(2026, 2, d)),
        dataIntervalEnd: new Date(Date.UTC(2026, 2, d)),
      })),
    });
    await sql.query(`DELETE FROM "DagRun" WHERE "dagPk" = $1 AND "logicalDate" < '2026-01-03'`, [b.dagPk]);

    // The scheduler of the stack may have created one scheduled run of each DAG before it was
    // paused (its latest interval, months after these): counted like any other.
    const after = await counts();
    const of = (d: { dagPk: string }) => after.find((c) => c.dagPk === d.dagPk)!;
    expect(of(a).kept).toBe(of(a).actual);
    expect(of(b).kept).toBe(of(b).actual);
    expect([5, 6]).toContain(of(a).actual); // 3 triggered + 2 seeded
    expect([3, 4]).toContain(of(b).actual); // 5 backfilled − 2 deleted
    expect((await engine.runs.list(tenantId, 'counted-a', { offset: 0, limit: 2 })).totalCount).toBe(of(a).actual);
    expect((await engine.runs.list(tenantId, 'counted-b', { offset: 2, limit: 2 })).totalCount).toBe(of(b).actual);
    // A filter is counted, not read from the counter.
    const jan = { logicalDateFrom: new Date('2026-01-04T00:00:00Z'), logicalDateTo: new Date('2026-01-10T00:00:00Z') };
    expect((await engine.runs.list(tenantId, 'counted-b', { offset: 0, limit: 10, ...jan })).totalCount).toBe(2);
    // Without one, totalCount is the counter's, not a count (a counter set wrong shows through).
    await sql.query(`UPDATE "DagRunCount" SET runs = runs + 1000 WHERE "dagPk" = $1`, [a.dagPk]);
    expect((await engine.runs.list(tenantId, 'counted-a', { offset: 0, limit: 2 })).totalCount).toBe(of(a).actual + 1000);
    await sql.query(`UPDATE "DagRunCount" SET runs = runs - 1000 WHERE "dagPk" = $1`, [a.dagPk]);

    // deleteDag: the runs and the counter go (the counter with its DAG).
    await engine.dags.delete(tenantId, 'counted-b', true);
    expect(await prisma.dagRunCount.findUnique({ where: { dagPk: b.dagPk } })).toBeNull();
    expect((await counts()).every((c) => c.kept === c.actual)).toBe(true);
  });

  it('stays exact under concurrent statements adding and deleting runs of the same DAGs in opposite orders, with no deadlock', async () => {
    const x = await dag('raced-x');
    const y = await dag('raced-y');
    const start = Date.UTC(2027, 0, 1);
    // 40 statements, each adding a run to both DAGs, half listing x first and half y first.
    const adds = Array.from({ length: 40 }, (_, i) => {
      const runs = [input(x, start + i * DAY), input(y, start + i * DAY)];
      return sql.transaction((tx) => insertRuns(tx.query, i % 2 ? runs : runs.reverse(), new Date()));
    });
    // Meanwhile, deletes of both DAGs' earlier runs in one statement each.
    const deletes = Array.from({ length: 10 }, (_, i) =>
      sql.query(`DELETE FROM "DagRun" WHERE "dagPk" = ANY($1::uuid[]) AND "logicalDate" = $2`, [[y.dagPk, x.dagPk], new Date(start + i * 2 * DAY)]),
    );
    const settled = await Promise.allSettled([...adds, ...deletes]);
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    const byDag = new Map((await counts()).map((c) => [c.dagPk, c]));
    for (const d of [x, y]) {
      const c = byDag.get(d.dagPk)!;
      expect(c.kept).toBe(c.actual);
      expect(c.actual).toBeGreaterThanOrEqual(30); // 40 added, at most 10 deleted (a delete may come first)
    }
    expect((await engine.runs.list(tenantId, 'raced-x', { offset: 0, limit: 1 })).totalCount).toBe(byDag.get(x.dagPk)!.actual);
  });

  it('truncating the runs empties the counts', async () => {
    // Last: it empties the table for every test above.
    await sql.query(`TRUNCATE "DagRun" CASCADE`);
    expect(await prisma.dagRunCount.count()).toBe(0);
    expect((await counts()).every((c) => c.kept === 0 && c.actual === 0)).toBe(true);
  });
});
