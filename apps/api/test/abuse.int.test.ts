import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FAILURES_PER_IP, FAILURES_PER_IP_AND_ACCOUNT } from '../src/auth/login-throttle.js';
import { EventStreamService } from '../src/events/event-stream.service.js';
import { OPERATION_LIMITS } from '../src/graphql/graphql-options.js';
import { gqlFrom } from './support/from-address.js';
import { ok, startTestApi, uniqueEmail, waitFor, type TestApi } from './support/test-api.js';
import { subscribe, wsClient } from './support/ws-client.js';

/**
 * What an abusive caller gets: operations too large to run are refused while they are parsed or
 * validated, and failed logins are throttled per address without locking the account's owner out.
 */
let t: TestApi;
const PASSWORD = 'correct-horse-battery';

beforeAll(async () => {
  t = await startTestApi('abuse');
});

afterAll(async () => {
  await t?.stop();
});

const gqlFromAddress = (localAddress: string, query: string, variables?: Record<string, unknown>, token?: string) =>
  gqlFrom(t.api.url, localAddress, query, variables, token);

describe('operation limits', () => {
  async function signedIn(): Promise<string> {
    const res = ok(
      await t.gql<{ signUp: { token: string } }>(`mutation($e: String!, $p: String!) { signUp(email: $e, password: $p, tenantName: "abuse org") { token } }`, {
        e: uniqueEmail('abuse'),
        p: PASSWORD,
      }),
    );
    return res.signUp.token;
  }

  it('refuses 20,000 aliases of schedulePreview and a deep, over-cost nesting before anything runs', async () => {
    const token = await signedIn();
    const aliases = `{ ${Array.from({ length: 20_000 }, (_, i) => `a${i}: schedulePreview(schedule: "* * * * *", timezone: "UTC", count: 100)`).join(' ')} }`;
    const deep = `query { ${'dags { edges { node { '.repeat(17)} dagId ${'} } } '.repeat(17)} }`;
    for (const [name, query, code] of [
      ['aliases', aliases, 'GRAPHQL_PARSE_FAILED'],
      ['depth and cost', deep, 'GRAPHQL_VALIDATION_FAILED'],
    ] as const) {
      const started = performance.now();
      const res = await gqlFromAddress('127.0.0.1', query, undefined, token);
      const ms = performance.now() - started;
      // The API runs in this test's process and the request is built here: the time it takes
      // against the API as deployed is e2e/abuse.e2e.test.ts's figure.
      console.log(`${name} (in-process API): refused in ${ms.toFixed(1)} ms: ${res.errors?.[0]?.message}`);
      // A client's mistake: HTTP 400, never a server error.
      expect({ name, status: res.status, code: res.errors?.[0]?.extensions?.code, data: res.data ?? null }).toEqual({ name, status: 400, code, data: null });
      expect(ms).toBeLessThan(2000); // loose (a loaded CI); the figures above are what it took
    }
    // An ordinary query still runs.
    expect(ok(await t.gql<{ me: { role: string } }>(`{ me { role } }`, undefined, token)).me.role).toBe('OWNER');
  });

  it('holds over graphql-ws too: each refusal is an error for that subscription, with its code, and the socket stays open', async () => {
    const token = await signedIn();
    const client = wsClient(t.api.wsUrl, token);
    try {
      const field = 'dagRunUpdated { id state }';
      for (const [name, query, code, variables, operationName] of [
        // Parsing stops at the token limit: a few milliseconds, not the whole document.
        ['tokens', `subscription { ${Array.from({ length: 20_000 }, (_, i) => `a${i}: ${field}`).join(' ')} }`, 'GRAPHQL_PARSE_FAILED'],
        [
          'aliases',
          `subscription { ${Array.from({ length: OPERATION_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: ${field}`).join(' ')} }`,
          'GRAPHQL_VALIDATION_FAILED',
        ],
        ['cost', `subscription { dagRunUpdated { taskInstances(first: 1000000) { id state } } }`, 'GRAPHQL_VALIDATION_FAILED'],
        ['directives', `subscription { dagRunUpdated { id ${'@include(if: true) '.repeat(OPERATION_LIMITS.maxDirectives + 1)}} }`, 'GRAPHQL_VALIDATION_FAILED'],
        ['syntax', `subscription { dagRunUpdated { id `, 'GRAPHQL_PARSE_FAILED'],
        ['unknown field', `subscription { dagRunUpdated { nope } }`, 'GRAPHQL_VALIDATION_FAILED'],
        // As Apollo answers them over HTTP, not as server errors.
        ['unknown operation', `subscription Runs { ${field} }`, 'OPERATION_RESOLUTION_FAILURE', {}, 'Nope'],
        ['bad variable', `subscription($d: String) { dagRunUpdated(dagId: $d) { id } }`, 'BAD_USER_INPUT', { d: 5 }],
      ] as [string, string, string, Record<string, unknown>?, string?][]) {
        const sub = subscribe(client, query, variables, operationName);
        await sub.ended;
        expect({ name, code: (sub.error as Array<{ extensions?: { code?: string } }> | undefined)?.[0]?.extensions?.code }).toEqual({ name, code });
      }
      // The same socket still serves a valid subscription.
      const fine = subscribe<{ dagRunUpdated: { id: string } }>(client, `subscription { ${field} }`);
      await waitFor(async () => t.api.app.get(EventStreamService).openCount > 0);
      fine.dispose();
      expect(fine.error).toBeUndefined();
    } finally {
      await client.dispose();
    }
  });
});

describe('failed logins', () => {
  it('throttles one address with a retry-after, and the owner still signs in from another', async () => {
    const email = uniqueEmail('victim');
    ok(await t.gql(`mutation($e: String!, $p: String!) { signUp(email: $e, password: $p, tenantName: "victim org") { token } }`, { e: email, p: PASSWORD }));
    const login = (from: string, password: string) =>
      gqlFromAddress(from, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: email, p: password });

    const codes: string[] = [];
    for (let i = 0; i < 30; i++) codes.push(String((await login('127.0.0.5', `wrong-${i}`)).errors?.[0]?.extensions?.code));
    // The pair (address, account) is refused first, then every account from that address.
    expect(codes.slice(0, FAILURES_PER_IP_AND_ACCOUNT)).toEqual(Array(FAILURES_PER_IP_AND_ACCOUNT).fill('UNAUTHENTICATED'));
    expect(codes.slice(FAILURES_PER_IP_AND_ACCOUNT)).toEqual(Array(30 - FAILURES_PER_IP_AND_ACCOUNT).fill('TOO_MANY_REQUESTS'));
    const refused = await login('127.0.0.5', PASSWORD);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', details: { retryAfterSeconds: expect.any(Number) } });
    // Another address: the right password works (slowed, never locked out).
    const owner = await login('127.0.0.6', PASSWORD);
    expect(owner.errors).toBeUndefined();
    expect((owner.data as { login: { token: string } }).login.token).toMatch(/^tower_sess_/);

    // Guessing many accounts from one address: refused once the address's own limit is reached.
    const spray: string[] = [];
    for (let i = 0; i < FAILURES_PER_IP + 2; i++) {
      const res = await gqlFromAddress('127.0.0.7', `mutation($e: String!) { login(email: $e, password: "nope-nope") { token } }`, {
        e: uniqueEmail(`spray${i}`),
      });
      spray.push(String(res.errors?.[0]?.extensions?.code));
    }
    expect(spray.slice(0, FAILURES_PER_IP)).toEqual(Array(FAILURES_PER_IP).fill('UNAUTHENTICATED'));
    expect(spray.slice(FAILURES_PER_IP)).toEqual(['TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
  });
});

// The same attack while another tenant's client measures its latency, against the API in a process
// of its own as deployed: e2e/abuse.e2e.test.ts.
