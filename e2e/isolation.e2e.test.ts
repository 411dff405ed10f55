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

    const wsA = a.ws();
    const wsB = b.ws();
    try {
      const seenByB = collect<unknown>(wsB, `subscription { dagRunUpdated { id dagId state } }`);
      const seenByA = collect<unknown>(wsA, `subscription { dagRunUpdated(dagId: "secret_pipeline") { id state } }`);
      await new Promise((r) => setTimeout(r, 300));

      const run = (await a.request<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "secret_pipeline") { id } }`)).triggerDagRun;
      const tiByB = collect<unknown>(wsB, `subscription($r: ID!) { taskInstanceUpdated(runId: $r) { id state } }`, { r: run.id });

      await waitFor(
        async () =>
          (await a.request<{ dagRun: { state: string } }>(`query($id: ID!) { dagRun(id: $id) { state } }`, { id: run.id })).dagRun.state === 'success',
        30_000,
        "tenant A's run to succeed",
      );
      // A sees its own run's events: at least its last, success (the subscriptions were opened
      // 300 ms before the trigger, which does not guarantee they were ready for its first, queued).
      type RunUpdate = { dagRunUpdated: { id: string; state: string } };
      await waitFor(
        async () => (seenByA.items as RunUpdate[]).some((i) => i.dagRunUpdated.id === run.id && i.dagRunUpdated.state === 'success'),
        5_000,
        "tenant A's own success event",
      );

      // B sees none of A's events
      await new Promise((r) => setTimeout(r, 500));
      expect(seenByB.items).toEqual([]);
      expect(tiByB.items).toEqual([]);

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
      const listB = await b.request<{ dags: { totalCount: number } }>(`query { dags { totalCount } }`);
      expect(listB.dags.totalCount).toBe(0);

      // and A's data is untouched
      const stillA = await a.request<{ dag: { paused: boolean } }>(`query { dag(dagId: "secret_pipeline") { paused } }`);
      expect(stillA.dag.paused).toBe(false);
      expect(await stack.prisma.dagRun.count()).toBe(1);
      seenByA.dispose();
      seenByB.dispose();
      tiByB.dispose();
    } finally {
      await wsA.dispose();
      await wsB.dispose();
    }
  });
});
