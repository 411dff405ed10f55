import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KnownBlock } from '@slack/types';
import { createLogger } from '@tower/logger';
import { EventPublisher } from '@tower/events';
import { createRedis } from '@tower/queue';
import { DEV_KEYRING_VALUE, parseKeyring } from '@tower/secrets';
import { startEngineStack, type EngineStack } from '../../engine/src/test-support/engine-stack.js';
import { startTestS3 } from '../../operators/src/s3/test-support.js';
import { AlertChannelService } from './channel-service.js';
import { testChannel } from './delivery.js';
import { AlertEvaluator } from './evaluator.js';
import type { AlertsDeps } from './deps.js';
import { AlertRuleService } from './rule-service.js';
import { SLACK_LIMITS } from '@tower/core';
import { waitFor } from '../../../e2e/support/stack.js';
import { startHttpReceiver, startMailReceiver, type HttpReceiver, type MailReceiver } from './test-support/receivers.js';
import { verifyWebhookSignature } from './signature.js';

const SIGNING_SECRET = 'whsec-alerts-0123';
const WEB_URL = 'http://127.0.0.1:3999';

let stack: EngineStack;
let http: HttpReceiver;
let mail: MailReceiver;
let deps: AlertsDeps;
let channels: AlertChannelService;
let rules: AlertRuleService;
const ids: Record<string, string> = {};
const redis = createRedis('redis://127.0.0.1:6379');

/** A DAG whose `call` task fetches `{{ params.url }}`: a closed port fails it, the receiver succeeds it. */
const flaky = (dagId: string, extra: Record<string, unknown> = {}) => ({
  dagId,
  tags: ['sales'],
  params: { url: { type: 'string', default: 'http://127.0.0.1:1/closed' } },
  tasks: [{ taskId: 'call', type: 'http.request', with: { url: '{{ params.url }}' } }],
  ...extra,
});

beforeAll(async () => {
  http = await startHttpReceiver();
  mail = await startMailReceiver();
  stack = await startEngineStack('alerts', { ALERT_EVALUATE_MS: '100', ALERT_SWEEP_MS: '300', TOWER_WEB_URL: WEB_URL, ALERT_DELIVERY_TIMEOUT_MS: '2000' });
  deps = {
    prisma: stack.prisma,
    logger: createLogger('alerts-test', { level: 'warn' }),
    keyring: parseKeyring(DEV_KEYRING_VALUE),
    clock: () => new Date(),
    events: new EventPublisher(redis, stack.prefix),
    webUrl: WEB_URL,
  };
  channels = new AlertChannelService(deps);
  rules = new AlertRuleService(deps);
  const t = stack.tenantId;
  await stack.prisma.connection.create({
    data: { tenantId: t, connId: 'mailer', type: 'smtp', config: { host: '127.0.0.1', port: mail.port, secure: false, from: 'tower@example.com' } },
  });
  ids.webhook = (
    await channels.create(t, { name: 'hook', type: 'WEBHOOK', config: { url: `${http.url}/hook` }, secrets: { signingSecret: SIGNING_SECRET } })
  ).id;
  ids.slack = (await channels.create(t, { name: 'slack', type: 'SLACK', secrets: { webhookUrl: `${http.url}/slack` } })).id;
  ids.pd = (await channels.create(t, { name: 'pd', type: 'PAGERDUTY', config: { eventsUrl: `${http.url}/pd` }, secrets: { routingKey: 'R0UT1NGKEY' } })).id;
  ids.email = (await channels.create(t, { name: 'mail', type: 'EMAIL', config: { connection: 'mailer', to: ['oncall@example.com'] } })).id;
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await http?.close();
  await mail?.close();
  redis.disconnect();
});

