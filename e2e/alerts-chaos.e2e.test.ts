import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startHttpReceiver, type HttpReceiver } from '../packages/alerts/src/test-support/receivers.js';
import { GqlClient, signUp } from './support/graphql.js';
import { privateRedis } from './support/private-redis.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

/**
 * Alerts lose nothing and send nothing twice: the process evaluating them is SIGKILLed and Redis
 * is flushed while runs fail; timer rules fire with no other event, across a restart of every
 * process. Receivers are local HTTP servers; counts are per receiver.
 */
describe('alerts under faults', () => {
  let http: HttpReceiver;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    http = await startHttpReceiver();
  });

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await http?.close();
  });

  async function channel(api: GqlClient, name: string, type: string, config: unknown, secrets: unknown): Promise<string> {
    const res = await api.request<{ createAlertChannel: { id: string } }>(
      `mutation($n: String!, $t: AlertChannelType!, $c: JSON, $s: JSON) { createAlertChannel(input: { name: $n, type: $t, config: $c, secrets: $s }) { id } }`,
      { n: name, t: type, c: config, s: secrets },
    );
    return res.createAlertChannel.id;
  }

  it('SIGKILL of the evaluating scheduler and FLUSHALL while 100 runs fail: every alert reaches every channel exactly once', async () => {
    const redis = await privateRedis();
    cleanups.push(redis.stop);
    const stack: Stack = await startStack({ name: 'alerts-chaos', env: { REDIS_URL: redis.url, REQUEUE_AFTER_MS: '2000', WORKER_CONCURRENCY: '8' } });
    cleanups.push(() => stack.stop());
    const { client: api } = await signUp(stack.apiUrl, 'alerts-chaos');
    const ids = [
      await channel(api, 'hook', 'WEBHOOK', { url: `${http.url}/chaos/hook` }, { signingSecret: 'whsec-chaos' }),
      await channel(api, 'slack', 'SLACK', {}, { webhookUrl: `${http.url}/chaos/slack` }),
      await channel(api, 'pd', 'PAGERDUTY', { eventsUrl: `${http.url}/chaos/pd` }, { routingKey: 'chaos-key' }),
    ];
    await api.request(`mutation($c: [ID!]) { createAlertRule(input: { name: "any failure", event: RUN_FAILED, channelIds: $c }) { id } }`, { c: ids });
    for (let d = 0; d < 10; d++) {
      await api.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
        s: { dagId: `chaos_${d}`, tasks: [{ taskId: 'boom', type: 'http.request', with: { url: 'http://127.0.0.1:1/closed' } }] },
      });
    }
    const base = Date.UTC(2026, 0, 1);
    const trigger = async (i: number) =>
      api.request(`mutation($d: String!, $at: DateTime!) { triggerDagRun(dagId: $d, logicalDate: $at) { id } }`, {
        d: `chaos_${i % 10}`,
        at: new Date(base + i * 60_000).toISOString(),
      });
    const failedRuns = () => stack.prisma.dagRun.count({ where: { state: 'failed' } });

    for (let i = 0; i < 50; i++) await trigger(i);
    await waitFor(async () => (await failedRuns()) >= 20, 60_000, 'the first failures');
    // The scheduler is the process that evaluates alerts: kill it mid-stream, and lose Redis too.
    const scheduler = stack.processes.find((p) => p.name.startsWith('scheduler'))!;
    await scheduler.kill9();
    const admin = new Redis(redis.url);
    await admin.flushall();
    admin.disconnect();
    for (let i = 50; i < 100; i++) await trigger(i);
    await stack.startProcess('scheduler');

    await waitFor(async () => (await failedRuns()) === 100, 120_000, '100 failed runs');
    const alertIdOf = (path: string) =>
      http.at(path).map((r) => {
        const body = r.json as { alert?: { id: string }; dedup_key?: string; text?: string; blocks?: unknown };
        return body.alert?.id ?? body.dedup_key ?? JSON.stringify(body.blocks);
      });
    await waitFor(
      async () => ['/chaos/hook', '/chaos/slack', '/chaos/pd'].every((p) => new Set(alertIdOf(p)).size >= 100),
      90_000,
      'every alert on every channel',
    );
    // Anything sent twice would have arrived by now: retries after a lost job take a few seconds.
    await new Promise((r) => setTimeout(r, 6000));
    for (const path of ['/chaos/hook', '/chaos/slack', '/chaos/pd']) {
      const got = alertIdOf(path);
      expect({ path, received: got.length, distinct: new Set(got).size }).toEqual({ path, received: 100, distinct: 100 });
    }
    expect(await stack.prisma.alert.count({ where: { event: 'RUN_FAILED' } })).toBe(100);
    expect(await stack.prisma.alertDelivery.count({ where: { status: 'DELIVERED', kind: 'TRIGGER' } })).toBe(300);
  });

  it('duration, deadline and freshness rules fire on time with no other event, across a restart of every Tower process', async () => {
    const stack: Stack = await startStack({ name: 'alerts-timers', env: { ALERT_SWEEP_MS: '1000', ZOMBIE_AFTER_MS: '120000' } });
    cleanups.push(() => stack.stop());
    const { client: api, tenantId } = await signUp(stack.apiUrl, 'alerts-timers');
    const upsert = (dagId: string, durationMs = 0) =>
      api.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, { s: { dagId, tasks: [{ taskId: 'a', type: 'noop', with: { durationMs } }] } });
    await upsert('long_run', 120_000);
    await upsert('stale');
    await upsert('late');
    await stack.prisma.dag.updateMany({ where: { tenantId, dagId: 'stale' }, data: { createdAt: new Date(Date.now() - 2 * 3_600_000) } });
    // A deadline at the next minute boundary at least 25 s away (UTC): it passes while the stack is down or just after.
    const now = new Date();
    const deadline = new Date(Math.ceil((now.getTime() + 25_000) / 60_000) * 60_000);
    const hhmm = deadline.toISOString().slice(11, 16);
    await api.request(`mutation { createAlertRule(input: { name: "slow", event: RUN_DURATION, durationSeconds: 8, dagIds: ["long_run"] }) { id } }`);
    await api.request(
      `mutation($t: String!) { createAlertRule(input: { name: "late", event: RUN_DEADLINE, deadlineTime: $t, deadlineTimezone: "UTC", dagIds: ["late"] }) { id } }`,
      { t: hhmm },
    );
    const run = (await api.request<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "long_run") { id } }`)).triggerDagRun;
    const started = await waitFor(async () => (await stack.prisma.dagRun.findUnique({ where: { id: run.id } }))?.startedAt, 30_000, 'the long run to start');

    // Every process down (SIGKILL: no goodbye), a pause, then all back.
    for (const p of [...stack.processes]) await p.kill9();
    await new Promise((r) => setTimeout(r, 3000));
    // Freshness is created while everything is down: only the restarted processes can fire it.
    await stack.prisma.alertRule.create({ data: { tenantId, name: 'fresh', event: 'FRESHNESS', freshnessHours: 1, dagIds: ['stale'] } });
    expect(await stack.prisma.alert.count()).toBe(0);
    await stack.startProcess('api');
    await stack.startProcess('scheduler');
    await stack.startProcess('worker');

    const alertOf = (event: string) =>
      waitFor(async () => stack.prisma.alert.findFirst({ where: { tenantId, event: event as never } }), 90_000, `${event} alert`);
    const duration = await alertOf('RUN_DURATION');
    expect(duration.dagRunId).toBe(run.id);
    expect(duration.firedAt.getTime()).toBeGreaterThanOrEqual(started.getTime() + 8000);
    expect(duration.firedAt.getTime() - (started.getTime() + 8000)).toBeLessThan(15_000);
    const fresh = await alertOf('FRESHNESS');
    expect(fresh.dagId).toBe('stale');
    const late = await alertOf('RUN_DEADLINE');
    expect(late.dedupKey).toBe(`dag:late:${deadline.toISOString().slice(0, 10)}`);
    expect(late.firedAt.getTime()).toBeGreaterThanOrEqual(deadline.getTime());
    expect(late.firedAt.getTime() - deadline.getTime()).toBeLessThan(10_000);
    // Each fired once: later sweeps and the restart did not repeat them.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await stack.prisma.alert.count({ where: { tenantId } })).toBe(3);
  });
});
