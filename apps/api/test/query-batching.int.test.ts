import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ok, startTestApi, uniqueEmail, type TestApi } from './support/test-api.js';

/**
 * No N+1: the nested lists of a page (runs' task instances, DAGs' recent runs and specs) are read
 * in one statement per kind, so the number of SQL statements a page costs does not grow with it.
 * Statements are counted where every one passes: node-postgres' Client#query, which both Prisma's
 * adapter and the engine's SQL layer call.
 */
let t: TestApi;
let token: string;
let otherToken: string;

const TASKS = ['extract', 'transform', 'load'];

beforeAll(async () => {
  t = await startTestApi('query-batching');
  const signUp = async (label: string) =>
    ok(
      await t.gql<{ signUp: { token: string } }>(
        `mutation($e: String!) { signUp(email: $e, password: "correct-horse-battery", tenantName: "batching") { token } }`,
        {
          e: uniqueEmail(label),
        },
      ),
    ).signUp.token;
  token = await signUp('batching');
  otherToken = await signUp('batching-other');
  // Two tenants with DAGs of the same ids: a batch must not mix their rows.
  for (const [tk, dags] of [
    [token, 8],
    [otherToken, 2],
  ] as const) {
    for (let d = 0; d < dags; d++) {
      const dagId = `dag_${d}`;
      const tasks = TASKS.map((taskId, i) => ({ taskId, type: 'noop', ...(i ? { dependsOn: [TASKS[i - 1]] } : {}) }));
      ok(await t.gql(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, { s: { dagId, tasks } }, tk));
      const runs = d === 0 ? 24 : 2;
      for (let r = 1; r <= runs; r++)
        ok(
          await t.gql(
            `mutation($d: String!, $at: DateTime) { triggerDagRun(dagId: $d, logicalDate: $at) { id } }`,
            { d: dagId, at: new Date(Date.UTC(2026, 0, r)).toISOString() },
            tk,
          ),
        );
    }
  }
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

/** Every SQL statement sent while `fn` runs. */
async function statementsOf<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0] as string | { text?: string };
    statements.push((typeof q === 'string' ? q : (q?.text ?? '?')).replace(/\s+/g, ' '));
    return original.apply(this, args);
  };
  try {
    return { result: await fn(), statements };
  } finally {
    proto.query = original;
  }
}

/**
 * Waits until the API sends nothing on its own for 300 ms: triggered runs are started in the
 * background (group commits), and their statements must not land in a page's count.
 */
async function quiet(): Promise<void> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
    if (!(await statementsOf(() => new Promise((r) => setTimeout(r, 300)))).statements.length) return;
  }
  throw new Error('the API kept sending statements for 15 s');
}

const short = (statements: string[]) => statements.map((st) => st.slice(0, 120)).join('\n');

/** Every statement of one request, sent once the API is quiet. */
async function measured<T>(fn: () => Promise<T>) {
  await quiet();
  return statementsOf(fn);
}

type RunsPage = { dagRuns: { edges: { node: { id: string; logicalDate: string; taskInstances: { taskId: string; state: string }[] } }[] } };
type DagsPage = {
  dags: {
    edges: {
      node: { dagId: string; taskIds: string[]; spec: { dagId: string }; recentRuns: { id: string; dagId: string; taskInstances: { taskId: string }[] }[] };
    }[];
  };
};

