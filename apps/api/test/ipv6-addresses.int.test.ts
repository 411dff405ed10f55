import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ok, startTestApi, uniqueEmail, type GqlResponse, type TestApi } from './support/test-api.js';

/**
 * Per-address limits count an IPv6 client by its /64 (auth/address-key.ts): one subscriber may
 * send from any address of its /64, and must not get a failed-login budget per address. The
 * addresses arrive in X-Forwarded-For from this test's loopback peer, which the API trusts
 * (TRUST_PROXY's default), as it would from the web app's proxy.
 */
let t: TestApi;

beforeAll(async () => {
  t = await startTestApi('ipv6-addresses');
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;

async function loginFrom(address: string, email: string, password: string): Promise<GqlResponse<{ login: { token: string } }>> {
  const res = await fetch(t.api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ query: LOGIN, variables: { e: email, p: password } }),
  });
  return (await res.json()) as GqlResponse<{ login: { token: string } }>;
}

const codeOf = (res: GqlResponse<unknown>) => res.errors?.[0]?.extensions?.code;

describe('IPv6 clients', () => {
  it('share one failed-login budget across their /64, and another /64 keeps its own', async () => {
    const email = uniqueEmail('v6');
    ok(await t.gql(`mutation($e: String!) { signUp(email: $e, password: "correct-horse-battery", tenantName: "v6") { token } }`, { e: email }));
    const guesses: unknown[] = [];
    for (let i = 1; i <= 5; i++) guesses.push(codeOf(await loginFrom(`2001:db8:1:2::${i}`, email, `wrong-${i}`)));
    expect(guesses).toEqual(Array(5).fill('UNAUTHENTICATED'));
    // Another address of the same /64, written in full: the pair (/64, account) is over its limit.
    const sixth = await loginFrom('2001:0db8:0001:0002:ffff:0000:0000:0009', email, 'wrong-6');
    expect({ code: codeOf(sixth), details: sixth.errors?.[0]?.extensions?.details }).toEqual({
      code: 'TOO_MANY_REQUESTS',
      details: { retryAfterSeconds: expect.any(Number) },
    });
    // Another /64 is another client.
    expect(codeOf(await loginFrom('2001:db8:1:3::1', email, 'wrong-7'))).toBe('UNAUTHENTICATED');
    // And the owner, elsewhere, signs in.
    expect(ok(await loginFrom('2001:db8:9::1', email, 'correct-horse-battery')).login.token).toMatch(/^tower_sess_/);
  }, 30_000);
});
