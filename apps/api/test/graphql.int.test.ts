import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GRAPHQL_SDL_FILE_HEADER } from '@nestjs/graphql';
import { iteratorInScope, runInDbScope } from '@tower/db';
import { TryLogger, type EngineDeps } from '@tower/engine';
import { EventPublisher, eventsChannel, type DagRunSnapshot } from '@tower/events';
import { createLogger } from '@tower/logger';
import { buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema, type IntrospectionQuery } from 'graphql';
import { Redis } from 'ioredis';
import type { Actor } from '../src/auth/actor.js';
import { createApiApp } from '../src/app-factory.js';
import { PrincipalRevocations } from '../src/auth/principal-revocations.js';
import { EventStreamService } from '../src/events/event-stream.service.js';
import { RunsService } from '../src/runs/runs.service.js';
import { SCHEMA_FILE } from '../src/graphql/graphql-options.js';
import { deleteRedisPrefix, ok, startTestApi, uniqueEmail, waitFor, type TestApi } from './support/test-api.js';
import { subscribe, wsClient } from './support/ws-client.js';

const SIGN_UP = `mutation($email: String!, $tenantName: String!) { signUp(email: $email, password: "correct-horse-battery", tenantName: $tenantName) { token tenant { id } } }`;
const RUN_UPDATED = `subscription($dagId: String) { dagRunUpdated(dagId: $dagId) { id dagId state logicalDate } }`;

let t: TestApi;
let redis: Redis;
let publisher: EventPublisher;

beforeAll(async () => {
  t = await startTestApi('graphql');
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  publisher = new EventPublisher(redis, t.redisPrefix);
});

afterAll(async () => {
  await redis?.quit();
  await t?.stop();
});

async function tenant(label: string): Promise<{ token: string; tenantId: string }> {
  const { signUp } = ok(await t.gql<{ signUp: { token: string; tenant: { id: string } } }>(SIGN_UP, { email: uniqueEmail(label), tenantName: label }));
  return { token: signUp.token, tenantId: signUp.tenant.id };
}

function runEvent(tenantId: string, dagId: string): { id: string; publish: () => Promise<void> } {
  const id = randomUUID();
  const at = '2026-03-01T08:00:00.000Z';
  const run: DagRunSnapshot = {
    id,
    tenantId,
    dagId,
    runId: `manual__${at}`,
    runType: 'manual',
    state: 'running',
    logicalDate: at,
    dataIntervalStart: at,
    dataIntervalEnd: at,
    params: {},
    queuedAt: at,
    startedAt: at,
    endedAt: null,
    dagVersion: 1,
  };
  return { id, publish: () => publisher.publish({ kind: 'dagRun', tenantId, dagId, dagRunId: id, run }) };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const openSubscriptions = () => t.api.app.get(EventStreamService).openCount;

describe('schedulePreview', () => {
  it('returns the instants of a New York cron across the 2026-03-08 spring-forward', async () => {
    const { token } = await tenant('cron');
    const res = ok(
      await t.gql<{ schedulePreview: string[] }>(
        `query($after: DateTime) { schedulePreview(schedule: "0 3 * * *", timezone: "America/New_York", after: $after, count: 10) }`,
        { after: '2026-03-01T00:00:00Z' },
        token,
      ),
    );
    expect(res.schedulePreview).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7].map((d) => `2026-03-0${d}T08:00:00.000Z`), // EST: 03:00 = 08:00Z
      '2026-03-08T07:00:00.000Z', // EDT from 2026-03-08: 03:00 = 07:00Z
      '2026-03-09T07:00:00.000Z',
      '2026-03-10T07:00:00.000Z',
    ]);
    // timezone defaults to UTC and count to 5
    expect(
      ok(await t.gql<{ schedulePreview: string[] }>(`{ schedulePreview(schedule: "@daily", after: "2026-01-01T00:00:00Z") }`, {}, token)).schedulePreview,
    ).toHaveLength(5);
  });

  it('answers a bad cron, time zone, count or date with BAD_USER_INPUT', async () => {
    const { token } = await tenant('badcron');
    const q = (args: string) => t.gql(`{ schedulePreview(${args}) }`, {}, token);
    expect((await q('schedule: "0 3 * *"')).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'schedule' });
    expect((await q('schedule: "0 3 * * *", timezone: "Moon/Base"')).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'timezone' });
    expect((await q('schedule: "0 3 * * *", count: 0')).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'count' });
    const badDate = await t.gql(`query($a: DateTime) { schedulePreview(schedule: "0 3 * * *", after: $a) }`, { a: 'next tuesday' }, token);
    expect(badDate.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('validateDagSpec', () => {
  it('is the same check as a query and as a mutation, with a path per error', async () => {
    const { token } = await tenant('spec');
    const query = `query($s: JSON!) { validateDagSpec(spec: $s) { valid errors { path message } } }`;
    const mutation = `mutation($s: JSON!) { validateDagSpec(spec: $s) { valid errors { path message } } }`;
    const good = {
      dagId: 'daily',
      schedule: '0 3 * * *',
      tasks: [
        { taskId: 'a', type: 'noop' },
        { taskId: 'b', type: 'noop', dependsOn: ['a'] },
      ],
    };
    expect(ok(await t.gql(query, { s: good }, token))).toEqual({ validateDagSpec: { valid: true, errors: [] } });

    const bad = { dagId: 'daily', schedule: 'every day', tasks: [{ taskId: 'a', type: 'noop', dependsOn: ['ghost'] }] };
    const asQuery = ok(await t.gql<{ validateDagSpec: { valid: boolean; errors: Array<{ path: string; message: string }> } }>(query, { s: bad }, token));
    expect(asQuery.validateDagSpec.valid).toBe(false);
    expect(asQuery.validateDagSpec.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['schedule', 'tasks[0].dependsOn[0]']));
    expect(ok(await t.gql(mutation, { s: bad }, token))).toEqual(asQuery);
  });
});