describe('a page costs the same number of statements however long it is', () => {
  it('dagRuns with their task instances', async () => {
    const RUNS = `query($first: Int) { dagRuns(dagId: "dag_0", first: $first) { edges { node { id logicalDate taskInstances { taskId state } } } } }`;
    const page = (first: number) => measured(async () => ok(await t.gql<RunsPage>(RUNS, { first }, token)));
    const small = await page(2);
    const large = await page(24);
    console.log(
      `dagRuns: ${small.statements.length} statements for 2 runs, ${large.statements.length} for 24:\n${short(large.statements)}\n(2 runs:)\n${short(small.statements)}`,
    );
    expect(small.statements.length).toBeGreaterThan(0); // counted at all (a wrapper once hid them: 0 = 0 passed)
    expect(large.result.dagRuns.edges).toHaveLength(24);
    for (const { node } of large.result.dagRuns.edges) expect(node.taskInstances.map((ti) => ti.taskId).sort()).toEqual([...TASKS].sort());
    expect(large.statements.length).toBe(small.statements.length);
  });

  it('dagRuns with the first task instances of each run (taskInstances(first:)), and a refused first', async () => {
    const RUNS = `query($first: Int, $tis: Int) { dagRuns(dagId: "dag_0", first: $first) { edges { node { id taskInstances(first: $tis) { taskId } } } } }`;
    const page = (first: number) => measured(async () => ok(await t.gql<RunsPage>(RUNS, { first, tis: 2 }, token)));
    const small = await page(2);
    const large = await page(24);
    expect(small.statements.length).toBeGreaterThan(0);
    const firstTwo = [...TASKS].sort().slice(0, 2);
    for (const { node } of large.result.dagRuns.edges) expect(node.taskInstances.map((ti) => ti.taskId)).toEqual(firstTwo);
    expect(large.statements.length).toBe(small.statements.length);
    const refused = await t.gql(RUNS, { first: 1, tis: 0 }, token);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'first' });
  });

  it('reads only the columns of the task instance fields asked for (through aliases and fragments)', async () => {
    const RUNS = `query { dagRuns(dagId: "dag_0", first: 3) { edges { node { id taskInstances { ...F ... on TaskInstance { tryNumber } began: startedAt __typename } } } } }
      fragment F on TaskInstance { taskId state }`;
    type Page = {
      dagRuns: { edges: { node: { taskInstances: { taskId: string; state: string; tryNumber: number; began: string | null; __typename: string }[] } }[] };
    };
    const { result, statements } = await measured(async () => ok(await t.gql<Page>(RUNS, {}, token)));
    const read = statements.filter((st) => st.includes('FROM "TaskInstance"'));
    expect(read).toHaveLength(1);
    // Each run's task instances are one JSON array: the columns read are the inner SELECT's.
    const columns = /FROM \(SELECT ([^()]*?) FROM "TaskInstance"/.exec(read[0])![1];
    expect(columns.split(', ').sort()).toEqual(['"startedAt"', '"state"', '"taskId"', '"tryNumber"'].sort());
    for (const { node } of result.dagRuns.edges) {
      expect(node.taskInstances.map((ti) => ti.taskId).sort()).toEqual([...TASKS].sort());
      for (const ti of node.taskInstances) {
        expect(ti).toMatchObject({ state: expect.any(String), tryNumber: expect.any(Number), __typename: 'TaskInstance' });
        expect(ti.began === null || !Number.isNaN(Date.parse(ti.began))).toBe(true);
      }
    }
  });

  it('dags with their specs, recent runs and those runs’ task instances, each tenant its own', async () => {
    const DAGS = `query($first: Int) { dags(first: $first) { edges { node { dagId taskIds spec recentRuns(limit: 2) { id dagId taskInstances { taskId } } } } } }`;
    const page = (first: number, tk = token) => measured(async () => ok(await t.gql<DagsPage>(DAGS, { first }, tk)));
    const small = await page(2);
    const large = await page(8);
    console.log(`dags: ${small.statements.length} statements for 2 DAGs, ${large.statements.length} for 8:\n${short(large.statements)}`);
    expect(small.statements.length).toBeGreaterThan(0);
    expect(large.result.dags.edges).toHaveLength(8);
    for (const { node } of large.result.dags.edges) {
      expect(node.taskIds).toEqual(TASKS);
      expect(node.spec.dagId).toBe(node.dagId);
      expect(node.recentRuns).toHaveLength(2);
      for (const run of node.recentRuns) {
        expect(run.dagId).toBe(node.dagId);
        expect(run.taskInstances).toHaveLength(TASKS.length);
      }
    }
    expect(large.statements.length).toBe(small.statements.length);

    // The other tenant's page holds only its own runs (same dagIds, other rows).
    const mine = new Set(large.result.dags.edges.flatMap((e) => e.node.recentRuns.map((r) => r.id)));
    const theirs = (await page(8, otherToken)).result.dags.edges;
    expect(theirs.map((e) => e.node.dagId)).toEqual(['dag_0', 'dag_1']);
    expect(theirs.flatMap((e) => e.node.recentRuns.map((r) => r.id)).filter((id) => mine.has(id))).toEqual([]);
  });

  it('backfills with their states and run counts', async () => {
    ok(
      await t.gql(
        `mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`,
        { s: { dagId: 'filled', schedule: '0 0 * * *', startDate: '2025-01-01T00:00:00', tasks: [{ taskId: 'a', type: 'noop' }] } },
        token,
      ),
    );
    const backfill = (month: number) =>
      t.gql(
        `mutation($f: DateTime!, $to: DateTime!) { backfillDag(dagId: "filled", from: $f, to: $to, reprocess: none) { skipped } }`,
        {
          f: new Date(Date.UTC(2025, month, 1)).toISOString(),
          to: new Date(Date.UTC(2025, month, 2)).toISOString(),
        },
        token,
      );
    const BACKFILLS = `{ backfills(dagId: "filled") { id state runCounts } }`;
    type Backfills = { backfills: { id: string; state: string; runCounts: Record<string, number> }[] };
    ok(await backfill(0));
    const one = await measured(async () => ok(await t.gql<Backfills>(BACKFILLS, {}, token)));
    for (let m = 1; m < 5; m++) ok(await backfill(m));
    const five = await measured(async () => ok(await t.gql<Backfills>(BACKFILLS, {}, token)));
    console.log(`backfills: ${one.statements.length} statements for 1, ${five.statements.length} for 5`);
    expect(one.statements.length).toBeGreaterThan(0);
    expect(five.result.backfills).toHaveLength(5);
    for (const b of five.result.backfills) expect(Object.values(b.runCounts).reduce((a, n) => a + n, 0)).toBe(2);
    expect(five.statements.length).toBe(one.statements.length);
  });
});
