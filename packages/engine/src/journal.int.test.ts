import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PrismaClient } from '@tower/db';
import { startEngineStack, type EngineStack } from './test-support/engine-stack.js';

interface Change {
  entityId: string;
  state: string;
  xid: string;
}

/**
 * The state-change journal is complete: a database trigger installed by this test (not by Tower)
 * shadows every state change of TaskInstance and DagRun, and each one must have its journal row,
 * written by the statement that made the change — the same transaction (xid) — with the event core
 * names for it. A compare-and-set added without its journal row fails here.
 */
describe('state-change journal (real Postgres + Redis)', () => {
  let stack: EngineStack;
  let prisma: PrismaClient;

  beforeAll(async () => {
    stack = await startEngineStack('journal');
    prisma = stack.prisma;
    await prisma.$executeRawUnsafe(`CREATE TABLE shadow ("entityId" uuid, state text, xid xid8 DEFAULT pg_current_xact_id())`);
    await prisma.$executeRawUnsafe(`CREATE FUNCTION shadow_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO shadow ("entityId", state) VALUES (NEW.id, NEW.state::text); RETURN NULL; END $$`);
    for (const table of ['TaskInstance', 'DagRun']) {
      await prisma.$executeRawUnsafe(`CREATE TRIGGER shadow_update AFTER UPDATE OF state ON "${table}" FOR EACH ROW
        WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION shadow_change()`);
    }
    await prisma.$executeRawUnsafe(`CREATE TRIGGER shadow_insert AFTER INSERT ON "DagRun" FOR EACH ROW EXECUTE FUNCTION shadow_change()`);
  });

  afterAll(async () => {
    await stack?.close();
  });

  /**
   * Both records, read in one statement (one snapshot): a change committed by an evaluation still
   * in flight is in both or in neither, so the comparison holds whatever is running.
   */
  async function bothRecords(): Promise<{ journal: string[]; shadow: string[] }> {
    const rows = await prisma.$queryRawUnsafe<Array<Change & { side: 'journal' | 'shadow' }>>(
      `SELECT 'journal' AS side, "entityId"::text, state, xid::text FROM "StateChange"
       UNION ALL SELECT 'shadow', "entityId"::text, state, xid::text FROM shadow`,
    );
    const of = (side: string) =>
      rows
        .filter((r) => r.side === side)
        .map((c) => `${c.entityId} ${c.state} ${c.xid}`)
        .sort();
    return { journal: of('journal'), shadow: of('shadow') };
  }

  async function history(entityId: string): Promise<Array<[string, string]>> {
    const rows = await prisma.$queryRawUnsafe<Array<{ state: string; event: string }>>(
      `SELECT state, event FROM "StateChange" WHERE "entityId" = $1::uuid ORDER BY id`,
      entityId,
    );
    return rows.map((r) => [r.state, r.event]);
  }

  it('records a run with a retry, a failure, an upstream failure and a skip: every change, in its transaction, with its event', async () => {
    const { run, tis } = await stack.runToEnd({
      dagId: 'journaled',
      tasks: [
        { taskId: 'ok', type: 'noop' },
        { taskId: 'boom', type: 'http.request', retries: 1, retryDelaySeconds: 1, with: { url: 'http://127.0.0.1:1/nothing-listens-here' } },
        { taskId: 'after_boom', type: 'noop', dependsOn: ['boom'] },
        { taskId: 'only_on_failure', type: 'noop', dependsOn: ['ok'], triggerRule: 'all_failed' },
      ],
    });
    expect(run.state).toBe('failed');
    const id = (taskId: string) => tis.find((t) => t.taskId === taskId)!.id;
    expect(await history(run.id)).toEqual([
      ['queued', 'create'],
      ['running', 'start'],
      ['failed', 'finish'],
    ]);
    expect(await history(id('ok'))).toEqual([
      ['scheduled', 'schedule'],
      ['queued', 'queue'],
      ['running', 'start'],
      ['success', 'succeed'],
    ]);
    expect(await history(id('boom'))).toEqual([
      ['scheduled', 'schedule'],
      ['queued', 'queue'],
      ['running', 'start'],
      ['up_for_retry', 'fail'],
      ['scheduled', 'schedule'],
      ['queued', 'queue'],
      ['running', 'start'],
      ['failed', 'fail'],
    ]);
    expect(await history(id('after_boom'))).toEqual([['upstream_failed', 'upstream_failed']]);
    expect(await history(id('only_on_failure'))).toEqual([['skipped', 'skip']]);
    const records = await bothRecords();
    expect(records.journal.length).toBeGreaterThan(0);
    expect(records.journal).toEqual(records.shadow);
  });

  it('records what users do: clear, mark, cancel, and the runs they reopen', async () => {
    const { engine, tenantId } = stack;
    const failed = await prisma.dagRun.findFirstOrThrow({ where: { tenantId, dagId: 'journaled' } });
    const boom = await prisma.taskInstance.findFirstOrThrow({ where: { dagRunId: failed.id, taskId: 'boom' } });
    await engine.operations.clearTaskInstances(tenantId, failed.id, { taskIds: ['boom'], includeDownstream: true, onlyFailed: true });
    // After its 8 changes of the first test (the evaluation that follows may already have moved it on).
    expect((await history(boom.id))[8]).toEqual(['none', 'clear']);
    expect((await history(failed.id))[3]).toEqual(['running', 'reopen']);
    // It fails again; marking the failure a success lets its downstream run.
    const deadline = Date.now() + 30_000;
    while ((await prisma.dagRun.findUniqueOrThrow({ where: { id: failed.id } })).state === 'running' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await engine.operations.markTaskInstance(tenantId, boom.id, 'success');
    expect((await history(boom.id)).slice(-1)).toEqual([['success', 'mark']]);

    await engine.dags.upsert(tenantId, { dagId: 'long', tasks: [{ taskId: 'wait', type: 'noop', with: { durationMs: 60_000 } }] });
    const long = await engine.runs.trigger(tenantId, 'long', {});
    const wait = await prisma.taskInstance.findFirstOrThrow({ where: { dagRunId: long.id } });
    while ((await prisma.taskInstance.findUniqueOrThrow({ where: { id: wait.id } })).state !== 'running' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await engine.operations.cancelDagRun(tenantId, long.id);
    expect((await history(wait.id)).slice(-1)).toEqual([['skipped', 'cancel']]);
    expect((await history(long.id)).slice(-1)).toEqual([['canceled', 'cancel']]);
    // A mark does not reopen a canceled run (its tasks were skipped by the cancel): it stays canceled.
    await engine.operations.markTaskInstance(tenantId, wait.id, 'success');
    expect((await history(wait.id)).slice(-1)).toEqual([['success', 'mark']]);
    expect((await prisma.dagRun.findUniqueOrThrow({ where: { id: long.id } })).state).toBe('canceled');

    const records = await bothRecords();
    expect(records.journal).toEqual(records.shadow);
  });
});
