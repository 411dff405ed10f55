import { EventStreamService } from '../src/events/event-stream.service.js';
import { ok, startTestApi, uniqueEmail, waitFor, type TestApi } from './support/test-api.js';
import { subscribe, wsClient } from './support/ws-client.js';

/**
 * The API under row-level security (docs/database.md): its statements carry the caller's tenant,
 * and work several callers share (group-committed inserts, audit appends) is batched per tenant —
 * a batch of two tenants' rows under one tenant's setting would be refused or see nothing.
 */
const SIGN_UP = `mutation($email: String!, $tenantName: String!) { signUp(email: $email, password: "correct-horse-battery", tenantName: $tenantName) { token tenant { id } } }`;

let t: TestApi;

beforeAll(async () => {
  t = await startTestApi('api_rls');
});

afterAll(async () => {
  await t?.stop();
});

async function tenant(label: string): Promise<{ token: string; tenantId: string }> {
  const { signUp } = ok(await t.gql<{ signUp: { token: string; tenant: { id: string } } }>(SIGN_UP, { email: uniqueEmail(label), tenantName: label }));
  return { token: signUp.token, tenantId: signUp.tenant.id };
}

describe('the API under row-level security', () => {
  it("two tenants' concurrent triggers and their audit entries, batched together by the engine, are all stored, each in its tenant", async () => {
    const tenants = [await tenant('rls-one'), await tenant('rls-two')];
    for (const x of tenants)
      ok(await t.gql(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, { s: { dagId: 'pair', tasks: [{ taskId: 'only', type: 'noop' }] } }, x.token));
    const PER_TENANT = 6;
    // Sent at once: the API's group commits (run inserts, audit appends) see both tenants' calls together.
    const results = await Promise.all(
      Array.from({ length: PER_TENANT * 2 }, (_, i) =>
        t.gql<{ triggerDagRun: { id: string; dagId: string } }>(
          `mutation($d: DateTime) { triggerDagRun(dagId: "pair", logicalDate: $d) { id dagId } }`,
          { d: new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 2))).toISOString() },
          tenants[i % 2].token,
        ),
      ),
    );
    for (const r of results) expect(ok(r).triggerDagRun.dagId).toBe('pair');
    for (const x of tenants) {
      // Read as the tables' owner (the test's login role), which the policies do not apply to.
      const runs = await t.db.prisma.dagRun.findMany({ where: { tenantId: x.tenantId, dagId: 'pair' } });
      expect(runs).toHaveLength(PER_TENANT);
      const audited = async () => t.db.prisma.auditLog.count({ where: { tenantId: x.tenantId, action: 'triggerDagRun' } });
      for (const deadline = Date.now() + 10_000; (await audited()) < PER_TENANT && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 100));
      expect(await audited()).toBe(PER_TENANT);
    }
    // Each tenant reads its own runs only.
    for (const x of tenants) {
      const page = ok(await t.gql<{ dagRuns: { totalCount: number } }>(`query { dagRuns(dagId: "pair") { totalCount } }`, {}, x.token));
      expect(page.dagRuns.totalCount).toBe(PER_TENANT);
    }
  });

  it("a subscription's events resolve their nested fields in the subscriber's tenant (graphql-ws pulls them outside the request)", async () => {
    const x = await tenant('rls-ws');
    ok(
      await t.gql(
        `mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`,
        {
          s: {
            dagId: 'nested',
            tasks: [
              { taskId: 'a', type: 'noop' },
              { taskId: 'b', type: 'noop' },
            ],
          },
        },
        x.token,
      ),
    );
    const client = wsClient(t.api.wsUrl, x.token);
    try {
      // taskInstances is read from Postgres for every event, by the API's role under row-level
      // security: outside the subscriber's scope it would read nothing.
      const sub = subscribe<{ dagRunUpdated: { dagId: string; taskInstances: Array<{ taskId: string }> } }>(
        client,
        `subscription { dagRunUpdated(dagId: "nested") { dagId taskInstances { taskId } } }`,
      );
      // Registered with the event stream before the trigger (a fixed wait would not be, on a loaded CI).
      await waitFor(async () => t.api.app.get(EventStreamService).openCount === 1, 10_000);
      ok(await t.gql(`mutation { triggerDagRun(dagId: "nested") { id } }`, {}, x.token));
      let event = await sub.next(10_000);
      // The first event (queued) may precede the task instances' creation; a later one carries them.
      while (!event.data?.dagRunUpdated.taskInstances.length) event = await sub.next(10_000);
      expect(event.errors).toBeUndefined();
      expect(event.data.dagRunUpdated.taskInstances.map((ti) => ti.taskId).sort()).toEqual(['a', 'b']);
      sub.dispose();
    } finally {
      await client.dispose();
    }
  });
});
