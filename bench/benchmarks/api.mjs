// api: the GraphQL API under read load and subscription fan-out (no scheduler, no worker: nothing
// else competes for the box).
// 1. Reads: 1,000,000 task instances stored (one DAG of 50 noop tasks, 20,000 finished runs, bulk-
//    inserted in SQL, then vacuumed), then `dagRuns(dagId, first: BENCH_API_PAGE = 10, offset: random)` with every
//    run's `taskInstances` (50 each) sent open-loop at BENCH_API_RATE = 200 requests/s for
//    BENCH_API_SECONDS = 30 s; latency from the moment each request was due. Floor: p99 ≤ 50 ms.
//    Served by one API process; BENCH_API_REPLICAS=2 (as the k8s base deploys) spreads the requests
//    over that many, each to the next in turn as a Service does.
// 2. Fan-out, on one API process (any further replica stopped first): 2,000 graphql-ws
//    subscribers (one socket each) of `dagRunUpdated(dagId)`; runs are
//    triggered through the API and every state change (queued, running) reaches every subscriber;
//    latency = received − the change's own timestamp (queuedAt / startedAt). Floor: p99 ≤ 200 ms.
// Not in the default set (`npm run bench -- api`; `--smoke`: a few thousand rows, 50 subscribers).
import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { GqlClient, signUp, triggerRun, upsertDag } from '../lib/gql.mjs';
import { freePort, sleep, startStack } from '../lib/stack.mjs';
import { load, noopTasks, round, summarize } from '../lib/util.mjs';

const num = (name, fallback) => (process.env[name] != null ? Number(process.env[name]) : fallback);
const TASKS = 50;

/** 20,000 finished runs of `dagId` with 50 task instances each (1,000,000), in two statements. */
async function bulkInsert(prisma, tenantId, dagId, runs) {
  const [{ dagPk, versionId, version }] = await prisma.$queryRawUnsafe(
    `SELECT d.id AS "dagPk", v.id AS "versionId", v.version FROM "Dag" d JOIN "DagVersion" v ON v."dagPk" = d.id AND v.version = d."latestVersion"
     WHERE d."tenantId" = $1::uuid AND d."dagId" = $2`,
    tenantId,
    dagId,
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO "DagRun" ("tenantId", "dagPk", "dagId", "dagVersionId", "dagVersion", "runId", "runType", state, "logicalDate",
                           "dataIntervalStart", "dataIntervalEnd", "queuedAt", "startedAt", "endedAt", "updatedAt")
     SELECT $1::uuid, $2::uuid, $3, $4::uuid, $5, 'manual__' || to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS'), 'manual', 'success', at, at, at, at, at, at + interval '1 minute', at
     FROM (SELECT timestamptz '2020-01-01' + n * interval '1 hour' AS at FROM generate_series(1, $6) n) s`,
    tenantId,
    dagPk,
    dagId,
    versionId,
    version,
    runs,
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO "TaskInstance" ("tenantId", "dagRunId", "dagId", "taskId", operator, state, "tryNumber", "maxTries", pool, "priorityWeight",
                                 "queuedAt", "startedAt", "endedAt", "updatedAt")
     SELECT r."tenantId", r.id, r."dagId", 't' || i, 'noop', 'success', 1, 1, 'default', 1, r."queuedAt", r."startedAt", r."endedAt", r."updatedAt"
     FROM "DagRun" r CROSS JOIN generate_series(0, ${TASKS - 1}) i
     WHERE r."tenantId" = $1::uuid AND r."dagPk" = $2::uuid`,
    tenantId,
    dagPk,
  );
  // As a history of finished runs is in production, where autovacuum has long since been through
  // it: visible to index-only scans (the page's count and offset read the index alone).
  await prisma.$executeRawUnsafe(`VACUUM (ANALYZE) "DagRun", "TaskInstance"`);
}

