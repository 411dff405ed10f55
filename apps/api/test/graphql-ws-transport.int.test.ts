import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { EventStreamService } from '../src/events/event-stream.service.js';
import { registry } from '@tower/telemetry';
import { ok, startTestApi, uniqueEmail, waitFor, type TestApi } from './support/test-api.js';
import { subscribe, wsClient } from './support/ws-client.js';

/**
 * What graphql-ws gets that HTTP gets: a cap on a message's size (as on a request's body), and
 * no introspection when GRAPHQL_INTROSPECTION=false. (The operation limits over graphql-ws:
 * abuse.int.test.ts; the client's address behind a proxy: rate-limits.int.test.ts.)
 */
let open: TestApi;
let closed: TestApi;

beforeAll(async () => {
  open = await startTestApi('ws-transport');
  closed = await startTestApi('ws-no-introspection', { GRAPHQL_INTROSPECTION: 'false' });
}, 60_000);

afterAll(async () => {
  await open?.stop();
  await closed?.stop();
});

async function signedIn(t: TestApi): Promise<string> {
  return ok(
    await t.gql<{ signUp: { token: string } }>(
      `mutation($e: String!) { signUp(email: $e, password: "correct-horse-battery", tenantName: "ws org") { token } }`,
      {
        e: uniqueEmail('ws'),
      },
    ),
  ).signUp.token;
}

describe('graphql-ws messages', () => {
  it('closes a socket whose message is over 4 MiB (1009) before parsing it, as HTTP refuses such a body', async () => {
    const socket = new WebSocket(open.api.wsUrl, 'graphql-transport-ws');
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(4 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);

    // Under the cap, a message is read as usual (connection_init without a token: 4403).
    const client = wsClient(open.api.wsUrl);
    const sub = subscribe(client, `subscription { alertFired { id } }`);
    await sub.ended;
    expect(sub.error).toMatchObject({ code: 4403 });
    await client.dispose();
  });
});

describe('operations over graphql-ws', () => {
  /** tower_graphql_operations_total of this Jest process (the test APIs run in it). */
  async function counted(operation: string, type: string, outcome: string): Promise<number> {
    const metric = registry.getSingleMetric('tower_graphql_operations_total');
    const values = (await metric?.get())?.values ?? [];
    return values.filter((v) => v.labels.operation === operation && v.labels.type === type && v.labels.outcome === outcome).reduce((n, v) => n + v.value, 0);
  }

  it('are logged and counted as HTTP ones are: when they end, or when refused before they run', async () => {
    const client = wsClient(open.api.wsUrl, await signedIn(open));
    try {
      const query = subscribe(client, `query WsCounted { __typename }`);
      await query.ended;
      const refused = subscribe(client, `query WsRefused { nope }`, {}, 'WsRefused');
      await refused.ended;
      const live = subscribe(client, `subscription WsLive { alertFired { id } }`);
      await waitFor(async () => open.api.app.get(EventStreamService).openCount === 1);
      expect(await counted('WsLive', 'subscription', 'ok')).toBe(0);
      live.dispose();
      await waitFor(async () => (await counted('WsLive', 'subscription', 'ok')) === 1);
      expect(await counted('WsCounted', 'query', 'ok')).toBe(1);
      expect(await counted('WsRefused', 'unknown', 'client_error')).toBe(1);
    } finally {
      await client.dispose();
    }
  });
});

describe('introspection', () => {
  const INTROSPECT = `{ __schema { queryType { name } } }`;

  it('is answered over HTTP and graphql-ws by default (the schema is public)', async () => {
    const token = await signedIn(open);
    expect(ok(await open.gql(INTROSPECT, {}, token))).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const client = wsClient(open.api.wsUrl, token);
    try {
      // graphql-ws runs queries too, not only subscriptions.
      const query = subscribe<{ __schema: { queryType: { name: string } } }>(client, INTROSPECT);
      expect((await query.next()).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      await client.dispose();
    }
  });

  it('is refused over HTTP and graphql-ws alike with GRAPHQL_INTROSPECTION=false, as a validation failure', async () => {
    const token = await signedIn(closed);
    expect((await closed.gql(INTROSPECT, {}, token)).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const client = wsClient(closed.api.wsUrl, token);
    try {
      const query = subscribe(client, INTROSPECT);
      await query.ended;
      expect((query.error as Array<{ extensions?: { code?: string } }> | undefined)?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      // The socket still answers what is allowed.
      const typename = subscribe<{ __typename: string }>(client, `{ __typename }`);
      expect((await typename.next()).data).toEqual({ __typename: 'Query' });
    } finally {
      await client.dispose();
    }
  });
});
