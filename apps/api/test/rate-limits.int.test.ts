import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createLogger } from '@tower/logger';
import { createApiApp, type ApiApp } from '../src/app-factory.js';
import { WS_CLOSE_RATE_LIMITED } from '../src/graphql/graphql-options.js';
import { gqlFrom, wsClientFrom } from './support/from-address.js';
import { ok, startTestApi, uniqueEmail, type TestApi } from './support/test-api.js';

/**
 * Request rate limits: per principal (every operation of a token) and per client address (every
 * HTTP request, graphql-ws connection and subscription), counted in Redis so that two API replicas
 * share them; a refusal says TOO_MANY_REQUESTS and when to retry.
 */
const PER_PRINCIPAL = 6;
const PER_IP = 15;
let t: TestApi;
let replica: ApiApp;

beforeAll(async () => {
  t = await startTestApi('rate-limits', {
    RATE_LIMIT_PER_PRINCIPAL: String(PER_PRINCIPAL),
    RATE_LIMIT_PER_IP: String(PER_IP),
    RATE_LIMIT_WINDOW_SECONDS: '60',
  });
  // A second API process on the same database and Redis (in-process here; its own port).
  replica = await createApiApp({ ...t.config, API_PORT: 0 }, { logger: createLogger('api-replica', { level: 'silent' }), handleSignals: false });
}, 60_000);

afterAll(async () => {
  await replica?.close();
  await t?.stop();
});

async function signUpFrom(address: string): Promise<string> {
  const res = await gqlFrom<{ signUp: { token: string } }>(
    t.api.url,
    address,
    `mutation($e: String!) { signUp(email: $e, password: "correct-horse-battery", tenantName: "limited") { token } }`,
    { e: uniqueEmail('limited') },
  );
  return ok(res).signUp.token;
}

type Code = string | undefined;
const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }): Code => res.errors?.[0]?.extensions?.code;

/** The first answer of a subscription: its error code, 'open' when it starts, or the socket's close code. */
function firstAnswer(
  client: ReturnType<typeof wsClientFrom>,
  query: string,
  openAfterMs = 1_000,
): Promise<{ code: Code | 'open'; details?: unknown; close?: number }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ code: 'open' }), openAfterMs);
    client.subscribe(
      { query },
      {
        next: (r) => {
          clearTimeout(timer);
          resolve({ code: r.errors?.[0]?.extensions?.code as Code, details: r.errors?.[0]?.extensions?.details });
        },
        error: (e) => {
          clearTimeout(timer);
          if (Array.isArray(e))
            resolve({
              code: (e[0] as { extensions?: { code?: string } }).extensions?.code,
              details: (e[0] as { extensions?: { details?: unknown } }).extensions?.details,
            });
          else resolve({ code: undefined, close: (e as { code?: number }).code });
        },
        complete: () => undefined,
      },
    );
  });
}

