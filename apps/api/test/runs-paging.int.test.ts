import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ok, startTestApi, uniqueEmail, type TestApi } from './support/test-api.js';

const SIGN_UP = `mutation($email: String!, $tenantName: String!) { signUp(email: $email, password: "correct-horse-battery", tenantName: $tenantName) { token } }`;
const RUNS = `query($dagId: String!, $first: Int, $offset: Int, $after: String) {
  dagRuns(dagId: $dagId, first: $first, offset: $offset, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { logicalDate } } }
}`;

type Runs = { dagRuns: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { logicalDate: string } }[] } };

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi('runs-paging');
});
afterAll(async () => {
  await t?.stop();
});

async function tenant(label: string): Promise<string> {
  return ok(await t.gql<{ signUp: { token: string } }>(SIGN_UP, { email: uniqueEmail(label), tenantName: label })).signUp.token;
}

describe('dagRuns(offset)', () => {
  it("opens any page of a DAG's runs at once (the web grid's jump to the oldest), in its tenant only", async () => {
    const token = await tenant('paging');
    ok(await t.gql(`mutation { upsertDag(spec: { dagId: "paged", tasks: [{ taskId: "a", type: "noop" }] }) { dagId } }`, {}, token));
    const days = ['01', '02', '03', '04', '05'];
    for (const d of days)
      ok(await t.gql(`mutation($at: DateTime) { triggerDagRun(dagId: "paged", logicalDate: $at) { id } }`, { at: `2026-01-${d}T00:00:00.000Z` }, token));

    const oldest = ok(await t.gql<Runs>(RUNS, { dagId: 'paged', first: 2, offset: 3 }, token)).dagRuns;
    expect(oldest.edges.map((e) => e.node.logicalDate.slice(0, 10))).toEqual(['2026-01-02', '2026-01-01']);
    expect(oldest.totalCount).toBe(5);
    expect(oldest.pageInfo.hasNextPage).toBe(false);

    // the same page as walking with cursors
    const first = ok(await t.gql<Runs>(RUNS, { dagId: 'paged', first: 3 }, token)).dagRuns;
    const next = ok(await t.gql<Runs>(RUNS, { dagId: 'paged', first: 2, after: first.pageInfo.endCursor }, token)).dagRuns;
    expect(next.edges).toEqual(oldest.edges);

    const both = await t.gql(RUNS, { dagId: 'paged', offset: 1, after: first.pageInfo.endCursor }, token);
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const negative = await t.gql(RUNS, { dagId: 'paged', offset: -1 }, token);
    expect(negative.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const other = await tenant('paging-other');
    const foreign = await t.gql<Runs>(RUNS, { dagId: 'paged', offset: 0 }, other);
    // Another tenant's DAG does not exist for this caller: NOT_FOUND, no runs.
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(foreign.data?.dagRuns ?? null).toBeNull();
  });

  it('pages a long log with afterId and first, oldest first, and refuses a bad page', async () => {
    const token = await tenant('log-paging');
    ok(await t.gql(`mutation { upsertDag(spec: { dagId: "logged", tasks: [{ taskId: "a", type: "noop" }] }) { dagId } }`, {}, token));
    const { triggerDagRun } = ok(
      await t.gql<{ triggerDagRun: { id: string; dagId: string } }>(`mutation { triggerDagRun(dagId: "logged") { id dagId } }`, {}, token),
    );
    const run = await t.db.prisma.dagRun.findUniqueOrThrow({ where: { id: triggerDagRun.id } });
    const ti = await t.db.prisma.taskInstance.upsert({
      where: { dagRunId_taskId: { dagRunId: run.id, taskId: 'a' } },
      create: { tenantId: run.tenantId, dagRunId: run.id, dagId: 'logged', taskId: 'a', operator: 'noop', tryNumber: 1 },
      update: { tryNumber: 1 },
    });
    await t.db.prisma.taskLog.createMany({
      data: Array.from({ length: 25 }, (_, i) => ({ tenantId: run.tenantId, taskInstanceId: ti.id, tryNumber: 1, message: `line ${i}` })),
    });

    const LOG = `query($ti: ID!, $after: ID, $first: Int) { taskLog(taskInstanceId: $ti, afterId: $after, first: $first) { id message } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const taskLog: { id: string; message: string }[] = ok(
        await t.gql<{ taskLog: { id: string; message: string }[] }>(LOG, { ti: ti.id, after, first: 10 }, token),
      ).taskLog;
      seen.push(...taskLog.map((l) => l.message));
      if (taskLog.length < 10) break;
      after = taskLog.at(-1)!.id;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `line ${i}`));

    expect((await t.gql(LOG, { ti: ti.id, first: 0 }, token)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(LOG, { ti: ti.id, after: 'x' }, token)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const other = await tenant('log-paging-other');
    expect((await t.gql(LOG, { ti: ti.id, first: 5 }, other)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