describe('graphql-ws subscriptions', () => {
  it('refuses a connection without a valid token (4403)', async () => {
    for (const token of [undefined, 'tower_sess_forged']) {
      const client = wsClient(t.api.wsUrl, token);
      const sub = subscribe(client, RUN_UPDATED);
      await sub.ended;
      expect(sub.error).toMatchObject({ code: 4403 });
      await client.dispose();
    }
  });

  it("delivers the caller tenant's events only, and unsubscribes on completion", async () => {
    const a = await tenant('ws-a');
    const b = await tenant('ws-b');
    const client = wsClient(t.api.wsUrl, a.token);
    const sub = subscribe<{ dagRunUpdated: { id: string; dagId: string; state: string; logicalDate: string } }>(client, RUN_UPDATED, { dagId: 'sales' });
    await waitFor(async () => openSubscriptions() === 1);

    const foreign = runEvent(b.tenantId, 'sales');
    const otherDag = runEvent(a.tenantId, 'marketing');
    const mine = runEvent(a.tenantId, 'sales');
    await foreign.publish();
    await otherDag.publish();
    await mine.publish();
    const first = await sub.next();
    expect(first.data?.dagRunUpdated).toEqual({ id: mine.id, dagId: 'sales', state: 'running', logicalDate: '2026-03-01T08:00:00.000Z' });
    expect(sub.pending()).toBe(0);

    sub.dispose();
    await waitFor(async () => openSubscriptions() === 0);
    await client.dispose();
  });

  it('closes the sockets of a revoked key at once, and the key cannot open a new one', async () => {
    const owner = await tenant('ws-revoke');
    const { createApiKey } = ok(
      await t.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
        `mutation { createApiKey(name: "ws", role: VIEWER) { secret apiKey { id } } }`,
        {},
        owner.token,
      ),
    );
    const client = wsClient(t.api.wsUrl, createApiKey.secret);
    const before = subscribe(client, RUN_UPDATED);
    await waitFor(async () => openSubscriptions() === 1);
    ok(await t.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: createApiKey.apiKey.id }, owner.token));
    await before.ended;
    expect(before.error).toMatchObject({ code: 4403 });
    await waitFor(async () => openSubscriptions() === 0);

    // A new subscription reconnects with the revoked key: refused at connection_init.
    const after = subscribe(client, RUN_UPDATED);
    await after.ended;
    expect(after.error).toMatchObject({ code: 4403 });
    await client.dispose();
  });

  it('closes the socket on another API replica too (the revocation travels on Redis pub/sub)', async () => {
    const replica = await createApiApp(t.config, { logger: createLogger('api-replica', { level: 'silent' }), handleSignals: false });
    try {
      const owner = await tenant('replicas');
      const key = ok(
        await t.gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
          `mutation { createApiKey(name: "r", role: VIEWER) { secret apiKey { id } } }`,
          {},
          owner.token,
        ),
      ).createApiKey;
      const client = wsClient(replica.wsUrl, key.secret);
      const sub = subscribe(client, RUN_UPDATED);
      const onReplica = replica.app.get(PrincipalRevocations);
      await waitFor(async () => onReplica.openSockets({ kind: 'apiKey', tenantId: owner.tenantId, apiKeyId: key.apiKey.id }) === 1);
      // The socket is tracked at connection_init, before the subscription passed its guard: revoked
      // in between, the subscription is refused by the guard (an error, then complete) instead.
      await waitFor(async () => replica.app.get(EventStreamService).openCount === 1);
      // Revoked through the first API process; the replica holds the socket.
      ok(await t.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: key.apiKey.id }, owner.token));
      await sub.ended;
      expect(sub.error).toMatchObject({ code: 4403 });
      await client.dispose();
    } finally {
      await replica.close();
    }
  });

  it("streams a task instance's log lines as a try writes them (taskLogAppended), on its tenant's channel only while watched", async () => {
    const a = await tenant('log-a');
    const b = await tenant('log-b');
    ok(await t.gql(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, { s: { dagId: 'logs', tasks: [{ taskId: 'only', type: 'noop' }] } }, a.token));
    const run = ok(await t.gql<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "logs") { id } }`, {}, a.token)).triggerDagRun;
    const ti = await t.db.prisma.taskInstance.findFirstOrThrow({ where: { dagRunId: run.id } });
    const channel = eventsChannel(t.redisPrefix, a.tenantId);
    const listeners = async () => Number((await redis.pubsub('NUMSUB', channel))[1]);
    expect(await listeners()).toBe(0);

    const LOG = `subscription($id: ID!, $try: Int) { taskLogAppended(taskInstanceId: $id, tryNumber: $try) { id tryNumber level message } }`;
    const client = wsClient(t.api.wsUrl, a.token);
    const sub = subscribe<{ taskLogAppended: Array<{ id: string; tryNumber: number; level: string; message: string }> }>(client, LOG, { id: ti.id, try: 1 });
    await waitFor(async () => openSubscriptions() === 1);
    expect(await listeners()).toBe(1);

    // Another tenant may not watch it.
    const bClient = wsClient(t.api.wsUrl, b.token);
    const foreign = subscribe(bClient, LOG, { id: ti.id });
    expect((await foreign.next()).errors?.[0].extensions).toEqual({ code: 'NOT_FOUND' });

    // What the worker's TryLogger does: store the lines, then publish them. Try 2's lines are not
    // for a subscription to try 1.
    const deps = {
      prisma: t.db.prisma,
      events: publisher,
      clock: () => new Date(),
      logger: createLogger('log-test', { level: 'silent' }),
    } as unknown as EngineDeps;
    const other = new TryLogger(deps, a.tenantId, ti.id, 2);
    other.log('info', 'from try 2');
    await other.flush();
    const logger = new TryLogger(deps, a.tenantId, ti.id, 1);
    logger.log('info', 'first');
    logger.log('warn', 'second');
    await logger.flush();
    const got = (await sub.next()).data!.taskLogAppended;
    expect(got.map((l) => [l.tryNumber, l.level, l.message])).toEqual([
      [1, 'info', 'first'],
      [1, 'warn', 'second'],
    ]);
    // The ids are the stored lines' (taskLog answers the same).
    const stored = ok(
      await t.gql<{ taskLog: Array<{ id: string }> }>(`query($id: ID!) { taskLog(taskInstanceId: $id, tryNumber: 1) { id } }`, { id: ti.id }, a.token),
    ).taskLog;
    expect(got.map((l) => l.id)).toEqual(stored.map((l) => l.id));
    expect(sub.pending()).toBe(0);

    // The last subscription of the tenant gone, the API stops listening to its channel.
    sub.dispose();
    await waitFor(async () => openSubscriptions() === 0 && (await listeners()) === 0);
    await client.dispose();
    await bClient.dispose();
  });

  it('a log tail that fell more than its buffer behind gets the lines it missed from Postgres: every line once, in order', async () => {
    const a = await tenant('log-slow');
    ok(await t.gql(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, { s: { dagId: 'chatty', tasks: [{ taskId: 'only', type: 'noop' }] } }, a.token));
    const run = ok(await t.gql<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "chatty") { id } }`, {}, a.token)).triggerDagRun;
    const ti = await t.db.prisma.taskInstance.findFirstOrThrow({ where: { dagRunId: run.id } });
    const deps = {
      prisma: t.db.prisma,
      events: publisher,
      clock: () => new Date(),
      logger: createLogger('log-test', { level: 'silent' }),
    } as unknown as EngineDeps;
    const before = new TryLogger(deps, a.tenantId, ti.id, 1);
    before.log('info', 'written before the subscription');
    await before.flush();

    // A reader that pulls nothing while 1,200 batches (one event each) arrive: the live buffer keeps 1,000.
    // Outside a request: in the tenant's database scope, as AuthGuard would bind it (its pulls read).
    const scope = { tenantId: a.tenantId };
    const tail = iteratorInScope(await runInDbScope(scope, () => t.api.app.get(RunsService).logLines({ tenantId: a.tenantId } as Actor, ti.id, 1)), scope);
    const logger = new TryLogger(deps, a.tenantId, ti.id, 1);
    const other = new TryLogger(deps, a.tenantId, ti.id, 2);
    for (let i = 0; i < 1_200; i++) {
      logger.log('info', `line ${i}`);
      await logger.flush();
      if (i % 100 === 0) {
        other.log('info', `try 2 line ${i}`);
        await other.flush();
      }
    }
    await sleep(500); // the last events reach the API's subscriber

    const got: string[] = [];
    let batches = 0;
    while (got.length < 1_200) {
      const r = await Promise.race([tail.next(), sleep(5_000).then(() => null)]);
      if (!r || r.done) break;
      batches++;
      got.push(...r.value.taskLogAppended.map((l) => l.message));
    }
    expect(got).toEqual(Array.from({ length: 1_200 }, (_, i) => `line ${i}`));
    expect(batches).toBeLessThan(1_200); // the missed part came as database pages, not events
    await tail.return();
    await waitFor(async () => openSubscriptions() === 0);
  });

  it('maps resolver errors of a subscription like HTTP ones (NOT_FOUND for an unknown run)', async () => {
    const { token } = await tenant('ws-missing');
    const client = wsClient(t.api.wsUrl, token);
    const sub = subscribe(client, `subscription($id: ID!) { taskInstanceUpdated(runId: $id) { id state } }`, { id: randomUUID() });
    const res = await sub.next();
    expect(res.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND' });
    await client.dispose();
  });
});