describe('per principal', () => {
  it('counts every request of a token across two replicas, once per request however many fields, and refuses the next with a retry-after', async () => {
    const token = await signUpFrom('127.0.1.1');
    const other = await signUpFrom('127.0.1.1');
    const urls = [t.api.url, t.api.url, t.api.url, replica.url, replica.url, replica.url];
    const answers: Code[] = [];
    // Each request from an address of its own: only the principal's limit can refuse.
    for (const [i, url] of urls.entries())
      answers.push(codeOf(await gqlFrom(url, `127.0.1.${10 + i}`, `{ me { role } pools { name } dags { totalCount } }`, {}, token)));
    expect(answers).toEqual(Array(PER_PRINCIPAL).fill(undefined));

    const refused = await gqlFrom(replica.url, '127.0.1.20', `{ me { role } }`, {}, token);
    expect(refused.errors?.[0]?.extensions).toEqual({ code: 'TOO_MANY_REQUESTS', details: { retryAfterSeconds: expect.any(Number) } });
    const retry = (refused.errors![0]!.extensions!.details as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(refused.data ?? null).toBeNull();

    // graphql-ws: the same principal's subscription is refused the same way, on an open socket.
    const ws = wsClientFrom(t.api.wsUrl, '127.0.1.21', token);
    try {
      expect(await firstAnswer(ws, `subscription { alertFired { id } }`)).toEqual({
        code: 'TOO_MANY_REQUESTS',
        details: { retryAfterSeconds: expect.any(Number) },
      });
    } finally {
      await ws.dispose();
    }

    // Another principal is not affected.
    expect(ok(await gqlFrom<{ me: { role: string } }>(t.api.url, '127.0.1.22', `{ me { role } }`, {}, other)).me.role).toBe('OWNER');
  });
});

describe('per address', () => {
  it('answers HTTP 429 with Retry-After and TOO_MANY_REQUESTS past the limit, on either replica, and closes a new graphql-ws socket with 4429', async () => {
    const address = '127.0.2.1';
    const codes: (Code | number)[] = [];
    for (let i = 0; i < PER_IP; i++) {
      const res = await gqlFrom(i % 2 ? replica.url : t.api.url, address, `{ __typename }`);
      codes.push(res.status === 200 ? codeOf(res) : res.status);
    }
    expect(codes).toEqual(Array(PER_IP).fill(undefined));
    const refused = await gqlFrom(replica.url, address, `{ __typename }`);
    expect({ status: refused.status, retryAfter: Number(refused.retryAfter) > 0, extensions: refused.errors?.[0]?.extensions }).toEqual({
      status: 429,
      retryAfter: true,
      extensions: { code: 'TOO_MANY_REQUESTS', details: { retryAfterSeconds: Number(refused.retryAfter) } },
    });

    const ws = wsClientFrom(t.api.wsUrl, address, await signUpFrom('127.0.2.2'));
    try {
      expect(await firstAnswer(ws, `subscription { alertFired { id } }`)).toEqual({ code: undefined, close: WS_CLOSE_RATE_LIMITED });
    } finally {
      await ws.dispose();
    }
  });

  it("counts a graphql-ws socket behind a trusted proxy (the web app) against the browser's forwarded address, not the proxy's", async () => {
    // The proxy is this process on 127.0.0.1 (trusted: TRUST_PROXY=loopback); two browsers behind it.
    const [browser, neighbour] = ['198.51.100.7', '198.51.100.8'];
    const viaProxy = (forwardedFor: string) =>
      fetch(t.api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: '{"query":"{ __typename }"}',
      });
    for (let i = 0; i < PER_IP; i++) expect((await viaProxy(browser)).status).toBe(200);
    expect((await viaProxy(browser)).status).toBe(429);
    const token = await signUpFrom('127.0.3.9');
    const socketOf = (forwardedFor: string) =>
      createClient({
        url: t.api.wsUrl,
        webSocketImpl: class extends WebSocket {
          constructor(address: string | URL, protocols?: string | string[]) {
            super(address, protocols, { headers: { 'x-forwarded-for': forwardedFor } });
          }
        },
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
        lazy: true,
      });
    const refused = socketOf(browser);
    const fine = socketOf(neighbour);
    try {
      // Both answers are waited for (a loaded CI may take over a second): the refusal, and the
      // neighbour's query answered over its socket.
      expect(await firstAnswer(refused, `subscription { alertFired { id } }`, 30_000)).toEqual({ code: undefined, close: WS_CLOSE_RATE_LIMITED });
      expect(await firstAnswer(fine, `{ __typename }`, 30_000)).toEqual({ code: undefined, details: undefined });
    } finally {
      await Promise.all([refused.dispose(), fine.dispose()]);
    }
  });

  it('counts each graphql-ws subscription, refusing the one past the limit while the socket stays open', async () => {
    const address = '127.0.3.1';
    const token = await signUpFrom('127.0.3.2');
    // Use up all but two: the socket's connection and its first subscription.
    for (let i = 0; i < PER_IP - 2; i++) expect((await gqlFrom(t.api.url, address, `{ __typename }`)).status).toBe(200);
    const ws = wsClientFrom(t.api.wsUrl, address, token);
    try {
      expect(await firstAnswer(ws, `subscription { alertFired { id } }`)).toEqual({ code: 'open' });
      expect(await firstAnswer(ws, `subscription { alertUpdated { id } }`)).toEqual({
        code: 'TOO_MANY_REQUESTS',
        details: { retryAfterSeconds: expect.any(Number) },
      });
    } finally {
      await ws.dispose();
    }
  });
});