async function reads(ctx, stack, clients, runs) {
  const rate = num('BENCH_API_RATE', ctx.smoke ? 20 : 200);
  const seconds = num('BENCH_API_SECONDS', ctx.smoke ? 3 : 30);
  const page = num('BENCH_API_PAGE', 10);
  // BENCH_API_TI_FIRST=0 leaves the argument out (the same 50 task instances: the DAG has 50), for a
  // build older than taskInstances(first:) run through BENCH_STACK_ROOT.
  const tiFirst = num('BENCH_API_TI_FIRST', TASKS);
  const query = `query($d: String!, $first: Int, $offset: Int) { dagRuns(dagId: $d, first: $first, offset: $offset) {
    totalCount edges { node { id state logicalDate taskInstances${tiFirst ? `(first: ${tiFirst})` : ''} { taskId state tryNumber } } } } }`;
  /** `seconds` of requests sent open-loop at `rate` (random offsets); latency from each one's due time. */
  async function openLoop(secs) {
    const latencies = [];
    let failed = 0;
    const pending = [];
    const start = performance.now();
    const total = rate * secs;
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const offset = Math.floor(Math.random() * Math.max(1, runs - page));
      pending.push(
        clients[i % clients.length].request(query, { d: 'wide', first: page, offset }).then(
          (data) => {
            if (data.dagRuns.edges.length !== page || data.dagRuns.edges[0].node.taskInstances.length !== TASKS) failed++;
            latencies.push(performance.now() - due);
          },
          () => failed++,
        ),
      );
    }
    await Promise.all(pending);
    return { latencies, failed, total, seconds: (performance.now() - start) / 1000 };
  }
  // Warm-up, not measured: JIT and plans (50 in turn), then the API's connection pool grown to what
  // the rate needs (each new connection prepares its statements), BENCH_API_WARMUP_SECONDS at the rate.
  for (let i = 0; i < 50 * clients.length; i++) await clients[i % clients.length].request(query, { d: 'wide', first: page, offset: i * page });
  await openLoop(num('BENCH_API_WARMUP_SECONDS', ctx.smoke ? 1 : 5));
  ctx.progress.note(`reads: ${rate} requests/s for ${seconds} s, ${page} runs × ${TASKS} task instances each, ${clients.length} API process(es)`);
  const { latencies, failed, total, seconds: took } = await openLoop(seconds);
  const achieved = total / took;
  const s = summarize(latencies);
  const fig = {
    bench: 'api',
    case: 'dagRuns+taskInstances',
    apiProcesses: clients.length,
    storedTaskInstances: runs * TASKS,
    runsPerPage: page,
    taskInstancesPerResponse: page * TASKS,
    requestsPerSecTarget: rate,
    requestsPerSecAchieved: round(achieved, 1),
    requests: total,
    failed,
    p50Ms: round(s.p50),
    p90Ms: round(s.p90),
    p99Ms: round(s.p99),
    maxMs: round(s.max),
    floorP99Ms: 50,
    floorMet: s.p99 != null && s.p99 <= 50 && failed === 0,
  };
  ctx.emit(fig);
  return fig;
}

