import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { deleteRedisPrefix } from '@tower/queue';
import { collect, signUp } from './support/graphql.js';
import { startPrivatePostgres } from './support/private-postgres.js';
import { startPrivateRedis } from './support/private-redis.js';
import { runFinished } from './support/runs.js';
import { ROOT, startStack, startTowerProcess, waitFor, type Stack } from './support/stack.js';

/** One sample of a Prometheus text exposition: `name{labels} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of the samples named `name` whose labels include `where`. */
function total(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

async function scrape(port: number): Promise<Sample[]> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return parseMetrics(await res.text());
}

/** Nothing listens there: an http.request task to it fails at once. */
const FAIL_URL = 'http://127.0.0.1:9/unreachable';

const status = async (port: number, path: string) => (await fetch(`http://127.0.0.1:${port}${path}`)).status;

describe('health and metrics of every process', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  let stack: Stack;
  let ports: Record<'api' | 'scheduler' | 'worker', number>;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;

  it('serves /healthz, /readyz and /metrics, whose counts match a real run', async () => {
    redis = await startPrivateRedis();
    cleanups.push(redis.stop);
    stack = await startStack({ name: 'observe', env: { REDIS_URL: redis.url } });
    cleanups.push(() => stack.stop());
    const proc = (kind: string) => stack.processes.find((p) => p.name.startsWith(kind))!;
    ports = { api: stack.apiPort, scheduler: proc('scheduler').opsPort!, worker: proc('worker').opsPort! };
    expect(ports.scheduler).toBeGreaterThan(0);
    expect(ports.worker).toBeGreaterThan(0);
    for (const port of Object.values(ports)) {
      expect(await status(port, '/healthz')).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      // The machine's Postgres runs with autovacuum = off: every process warns of it without turning unready.
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' },
        warnings: { vacuum: [expect.stringMatching(/^autovacuum is off on this PostgreSQL server/)] },
      });
    }

    const { client: api, tenantId } = await signUp(stack.apiUrl, 'observe');
    // Five tasks: three no-ops in a chain; a root that fails for good; one that fails, is retried
    // and fails again (6 tries).
    await api.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
      s: {
        dagId: 'observed',
        tasks: [
          { taskId: 'a', type: 'noop' },
          { taskId: 'b', type: 'noop', dependsOn: ['a'] },
          { taskId: 'c', type: 'noop', dependsOn: ['b'] },
          { taskId: 'd', type: 'http.request', retries: 0, with: { url: FAIL_URL, timeoutMs: 2000 } },
          { taskId: 'e', type: 'http.request', dependsOn: ['a'], retries: 1, retryDelaySeconds: 1, with: { url: FAIL_URL, timeoutMs: 2000 } },
        ],
      },
    });
    // A graphql-ws subscription open during the run (the API's subscription gauge).
    const ws = api.ws();
    cleanups.push(async () => void (await ws.dispose()));
    const updates = collect<{ dagRunUpdated: { id: string; state: string } }>(ws, 'subscription { dagRunUpdated { id state } }');
    await waitFor(async () => total(await scrape(ports.api), 'tower_graphql_subscriptions_active') === 1, 20_000, 'the subscription to open');
    // A daily DAG two days behind: the scheduler creates its two missed runs at once (due → created lag).
    const midnight = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000);
    await api.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
      s: {
        dagId: 'nightly',
        schedule: '@daily',
        timezone: 'UTC',
        startDate: midnight.toISOString().slice(0, 19),
        catchup: true,
        tasks: [{ taskId: 'n', type: 'noop' }],
      },
    });
    const { triggerDagRun: run } = await api.request<{ triggerDagRun: { id: string } }>(`mutation TriggerObserved { triggerDagRun(dagId: "observed") { id } }`);
    const done = await runFinished(api, run.id, 60_000);
    expect(done.state).toBe('failed');
    const tries = await stack.prisma.taskTry.findMany({ where: { taskInstance: { dagRunId: run.id } } });
    const nightly = await waitFor(
      async () => {
        const runs = await stack.prisma.dagRun.findMany({ where: { dagId: 'nightly' } });
        return runs.length === 2 && runs.every((r) => r.state === 'success') ? runs : null;
      },
      60_000,
      'the two nightly runs',
    );
    const allTries = await stack.prisma.taskTry.count();
    expect(allTries).toBe(tries.length + nightly.length);

    const worker = await scrape(ports.worker);
    // Every try made (the triggered run's six, one per nightly run), each counted once, by operator and outcome.
    expect(total(worker, 'tower_task_tries_total')).toBe(allTries);
    expect(total(worker, 'tower_task_tries_total', { operator: 'noop', outcome: 'success' })).toBe(3 + nightly.length);
    expect(total(worker, 'tower_task_tries_total', { operator: 'http.request', outcome: 'failed' })).toBe(2);
    expect(total(worker, 'tower_task_tries_total', { operator: 'http.request', outcome: 'up_for_retry' })).toBe(1);
    expect(total(worker, 'tower_task_retries_total', { operator: 'http.request' })).toBe(1);
    expect(total(worker, 'tower_task_duration_seconds_count')).toBe(allTries);
    expect(total(worker, 'tower_task_duration_seconds_sum')).toBeGreaterThan(0);
    expect(total(worker, 'tower_scheduling_lag_seconds_count', { stage: 'queued_to_running' })).toBe(allTries);
    // Roots a and d, and each nightly run's root: a run's start lag is counted once per root's first try.
    expect(total(worker, 'tower_scheduling_lag_seconds_count', { stage: 'created_to_running' })).toBe(2 + nightly.length);
    expect(total(worker, 'tower_worker_tries_running')).toBe(0);
    expect(total(worker, 'tower_db_pool_connections', { state: 'max' })).toBeGreaterThan(0);
    expect(worker.some((s) => s.name === 'tower_nodejs_eventloop_lag_seconds')).toBe(true);

    const apiSamples = await scrape(ports.api);
    expect(total(apiSamples, 'tower_graphql_operations_total', { operation: 'TriggerObserved', type: 'mutation', outcome: 'ok' })).toBe(1);
    expect(total(apiSamples, 'tower_graphql_operation_duration_seconds_count', { operation: 'TriggerObserved' })).toBe(1);
    expect(total(apiSamples, 'tower_graphql_subscriptions_active')).toBe(1);
    expect(updates.items.some((u) => u.dagRunUpdated.id === run.id)).toBe(true);
    updates.dispose();
    await waitFor(async () => total(await scrape(ports.api), 'tower_graphql_subscriptions_active') === 0, 20_000, 'the subscription to close');
    expect(total(apiSamples, 'tower_db_pool_connections', { state: 'max' })).toBe(10);

    const scheduler = await scrape(ports.scheduler);
    expect(total(scheduler, 'tower_scheduler_ticks_total')).toBeGreaterThan(0);
    expect(total(scheduler, 'tower_scheduler_last_tick_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(total(scheduler, 'tower_zombie_reaps_total')).toBe(0);
    // The nightly runs were created a day or more after their intervals ended.
    expect(total(scheduler, 'tower_scheduling_lag_seconds_count', { stage: 'due_to_created' })).toBe(2);
    expect(total(scheduler, 'tower_scheduling_lag_seconds_sum', { stage: 'due_to_created' })).toBeGreaterThan(86_400);
    expect(total(scheduler, 'tower_scheduler_actions_total', { action: 'runsCreated' })).toBe(2);
    // Both lanes reported, nothing left waiting once the run ended.
    expect(scheduler.filter((s) => s.name === 'tower_queue_oldest_job_age_seconds').map((s) => s.labels.lane)).toEqual(['interactive', 'bulk']);
    expect(total(scheduler, 'tower_queue_jobs', { state: 'prioritized' })).toBe(0);

    // The alert-delivery hook exists (incremented by the alert delivery queue) and no metric of
    // any process carries a tenant id.
    expect(await fetch(`http://127.0.0.1:${ports.api}/metrics`).then((r) => r.text())).toContain('# TYPE tower_alert_deliveries_total counter');
    for (const samples of [worker, apiSamples, scheduler]) {
      expect(samples.filter((s) => Object.values(s.labels).includes(tenantId))).toEqual([]);
    }
  });

  it('/readyz turns unready when Redis stops and ready again after it restarts; /healthz stays up', async () => {
    await redis.stop();
    for (const port of Object.values(ports)) {
      const body = await waitFor(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/readyz`);
          return res.status === 503 ? ((await res.json()) as { status: string; checks: Record<string, string> }) : null;
        },
        20_000,
        `port ${port} to turn unready`,
        250,
      );
      expect(body.status).toBe('unready');
      expect(body.checks.redis).not.toBe('ok');
      expect(body.checks.postgres).toBe('ok');
      expect(await status(port, '/healthz')).toBe(200);
    }

    await redis.restart();
    for (const port of Object.values(ports)) {
      await waitFor(async () => (await status(port, '/readyz')) === 200, 30_000, `port ${port} to be ready again`, 250);
    }
  });
});

describe('readiness when Postgres stops', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('a worker on a private Postgres turns unready when it stops and ready again after it restarts', async () => {
    const pg = await startPrivatePostgres();
    cleanups.push(pg.destroy);
    const url = pg.urlFor('tower');
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'db.mjs'), 'migrate', '--url', url], { cwd: ROOT });
    const redisPrefix = `tower-test-pgready-${process.pid}`;
    cleanups.push(() => deleteRedisPrefix(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', redisPrefix));
    const worker = await startTowerProcess(
      'worker',
      { DATABASE_URL: url, REDIS_PREFIX: redisPrefix, WORKER_OPS_PORT: '0', LOG_LEVEL: 'info' },
      { name: 'worker', log: 'pgready-worker', spawned: (proc) => cleanups.push(() => proc.kill9()) },
    );
    const port = worker.opsPort!;
    const readyz = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } };
    };
    expect((await readyz()).status).toBe(200);

    await pg.stop();
    const down = await waitFor(async () => ((await readyz()).status === 503 ? readyz() : null), 20_000, 'the worker to turn unready', 250);
    expect(down.body.checks.postgres).not.toBe('ok');
    expect(down.body.checks.redis).toBe('ok');
    expect(await status(port, '/healthz')).toBe(200);

    await pg.start();
    await waitFor(async () => (await readyz()).status === 200, 30_000, 'the worker to be ready again', 250);
  });
});
