import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventStreamService } from '../src/events/event-stream.service.js';
import { subscribe, wsClient } from './support/ws-client.js';
import { ok, startTestApi, uniqueEmail, waitFor, type TestApi } from './support/test-api.js';

/**
 * SUBSCRIPTIONS_PER_PRINCIPAL: one principal (a user in a tenant, whatever its sessions and
 * sockets, or an API key) holds at most so many open subscriptions on an API process; the next is
 * refused with TOO_MANY_REQUESTS until one ends. Other principals of the same tenant are not held.
 */
const CAP = 2;
let t: TestApi;

beforeAll(async () => {
  t = await startTestApi('subscription-cap', { SUBSCRIPTIONS_PER_PRINCIPAL: String(CAP) });
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

const RUNS = 'subscription { dagRunUpdated { id state } }';
const open = () => t.api.app.get(EventStreamService).openCount;

describe('open subscriptions per principal', () => {
  it("refuses a user's subscription past the limit on any of its sessions and sockets, lets another principal of the tenant subscribe, and admits again once one ends", async () => {
    const email = uniqueEmail('capped');
    const signUp = `mutation($e: String!) { signUp(email: $e, password: "correct-horse-battery", tenantName: "capped") { token } }`;
    const login = `mutation($e: String!) { login(email: $e, password: "correct-horse-battery") { token } }`;
    const first = ok(await t.gql<{ signUp: { token: string } }>(signUp, { e: email })).signUp.token;
    const second = ok(await t.gql<{ login: { token: string } }>(login, { e: email })).login.token;
    const key = ok(await t.gql<{ createApiKey: { secret: string } }>(`mutation { createApiKey(name: "feed", role: VIEWER) { secret } }`, {}, first))
      .createApiKey.secret;

    const sockets = [wsClient(t.api.wsUrl, first), wsClient(t.api.wsUrl, second), wsClient(t.api.wsUrl, key)];
    try {
      const [a, b] = [subscribe(sockets[0]!, RUNS), subscribe(sockets[0]!, RUNS)];
      await waitFor(async () => open() === CAP);
      // The same user on another session and socket: the user's limit is reached.
      const refused = subscribe(sockets[1]!, RUNS);
      const answer = await refused.next();
      expect(answer.errors?.[0]?.extensions).toEqual({ code: 'TOO_MANY_REQUESTS', details: { openSubscriptions: CAP, limit: CAP } });
      await refused.ended;
      expect(open()).toBe(CAP);
      // An API key of the same tenant is another principal.
      const feed = subscribe(sockets[2]!, RUNS);
      await waitFor(async () => open() === CAP + 1);
      // One of the user's ends: the user may open another.
      a.dispose();
      await waitFor(async () => open() === CAP);
      const again = subscribe(sockets[1]!, RUNS);
      await waitFor(async () => open() === CAP + 1);
      expect([again.error, feed.error, b.error]).toEqual([undefined, undefined, undefined]);
      // And they hear the tenant's events.
      ok(await t.gql(`mutation { upsertDag(spec: { dagId: "capped", tasks: [{ taskId: "a", type: "noop" }] }) { dagId } }`, {}, first));
      ok(await t.gql(`mutation { triggerDagRun(dagId: "capped") { id } }`, {}, first));
      for (const s of [again, feed, b]) expect((await s.next()).data).toEqual({ dagRunUpdated: { id: expect.any(String), state: expect.any(String) } });
      // A socket that closes gives its subscriptions' places back too.
      await sockets[0]!.dispose();
      await waitFor(async () => open() === CAP);
      subscribe(sockets[1]!, RUNS);
      await waitFor(async () => open() === CAP + 1);
    } finally {
      await Promise.all(sockets.map((s) => s.dispose()));
    }
  });
});
