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

describe('keyset pages under concurrent inserts', () => {
  it('pages dagRuns and the audit log while runs are triggered: no item seen twice, none that existed missed', async () => {
    const token = await tenant('concurrent-paging');
    ok(await t.gql(`mutation { upsertDag(spec: { dagId: "busy", tasks: [{ taskId: "a", type: "noop" }] }) { dagId } }`, {}, token));
    const trigger = (at: string) =>
      t.gql<{ triggerDagRun: { id: string } }>(`mutation($at: DateTime) { triggerDagRun(dagId: "busy", logicalDate: $at) { id } }`, { at }, token);
    const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();
    for (let d = 0; d < 40; d++) ok(await trigger(day(d)));

    type RunsPage = { dagRuns: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string } }[] } };
    type AuditPage = { auditLog: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string } }[] } };
    const before = {
      runs: (await t.db.prisma.dagRun.findMany({ where: { dagId: 'busy' }, select: { id: true } })).map((r) => r.id),
      audit: (
        await t.gql<AuditPage>(`{ auditLog(first: 200) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`, {}, token)
      ).data!.auditLog.edges.map((e) => e.node.id),
    };
    expect(before.runs).toHaveLength(40);

    // Runs keep arriving while the pages are read: newer ones (ahead of the cursor) and older ones.
    let inserting = true;
    let inserted = 0;
    const inserter = (async () => {
      for (let n = 0; inserting; n++) {
        ok(await trigger(day(n % 2 ? 100 + n : -1 - n)));
        inserted++;
      }
    })();

    async function walk<P>(query: string, pick: (p: P) => { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string } }[] }) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 100; pages++) {
        const page = pick(ok(await t.gql<P>(query, { after }, token)));
        seen.push(...page.edges.map((e) => e.node.id));
        // Let inserts land between pages.
        await new Promise((r) => setTimeout(r, 30));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      return seen;
    }
    const runs = await walk<RunsPage>(
      `query($after: String) { dagRuns(dagId: "busy", first: 7, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
      (p) => p.dagRuns,
    );
    const audit = await walk<AuditPage>(
      `query($after: String) { auditLog(first: 7, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
      (p) => p.auditLog,
    );
    inserting = false;
    await inserter;
    console.log(`paged ${runs.length} runs and ${audit.length} audit entries while ${inserted} runs were triggered`);

    expect(inserted).toBeGreaterThan(3);
    for (const [name, seen, existed] of [
      ['dagRuns', runs, before.runs],
      ['auditLog', audit, before.audit],
    ] as const) {
      expect({ name, duplicates: seen.filter((id, i) => seen.indexOf(id) !== i) }).toEqual({ name, duplicates: [] });
      expect({ name, missing: existed.filter((id) => !seen.includes(id)) }).toEqual({ name, missing: [] });
    }
  }, 120_000);
});