describe('the HTTP surface', () => {
  it('serves exactly the committed schema (apps/api/schema.graphql)', async () => {
    const intro = ok(await t.gql<IntrospectionQuery>(getIntrospectionQuery()));
    const served = printSchema(lexicographicSortSchema(buildClientSchema(intro)));
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    expect(committed.startsWith(GRAPHQL_SDL_FILE_HEADER)).toBe(true);
    expect(`${served}\n`).toBe(committed.slice(GRAPHQL_SDL_FILE_HEADER.length));
  });

  it('answers CORS preflights for the web origin and serves /health unauthenticated', async () => {
    const preflight = await fetch(t.api.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const health = await fetch(t.api.url.replace('/graphql', '/health'));
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});

describe('shutdown', () => {
  it('closes promptly with subscriptions open, and their clients see the end', async () => {
    const other = await startTestApi('shutdown');
    try {
      const { signUp } = ok(await other.gql<{ signUp: { token: string } }>(SIGN_UP, { email: uniqueEmail('bye'), tenantName: 'bye' }));
      const client = wsClient(other.api.wsUrl, signUp.token);
      const sub = subscribe(client, RUN_UPDATED);
      const stream = other.api.app.get(EventStreamService);
      await waitFor(async () => stream.openCount === 1);
      const started = Date.now();
      await other.api.close();
      expect(Date.now() - started).toBeLessThan(5_000);
      await sub.ended;
      expect(sub.completed || sub.error !== undefined).toBe(true);
      expect(stream.openCount).toBe(0);
      await client.dispose();
    } finally {
      await other.db.drop();
      await deleteRedisPrefix(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', other.redisPrefix);
    }
  });
});
