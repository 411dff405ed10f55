import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { gqlFrom } from './support/from-address.js';
import { startTestApi, type TestApi } from './support/test-api.js';

/**
 * One address's requests take turns (REQUESTS_IN_FLIGHT_PER_IP) and wait in a bounded line
 * (REQUESTS_QUEUED_PER_IP) before their bodies are read; other addresses are never held behind
 * them. A request is held in progress here by sending its headers and not yet its body: the API
 * has admitted it and waits for the rest.
 */
let t: TestApi;

beforeAll(async () => {
  t = await startTestApi('client-gate', { REQUESTS_IN_FLIGHT_PER_IP: '1', REQUESTS_QUEUED_PER_IP: '1' });
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

const QUERY = JSON.stringify({ query: '{ __typename }' });

/** A POST whose headers are sent now and whose body is sent by `finish()`; `answer` is the raw HTTP response. */
async function heldRequest(localAddress: string): Promise<{ finish: () => void; destroy: () => void; answer: Promise<string> }> {
  const { port } = new URL(t.api.url);
  const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  const answer = new Promise<string>((resolve) => {
    socket.on('data', (c) => {
      text += c.toString('utf8');
      if (/\r\n\r\n[\s\S]*\}\s*$/.test(text)) resolve(text);
    });
    socket.on('close', (hadError) => resolve(text || `closed${hadError ? ' with an error' : ''}`));
    socket.on('error', (err) => resolve(`error ${String(err)}`));
  });
  socket.write(`POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(QUERY)}\r\n\r\n`);
  // The body completes the request; the socket stays open (a half-close would abort the request).
  void answer.then(() => socket.destroy());
  return { finish: () => socket.write(QUERY), destroy: () => socket.destroy(), answer };
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(t.api.url.replace('/graphql', '/metrics'))).text();
  const value = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1];
  if (value === undefined) throw new Error(`${name} is not on /metrics`);
  return Number(value);
}

/** Settles `p` or reports it still pending after the API has answered something later. */
async function pending(p: Promise<unknown>): Promise<boolean> {
  return Promise.race([p.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 300))]);
}

describe("one address's requests take turns", () => {
  it("holds an address's next request while one is in progress, refuses past the line with 429, and serves other addresses meanwhile", async () => {
    const held = await heldRequest('127.0.6.1');
    const waitingBefore = await metric('tower_api_requests_waiting');
    const turnedAwayBefore = await metric('tower_api_requests_turned_away_total');
    // The line's one place: it waits for `held`.
    const second = gqlFrom<{ __typename: string }>(t.api.url, '127.0.6.1', '{ __typename }');
    let waiting = waitingBefore;
    for (let i = 0; i < 100 && waiting === waitingBefore; i++) {
      await new Promise((r) => setTimeout(r, 20));
      waiting = await metric('tower_api_requests_waiting');
    }
    expect(waiting).toBe(waitingBefore + 1);
    // The line is full: refused at once, with a retry-after.
    const third = await gqlFrom(t.api.url, '127.0.6.1', '{ __typename }');
    expect({
      status: third.status,
      retryAfter: third.retryAfter,
      code: third.errors?.[0]?.extensions?.code,
      details: third.errors?.[0]?.extensions?.details,
    }).toEqual({
      status: 429,
      retryAfter: '1',
      code: 'TOO_MANY_REQUESTS',
      details: { retryAfterSeconds: 1 },
    });
    expect(await metric('tower_api_requests_turned_away_total')).toBe(turnedAwayBefore + 1);
    // Another address is not held behind them.
    const other = await gqlFrom<{ __typename: string }>(t.api.url, '127.0.6.2', '{ __typename }');
    expect(other.data?.__typename).toBe('Query');
    expect(await pending(second)).toBe(true);
    // The held request ends: it is answered, then the one that waited.
    held.finish();
    expect(await held.answer).toMatch(/^HTTP\/1\.1 200[\s\S]*"__typename":"Query"/);
    expect((await second).data?.__typename).toBe('Query');
    expect(await metric('tower_api_requests_waiting')).toBe(waitingBefore);
    // Answers on kept-alive connections (Node's agent keeps them) give their turn back: the line moves on.
    for (let i = 0; i < 3; i++) expect((await gqlFrom<{ __typename: string }>(t.api.url, '127.0.6.1', '{ __typename }')).data?.__typename).toBe('Query');
  }, 15_000);

  it('skips a request whose client left while it waited, and the line keeps moving', async () => {
    const held = await heldRequest('127.0.6.3');
    const gone = await heldRequest('127.0.6.3');
    gone.destroy();
    // Time for the API to see that client leave (a race the other way only makes this test pass vacuously).
    await new Promise((r) => setTimeout(r, 300));
    held.finish();
    expect(await held.answer).toMatch(/^HTTP\/1\.1 200/);
    const after = await gqlFrom<{ __typename: string }>(t.api.url, '127.0.6.3', '{ __typename }');
    expect(after.data?.__typename).toBe('Query');
  }, 15_000);
});
