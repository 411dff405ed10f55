import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { collect, GqlClient, signUp } from './support/graphql.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

describe('tenants are isolated', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ name: 'isolation' });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  async function keyFor(session: GqlClient): Promise<GqlClient> {
    const res = await session.request<{ createApiKey: { secret: string } }>(`mutation { createApiKey(name: "k", role: ADMIN) { secret } }`);
    return new GqlClient(stack.apiUrl, res.createApiKey.secret);
  }

  it("a second tenant's API key gets NOT_FOUND for the first tenant's DAG and runs, and its subscriptions see none of its events", async () => {
    const a = await keyFor((await signUp(stack.apiUrl, 'tenant-a')).client);
    const b = await keyFor((await signUp(stack.apiUrl, 'tenant-b')).client);

    await a.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
      s: {
        dagId: 'secret_pipeline',
        tasks: [
          { taskId: 'one', type: 'noop', with: { durationMs: 800 } },
          { taskId: 'two', type: 'noop', dependsOn: ['one'] },
        ],
      },
    });

    // B has a DAG of its own: its events on B's socket are the positive control.
    await b.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
      s: { dagId: 'b_pipeline', tasks: [{ taskId: 'b_one', type: 'noop', with: { durationMs: 300 } }] },
    });

    const wsA = a.ws();
    const wsB = b.ws();
    try {
      type RunUpdate = { dagRunUpdated: { id: string; state: string } };
      const seenByB = collect<unknown>(wsB, `subscription { dagRunUpdated { id dagId state } }`);
      const seenByA = collect<unknown>(wsA, `subscription { dagRunUpdated(dagId: "secret_pipeline") { id state } }`);
      await new Promise((r) => setTimeout(r, 300));

      const run = (await a.request<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "secret_pipeline") { id } }`)).triggerDagRun;
      const tiByB = collect<unknown>(wsB, `subscription($r: ID!) { taskInstanceUpdated(runId: $r) { id state } }`, { r: run.id });
      // The same socket of B, for B's own run: opened and answering (a refused or broken socket
      // would fail these, so "B heard nothing of A" below is not silence from a dead socket).
      const runB = (await b.request<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "b_pipeline") { id } }`)).triggerDagRun;
      const ownTiByB = collect<unknown>(wsB, `subscription($r: ID!) { taskInstanceUpdated(runId: $r) { taskId state } }`, { r: runB.id });

      await waitFor(
        async () =>
          (await a.request<{ dagRun: { state: string } }>(`query($id: ID!) { dagRun(id: $id) { state } }`, { id: run.id })).dagRun.state === 'success',
        30_000,
        "tenant A's run to succeed",
      );
      // A sees its own run's events: at least its last, success (the subscriptions were opened
      // 300 ms before the trigger, which does not guarantee they were ready for its first, queued).
      await waitFor(
        async () => (seenByA.items as RunUpdate[]).some((i) => i.dagRunUpdated.id === run.id && i.dagRunUpdated.state === 'success'),
        5_000,
        "tenant A's own success event",
      );

      // B's socket is open and hears B's own run and task instances…
      type TiUpdate = { taskInstanceUpdated: { taskId: string; state: string } };
      await waitFor(
        async () => (seenByB.items as RunUpdate[]).some((i) => i.dagRunUpdated.id === runB.id && i.dagRunUpdated.state === 'success'),
        30_000,
        "tenant B's own run events on B's socket",
      );
      await waitFor(
        async () => (ownTiByB.items as TiUpdate[]).some((i) => i.taskInstanceUpdated.taskId === 'b_one' && i.taskInstanceUpdated.state === 'success'),
        5_000,
        "tenant B's own task events on B's socket",
      );
      expect([seenByB.errors, ownTiByB.errors]).toEqual([[], []]);

      // …and none of A's: B's run-wide subscription got only B's runs, and A's run is NOT_FOUND to it.
      await new Promise((r) => setTimeout(r, 500));
      expect((seenByB.items as RunUpdate[]).filter((i) => i.dagRunUpdated.id !== runB.id)).toEqual([]);
      expect((seenByB.items as { dagRunUpdated: { dagId: string } }[]).every((i) => i.dagRunUpdated.dagId === 'b_pipeline')).toBe(true);
      expect(tiByB.items).toEqual([]);
      expect((tiByB.errors.flat() as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);

      const codes = async (query: string, variables?: Record<string, unknown>) => (await b.raw(query, variables)).errors?.map((e) => e.extensions?.code);
      expect(await codes(`query { dag(dagId: "secret_pipeline") { id } }`)).toEqual(['NOT_FOUND']);
      expect(await codes(`query($id: ID!) { dagRun(id: $id) { id } }`, { id: run.id })).toEqual(['NOT_FOUND']);
      expect(await codes(`query { dagRuns(dagId: "secret_pipeline") { totalCount } }`)).toEqual(['NOT_FOUND']);
      expect(await codes(`query { dagRuns(dagId: "secret_pipeline", runType: manual) { totalCount } }`)).toEqual(['NOT_FOUND']);
      // A's tries (with their rendered `with`) are A's only
      type Tis = { dagRun: { taskInstances: { id: string }[] } };
      const [ti] = (await a.request<Tis>(`query($id: ID!) { dagRun(id: $id) { taskInstances { id } } }`, { id: run.id })).dagRun.taskInstances;
      type Tries = { taskTries: { renderedWith: unknown }[] };
      const triesA = (await a.request<Tries>(`query($t: ID!) { taskTries(taskInstanceId: $t) { renderedWith } }`, { t: ti.id })).taskTries;
      expect(triesA.map((t) => t.renderedWith)).toEqual([{ durationMs: 800 }]);
      expect(await codes(`query($t: ID!) { taskTries(taskInstanceId: $t) { renderedWith } }`, { t: ti.id })).toEqual(['NOT_FOUND']);
      expect(await codes(`mutation { triggerDagRun(dagId: "secret_pipeline") { id } }`)).toEqual(['NOT_FOUND']);
      expect(await codes(`mutation { pauseDag(dagId: "secret_pipeline") { paused } }`)).toEqual(['NOT_FOUND']);
      const listB = await b.request<{ dags: { totalCount: number; edges: { node: { dagId: string } }[] } }>(
        `query { dags { totalCount edges { node { dagId } } } }`,
      );
      expect(listB.dags).toEqual({ totalCount: 1, edges: [{ node: { dagId: 'b_pipeline' } }] });

      // and A's data is untouched
      const stillA = await a.request<{ dag: { paused: boolean } }>(`query { dag(dagId: "secret_pipeline") { paused } }`);
      expect(stillA.dag.paused).toBe(false);
      expect(await stack.prisma.dagRun.count()).toBe(2);
      seenByA.dispose();
      seenByB.dispose();
      tiByB.dispose();
      ownTiByB.dispose();
    } finally {
      await wsA.dispose();
      await wsB.dispose();
    }
  });
});