describe('alert rules through the real scheduler, worker and receivers', () => {
  it('a failed run opens one alert on every channel; its recovery resolves it (PagerDuty trigger then resolve, one dedup key)', async () => {
    const t = stack.tenantId;
    await rules.create(t, { name: 'sales failed', event: 'RUN_FAILED', dagIds: ['sales_*'], channelIds: [ids.webhook, ids.slack, ids.pd, ids.email] });
    await rules.create(t, { name: 'sales back', event: 'RUN_RECOVERED', dagIds: ['sales_*'], severity: 'INFO', channelIds: [ids.slack] });
    const failed = await stack.runToEnd(flaky('sales_daily'));
    expect(failed.run.state).toBe('failed');

    const alert = await waitFor(async () =>
      stack.prisma.alert.findFirst({ where: { tenantId: t, event: 'RUN_FAILED', dagId: 'sales_daily' } }).then((a) => a ?? undefined),
    );
    expect(alert).toMatchObject({
      state: 'FIRING',
      dagRunId: failed.run.id,
      runId: failed.run.runId,
      notified: true,
      summary: `sales_daily run ${failed.run.runId} failed`,
    });
    await waitFor(
      async () => http.at('/hook').length === 1 && http.at('/slack').length === 1 && http.at('/pd').length === 1 && mail.messages.length === 1,
      20_000,
      'deliveries',
    );

    // Webhook: signed over timestamp + raw body, verifiable with the documented recipe.
    const [hook] = http.at('/hook');
    expect(verifyWebhookSignature(SIGNING_SECRET, hook.headers['x-tower-signature'] as string, hook.body)).toBe(true);
    expect(verifyWebhookSignature('wrong-secret', hook.headers['x-tower-signature'] as string, hook.body)).toBe(false);
    expect(hook.json).toMatchObject({
      type: 'alert.firing',
      alert: { id: alert.id, event: 'RUN_FAILED', dagId: 'sales_daily', state: 'FIRING', link: `${WEB_URL}/dags/sales_daily?run=${failed.run.id}` },
    });

    // Slack: Block Kit within Slack's limits, with the run's link as a button.
    const slack = http.at('/slack')[0].json as { text: string; blocks: KnownBlock[] };
    expect(slack.text).toContain('sales_daily');
    expect(slack.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions', 'context']);
    const header = slack.blocks[0] as { text: { type: string; text: string } };
    expect(header.text.type).toBe('plain_text');
    expect(header.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    expect(JSON.stringify(slack.blocks[3])).toContain(`${WEB_URL}/dags/sales_daily?run=${failed.run.id}`);

    // Email: the subject says what broke; text and HTML parts; the link.
    const [m] = mail.messages;
    expect(m.to).toEqual(['oncall@example.com']);
    expect(m.subject).toBe(`[Tower ERROR] sales_daily run ${failed.run.runId} failed`);
    expect(m.text).toContain(`Open in Tower: ${WEB_URL}/dags/sales_daily?run=${failed.run.id}`);
    expect(m.html).toContain(`<a href="${WEB_URL}/dags/sales_daily?run=${failed.run.id}">`);

    const ok = await stack.runToEnd(flaky('sales_daily'), { url: `${http.url}/ok` });
    expect(ok.run.state).toBe('success');
    await waitFor(async () => http.at('/pd').length === 2 && http.at('/slack').length >= 3, 20_000, 'resolve deliveries');
    const pd = http.at('/pd').map((r) => r.json as { event_action: string; dedup_key: string; routing_key: string; payload?: Record<string, unknown> });
    expect(pd.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(pd[0].dedup_key).toBe(pd[1].dedup_key);
    expect(pd[0]).toMatchObject({ routing_key: 'R0UT1NGKEY', payload: { severity: 'error', source: 'tower/sales_daily', summary: alert.summary } });
    expect(await stack.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({ state: 'RESOLVED' });
    // The recovery rule fired once; email is not told of a resolve; the webhook is.
    expect(await stack.prisma.alert.count({ where: { tenantId: t, event: 'RUN_RECOVERED' } })).toBe(1);
    await waitFor(async () => http.at('/hook').length === 2, 10_000, 'webhook resolve');
    expect((http.at('/hook')[1].json as { type: string }).type).toBe('alert.resolved');
    await new Promise((r) => setTimeout(r, 500));
    expect(mail.messages).toHaveLength(1);
    expect(http.at('/slack')).toHaveLength(3); // trigger, resolve, recovered
    await rules.delete(t, (await rules.list(t)).find((r) => r.name === 'sales back')!.id);
  });

  it('one run whose tasks fail raises one alert, not one per task; filters by task id', async () => {
    const t = stack.tenantId;
    const rule = await rules.create(t, { name: 'wide tasks', event: 'TASK_FAILED', dagIds: ['wide'], taskIds: ['t*'], channelIds: [ids.webhook] });
    const before = http.at('/hook').length;
    const tasks = Array.from({ length: 6 }, (_, i) => ({ taskId: `t${i}`, type: 'http.request', with: { url: 'http://127.0.0.1:1/closed' } }));
    const { run } = await stack.runToEnd({
      dagId: 'wide',
      tasks: [...tasks, { taskId: 'other', type: 'http.request', with: { url: 'http://127.0.0.1:1/closed' } }],
    });
    expect(run.state).toBe('failed');
    const alert = await waitFor(async () =>
      stack.prisma.alert.findFirst({ where: { ruleId: rule.id } }).then((a) => (a && a.occurrences === 6 ? a : undefined)),
    );
    expect((alert.details as { tasks: string[] }).tasks.sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
    await waitFor(async () => http.at('/hook').length === before + 1, 10_000, 'one webhook');
    await new Promise((r) => setTimeout(r, 500));
    expect(http.at('/hook')).toHaveLength(before + 1);
    expect(await stack.prisma.alert.count({ where: { ruleId: rule.id } })).toBe(1);
    await rules.delete(t, rule.id);
  });

  it('throttles and mutes: the alert is recorded but no channel is told', async () => {
    const t = stack.tenantId;
    const rule = await rules.create(t, { name: 'throttled', event: 'RUN_FAILED', dagIds: ['noisy'], throttleSeconds: 3600, channelIds: [ids.webhook] });
    const before = http.at('/hook').length;
    await stack.runToEnd(flaky('noisy'));
    await stack.runToEnd(flaky('noisy'));
    const alerts = await waitFor(async () =>
      stack.prisma.alert.findMany({ where: { ruleId: rule.id }, orderBy: { firedAt: 'asc' } }).then((a) => (a.length === 2 ? a : undefined)),
    );
    expect(alerts.map((a) => a.notified)).toEqual([true, false]);
    await rules.update(t, rule.id, { throttleSeconds: 0, mutedUntil: new Date(Date.now() + 3_600_000) });
    await stack.runToEnd(flaky('noisy'));
    await waitFor(async () => stack.prisma.alert.count({ where: { ruleId: rule.id } }).then((n) => n === 3));
    await new Promise((r) => setTimeout(r, 500));
    expect(http.at('/hook')).toHaveLength(before + 1);
    expect(await stack.prisma.alertDelivery.count({ where: { alert: { ruleId: rule.id } } })).toBe(1);
    await rules.delete(t, rule.id);
  });

  it('N consecutive failures fire once at the Nth; a success resolves it', async () => {
    const t = stack.tenantId;
    const rule = await rules.create(t, { name: 'streak', event: 'CONSECUTIVE_FAILURES', consecutiveFailures: 3, dagIds: ['streaky'] });
    await stack.runToEnd(flaky('streaky'));
    await stack.runToEnd(flaky('streaky'));
    await new Promise((r) => setTimeout(r, 600));
    expect(await stack.prisma.alert.count({ where: { ruleId: rule.id } })).toBe(0);
    const third = await stack.runToEnd(flaky('streaky'));
    const alert = await waitFor(async () => stack.prisma.alert.findFirst({ where: { ruleId: rule.id } }).then((a) => a ?? undefined));
    expect(alert).toMatchObject({ dagRunId: third.run.id, state: 'FIRING', dedupKey: 'dag:streaky' });
    await stack.runToEnd(flaky('streaky'));
    await waitFor(async () => stack.prisma.alert.findFirst({ where: { ruleId: rule.id } }).then((a) => a?.occurrences === 2));
    await stack.runToEnd(flaky('streaky'), { url: `${http.url}/ok` });
    await waitFor(async () => stack.prisma.alert.findFirst({ where: { ruleId: rule.id } }).then((a) => a?.state === 'RESOLVED'));
    expect(await stack.prisma.alert.count({ where: { ruleId: rule.id } })).toBe(1);
  });

  it('run succeeded and task retried fire for their event and not for others', async () => {
    const t = stack.tenantId;
    const ok = await rules.create(t, { name: 'ok', event: 'RUN_SUCCEEDED', dagIds: ['mixed'] });
    const retried = await rules.create(t, { name: 'retried', event: 'TASK_RETRIED', dagIds: ['mixed'] });
    const spec = (retries: number) => ({ ...flaky('mixed'), defaultArgs: { retries, retryDelaySeconds: 0 } });
    await stack.runToEnd(spec(1)); // fails twice: one retry, then failed
    await stack.runToEnd(spec(0), { url: `${http.url}/ok` });
    await waitFor(async () => stack.prisma.alert.count({ where: { ruleId: ok.id } }).then((n) => n === 1));
    const r = await waitFor(async () => stack.prisma.alert.findFirst({ where: { ruleId: retried.id } }).then((a) => a ?? undefined));
    expect(r).toMatchObject({ state: 'RESOLVED', taskId: 'call', summary: expect.stringContaining('failed try 1 and will retry') });
    await new Promise((r2) => setTimeout(r2, 500));
    expect(await stack.prisma.alert.count({ where: { ruleId: { in: [ok.id, retried.id] } } })).toBe(2);
  });
});

describe('replicas, resolves and endpoints', () => {
  it('three evaluators racing (the scheduler and two more) open each alert once', async () => {
    const t = stack.tenantId;
    const rule = await rules.create(t, { name: 'raced', event: 'RUN_FAILED', dagIds: ['raced'] });
    const replicas = [new AlertEvaluator(deps, { batchSize: 3, sweepMs: 60_000 }), new AlertEvaluator(deps, { batchSize: 3, sweepMs: 60_000 })];
    let racing = true;
    const race = Promise.all(
      replicas.map(async (r) => {
        while (racing) await r.evaluate();
      }),
    );
    try {
      await stack.engine.dags.upsert(t, flaky('raced'));
      const base = Date.UTC(2026, 1, 1);
      const runs = [];
      for (let i = 0; i < 12; i++) runs.push(await stack.engine.runs.trigger(t, 'raced', {}, new Date(base + i * 60_000)));
      await waitFor(async () => stack.prisma.dagRun.count({ where: { dagId: 'raced', state: 'failed' } }).then((n) => n === 12), 60_000, '12 failed runs');
      await waitFor(async () => stack.prisma.alert.count({ where: { ruleId: rule.id } }).then((n) => n === 12), 20_000, '12 alerts');
    } finally {
      racing = false;
      await race;
    }
    const alerts = await stack.prisma.alert.findMany({ where: { ruleId: rule.id } });
    expect(new Set(alerts.map((a) => a.dagRunId)).size).toBe(12);
    expect(alerts.every((a) => a.occurrences === 1)).toBe(true);
    await rules.delete(t, rule.id);
  });

  it('a resolve goes to the channels that were told, even after the rule changed', async () => {
    const t = stack.tenantId;
    http.on('/told', { status: 200 });
    const told = await channels.create(t, { name: 'told', type: 'WEBHOOK', config: { url: `${http.url}/told` }, secrets: { signingSecret: 's3cr3t-told' } });
    const rule = await rules.create(t, { name: 'moved', event: 'RUN_FAILED', dagIds: ['moved'], channelIds: [told.id] });
    await stack.runToEnd(flaky('moved'));
    await waitFor(async () => http.at('/told').length === 1, 15_000, 'the trigger');
    await rules.update(t, rule.id, { channelIds: [] });
    await stack.runToEnd(flaky('moved'), { url: `${http.url}/ok` });
    await waitFor(async () => http.at('/told').length === 2, 15_000, 'the resolve');
    expect((http.at('/told')[1].json as { type: string }).type).toBe('alert.resolved');
  });

  it('a stored secret never follows a new endpoint', async () => {
    const t = stack.tenantId;
    const hook = await channels.create(t, { name: 'pinned', type: 'WEBHOOK', config: { url: `${http.url}/pinned` }, secrets: { signingSecret: 's3cr3t-pin' } });
    await expect(channels.update(t, hook.id, { config: { url: 'https://attacker.example/' } })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      path: 'secrets.signingSecret',
    });
    await expect(channels.update(t, hook.id, { config: { url: 'https://new.example/' }, secrets: { signingSecret: 'a-new-one' } })).resolves.toMatchObject({
      config: { url: 'https://new.example/' },
    });
    const pd = await channels.create(t, { name: 'pinned-pd', type: 'PAGERDUTY', config: { eventsUrl: `${http.url}/pd2` }, secrets: { routingKey: 'rk-1' } });
    await expect(channels.update(t, pd.id, { config: { eventsUrl: 'https://attacker.example/' } })).rejects.toMatchObject({ path: 'secrets.routingKey' });
  });
});

describe('sensor timeouts', () => {
  it('a sensor that times out fires SENSOR_TIMED_OUT once; a task failing otherwise does not', async () => {
    const s3 = await startTestS3(['lake']);
    try {
      const t = stack.tenantId;
      const conn = s3.connection('lake_s3');
      await stack.engine.connections.create(t, { connId: 'lake_s3', type: 's3', config: conn.config, secrets: conn.secrets });
      const rule = await rules.create(t, { name: 'sensors', event: 'SENSOR_TIMED_OUT', dagIds: ['waits', 'wide'] });
      const sensor = {
        taskId: 'wait',
        type: 's3.keySensor',
        with: { connection: 'lake_s3', bucket: 'lake', key: 'never.csv', timeoutSeconds: 1, pokeIntervalSeconds: 0.3, mode: 'poke' },
      };
      const { run, tis } = await stack.runToEnd({ dagId: 'waits', tasks: [sensor] });
      expect(run.state).toBe('failed');
      const alert = await waitFor(async () => stack.prisma.alert.findFirst({ where: { ruleId: rule.id } }).then((a) => a ?? undefined));
      expect(alert).toMatchObject({ dagRunId: run.id, taskId: 'wait', state: 'FIRING', summary: `sensor waits.wait timed out in run ${run.runId}` });
      expect((alert.details as { error: string }).error).toContain('timed out');
      expect(tis[0].tryNumber).toBe(1); // a sensor timeout is final: no retry
      await stack.runToEnd({ dagId: 'wide', tasks: [{ taskId: 't0', type: 'http.request', with: { url: 'http://127.0.0.1:1/closed' } }] });
      await new Promise((r) => setTimeout(r, 600));
      expect(await stack.prisma.alert.count({ where: { ruleId: rule.id } })).toBe(1);
    } finally {
      await s3.close();
    }
  });
});

describe('timer-driven rules', () => {
  it('a run running longer than its duration fires while it runs, and resolves when it ends', async () => {
    const t = stack.tenantId;
    const rule = await rules.create(t, { name: 'slow', event: 'RUN_DURATION', durationSeconds: 1, dagIds: ['slowpoke'] });
    await stack.engine.dags.upsert(t, { dagId: 'slowpoke', tasks: [{ taskId: 'nap', type: 'noop', with: { durationMs: 3500 } }] });
    const run = await stack.engine.runs.trigger(t, 'slowpoke', {});
    const alert = await waitFor(async () => stack.prisma.alert.findFirst({ where: { ruleId: rule.id } }).then((a) => a ?? undefined), 10_000);
    expect(alert).toMatchObject({ state: 'FIRING', dagRunId: run.id });
    expect((await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe('running');
    await waitFor(async () => stack.prisma.alert.findUnique({ where: { id: alert.id } }).then((a) => a?.state === 'RESOLVED'), 15_000);
    expect(await stack.prisma.alert.count({ where: { ruleId: rule.id } })).toBe(1);
  });

  it('freshness fires for a DAG with no success for N hours; a deadline passed with no run fires once for the day', async () => {
    const t = stack.tenantId;
    await stack.engine.dags.upsert(t, { dagId: 'stale_one', tasks: [{ taskId: 'a', type: 'noop' }] });
    await stack.prisma.dag.updateMany({ where: { tenantId: t, dagId: 'stale_one' }, data: { createdAt: new Date(Date.now() - 48 * 3_600_000) } }); // before today's deadline too
    const fresh = await rules.create(t, { name: 'fresh', event: 'FRESHNESS', freshnessHours: 2, dagIds: ['stale_one'] });
    const late = await rules.create(t, { name: 'late', event: 'RUN_DEADLINE', deadlineTime: '00:00', deadlineTimezone: 'UTC', dagIds: ['stale_one'] });
    // A rule ignores deadlines that passed before it existed: this one is made to have existed for days.
    await stack.prisma.alertRule.update({ where: { id: late.id }, data: { createdAt: new Date(Date.now() - 48 * 3_600_000) } });
    const alerts = await waitFor(async () =>
      stack.prisma.alert.findMany({ where: { ruleId: { in: [fresh.id, late.id] } } }).then((a) => (a.length === 2 ? a : undefined)),
    );
    expect(alerts.map((a) => a.event).sort()).toEqual(['FRESHNESS', 'RUN_DEADLINE']);
    const day = new Date().toISOString().slice(0, 10);
    expect(alerts.find((a) => a.event === 'RUN_DEADLINE')).toMatchObject({ dedupKey: `dag:stale_one:${day}`, state: 'FIRING' });
    await new Promise((r) => setTimeout(r, 1000)); // several sweeps: nothing fires twice
    expect(await stack.prisma.alert.count({ where: { ruleId: { in: [fresh.id, late.id] } } })).toBe(2);
    await stack.runToEnd({ dagId: 'stale_one', tasks: [{ taskId: 'a', type: 'noop' }] });
    await waitFor(async () =>
      stack.prisma.alert.findMany({ where: { ruleId: { in: [fresh.id, late.id] } } }).then((a) => a.every((x) => x.state === 'RESOLVED')),
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(await stack.prisma.alert.count({ where: { ruleId: { in: [fresh.id, late.id] } } })).toBe(2);
  });
});

describe('delivery isolation and retries', () => {
  it('a channel answering 500 is retried with backoff and recorded; a hanging one times out; the others are delivered meanwhile', async () => {
    const t = stack.tenantId;
    http.on('/broken', { status: 500 });
    http.on('/hangs', { hang: true });
    const broken = await channels.create(t, { name: 'broken', type: 'WEBHOOK', config: { url: `${http.url}/broken` }, secrets: { signingSecret: 's3cr3t-x' } });
    const hangs = await channels.create(t, { name: 'hangs', type: 'WEBHOOK', config: { url: `${http.url}/hangs` }, secrets: { signingSecret: 's3cr3t-y' } });
    const good = await channels.create(t, { name: 'good', type: 'WEBHOOK', config: { url: `${http.url}/good` }, secrets: { signingSecret: 's3cr3t-z' } });
    await rules.create(t, { name: 'iso', event: 'RUN_FAILED', dagIds: ['iso'], channelIds: [hangs.id, broken.id, good.id] });
    const { run } = await stack.runToEnd(flaky('iso'));
    const ended = (await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: run.id } })).endedAt!.getTime();
    const [goodReq] = await waitFor(async () => http.at('/good').length > 0 && http.at('/good'), 10_000, 'the good channel');
    // Loose bound (a loaded CI): the good channel is not held behind the hanging one's 2 s timeout retries.
    expect(goodReq.at - ended).toBeLessThan(5000);
    await waitFor(async () => http.at('/broken').length >= 3, 20_000, 'three attempts at the broken channel');
    const gaps = http.at('/broken').map((r, i, all) => (i === 0 ? 0 : r.at - all[i - 1].at));
    expect(gaps[2]).toBeGreaterThan(gaps[1] * 1.2); // backoff grows
    // The log records each attempt once it has ended (the third may still be SENDING when the receiver saw it).
    const log = await waitFor(async () =>
      stack.prisma.alertDelivery.findFirst({ where: { channelId: broken.id, status: 'PENDING', attempts: { gte: 3 } } }).then((d) => d ?? undefined),
    );
    expect(log).toMatchObject({ lastStatusCode: 500, lastResponse: 'refused with 500' });
    expect(log.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 1000); // the fourth waits longer
    const hung = await waitFor(async () =>
      stack.prisma.alertDelivery.findFirst({ where: { channelId: hangs.id, attempts: { gte: 1 }, lastResponse: { not: null } } }).then((d) => d ?? undefined),
    );
    expect(hung.lastResponse).toBe('no answer within 2000 ms');
  });
});

describe('the documented webhook recipe', () => {
  it('docs/examples/verify-tower-webhook.mjs accepts a real delivery and refuses one signed with another secret', async () => {
    const script = fileURLToPath(new URL('../../../docs/examples/verify-tower-webhook.mjs', import.meta.url));
    const child = spawn(process.execPath, [script], { env: { ...process.env, TOWER_SIGNING_SECRET: 'whsec-doc-recipe', PORT: '0' } });
    const lines: Array<Record<string, unknown>> = [];
    child.stdout.on('data', (chunk: Buffer) =>
      chunk
        .toString()
        .split('\n')
        .filter(Boolean)
        .forEach((l) => lines.push(JSON.parse(l) as Record<string, unknown>)),
    );
    try {
      const port = await waitFor(async () => lines.find((l) => l.listening)?.listening as number | undefined, 10_000, 'the example receiver');
      const t = stack.tenantId;
      const make = async (name: string, secret: string) =>
        (await channels.create(t, { name, type: 'WEBHOOK', config: { url: `http://127.0.0.1:${port}/` }, secrets: { signingSecret: secret } })).id;
      const right = await stack.prisma.alertChannel.findUniqueOrThrow({ where: { id: await make('recipe-right', 'whsec-doc-recipe') } });
      const wrong = await stack.prisma.alertChannel.findUniqueOrThrow({ where: { id: await make('recipe-wrong', 'whsec-not-it') } });
      await expect(testChannel(deps, right, 5000)).resolves.toMatchObject({ ok: true, statusCode: 204 });
      await expect(testChannel(deps, wrong, 5000)).resolves.toMatchObject({ ok: false, statusCode: 401, response: 'bad signature' });
      await waitFor(async () => lines.filter((l) => 'verified' in l).length === 2, 5000, 'both deliveries');
      expect(lines.filter((l) => 'verified' in l).map((l) => l.verified)).toEqual([true, false]);
      expect(await stack.prisma.alertDelivery.findMany({ where: { channelId: { in: [right.id, wrong.id] } }, select: { kind: true, status: true } })).toEqual(
        expect.arrayContaining([
          { kind: 'TEST', status: 'DELIVERED' },
          { kind: 'TEST', status: 'FAILED' },
        ]),
      );
    } finally {
      child.kill();
    }
  });
});