async function fanOut(ctx, stack, client, token) {
  const subscribers = ctx.size(num('BENCH_API_SUBSCRIBERS', 2000), 50);
  const runs = ctx.size(20, 3);
  await upsertDag(client, { dagId: 'live', maxActiveRuns: 1000, tasks: [{ taskId: 'a', type: 'noop' }] });
  const wsUrl = stack.apiUrl.replace(/^http/, 'ws');
  const latencies = [];
  const received = new Set();
  let measuring = false;
  const clients = [];
  const errors = [];
  ctx.progress.note(`fan-out: opening ${subscribers} graphql-ws subscribers`);
  for (let i = 0; i < subscribers; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, subscribers - i) }, (_, j) => {
        const id = i + j;
        const c = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false });
        clients.push(c);
        c.subscribe(
          { query: `subscription { dagRunUpdated(dagId: "live") { id state queuedAt startedAt endedAt } }` },
          {
            next: (msg) => {
              const at = Date.now();
              const run = msg.data?.dagRunUpdated;
              if (!run) return errors.push(msg.errors);
              received.add(`${id}|${run.id}|${run.state}`);
              if (!measuring) return;
              const changedAt = run.state === 'queued' ? run.queuedAt : run.state === 'running' ? run.startedAt : run.endedAt;
              if (changedAt) latencies.push(at - Date.parse(changedAt));
            },
            error: (e) => errors.push(e),
            complete: () => undefined,
          },
        );
        return new Promise((resolve) => {
          const off = c.on('connected', () => {
            off();
            resolve();
          });
          setTimeout(resolve, 30_000);
        });
      }),
    );
  }
  // Ready when every subscriber heard a warm-up run's first change.
  for (let attempt = 0; attempt < 10; attempt++) {
    const warm = await triggerRun(client, 'live', new Date(Date.UTC(2030, 0, 1, 0, attempt)));
    await sleep(2_000);
    const heard = new Set([...received].filter((k) => k.includes(`|${warm.id}|`)).map((k) => k.split('|')[0]));
    ctx.progress.note(`fan-out: ${heard.size}/${subscribers} subscribers heard the warm-up run`);
    if (heard.size === subscribers) break;
  }
  measuring = true;
  for (let r = 0; r < runs; r++) {
    await triggerRun(client, 'live', new Date(Date.UTC(2031, 0, 1, 0, r)));
    await sleep(1_000);
  }
  await sleep(3_000);
  measuring = false;
  await Promise.all(clients.map((c) => c.dispose()));
  const s = summarize(latencies);
  const fig = {
    bench: 'api',
    case: 'subscription fan-out',
    subscribers,
    stateChangesPerSubscriber: round(latencies.length / subscribers, 1),
    messages: latencies.length,
    errors: errors.length,
    p50Ms: round(s.p50),
    p90Ms: round(s.p90),
    p99Ms: round(s.p99),
    maxMs: round(s.max),
    floorP99Ms: 200,
    floorMet: s.p99 != null && s.p99 <= 200 && errors.length === 0,
  };
  ctx.emit(fig);
  return fig;
}

export default async function api(ctx) {
  const runs = Math.round(ctx.size(1_000_000, 5_000) / TASKS);
  const stack = await startStack({ name: 'api', progress: ctx.progress });
  try {
    // The API as it is deployed (infra/images/Dockerfile, the k8s base): NODE_ENV=production, which
    // also switches graphql-js's development checks off; production requires an encryption key.
    const deployed = { NODE_ENV: 'production', TOWER_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}` };
    await stack.startProcess('api', deployed);
    const { client, tenantId } = await signUp(stack.apiUrl, 'api-bench');
    await upsertDag(client, { dagId: 'wide', tasks: noopTasks(TASKS) });
    const t0 = Date.now();
    await bulkInsert(stack.prisma, tenantId, 'wide', runs);
    ctx.progress.note(
      `stored ${runs} runs × ${TASKS} = ${runs * TASKS} task instances in ${((Date.now() - t0) / 1000).toFixed(1)} s; load ${JSON.stringify(load())}`,
    );
    // Further replicas for the reads, each on a port of its own.
    const replicas = [];
    for (let i = 1; i < num('BENCH_API_REPLICAS', 1); i++) {
      const port = await freePort();
      replicas.push({ port, proc: await stack.startProcess('api', { ...deployed, API_PORT: String(port) }) });
    }
    const urls = [stack.apiUrl, ...replicas.map((r) => `http://127.0.0.1:${r.port}/graphql`)];
    await reads(
      ctx,
      stack,
      urls.map((url) => new GqlClient(url, client.token)),
      runs,
    );
    for (const r of replicas) await r.proc.stop();
    await fanOut(ctx, stack, client, client.token);
  } finally {
    await stack.stop();
  }
}
