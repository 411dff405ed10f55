import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventPublisher } from '@tower/events';
import { createRedis } from '@tower/queue';
import { startHttpReceiver, type HttpReceiver } from '../packages/alerts/src/test-support/receivers.js';
import { collect, GqlClient, signUp } from './support/graphql.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

/**
 * Alerts through the API: tenancy (another tenant's rules, channels and alerts are NOT_FOUND, its
 * subscriber hears nothing), roles, validation, the alertFired latency, audit, the delivery log.
 */
describe('alerts through the API', () => {
  let stack: Stack;
  let http: HttpReceiver;
  let a: GqlClient;
  let b: GqlClient;
  let viewer: GqlClient;
  const redis = createRedis('redis://127.0.0.1:6379');

  const failing = (dagId: string) => ({ dagId, tasks: [{ taskId: 'boom', type: 'http.request', with: { url: 'http://127.0.0.1:1/closed' } }] });

  async function key(session: GqlClient, role: string): Promise<GqlClient> {
    const res = await session.request<{ createApiKey: { secret: string } }>(`mutation($r: Role!) { createApiKey(name: "k", role: $r) { secret } }`, {
      r: role,
    });
    return new GqlClient(stack.apiUrl, res.createApiKey.secret);
  }

  beforeAll(async () => {
    http = await startHttpReceiver();
    stack = await startStack({ name: 'alerts-api', env: { TOWER_WEB_URL: 'http://127.0.0.1:3999' } });
    const sessionA = await signUp(stack.apiUrl, 'alerts-a');
    a = await key(sessionA.client, 'ADMIN');
    viewer = await key(sessionA.client, 'VIEWER');
    b = await key((await signUp(stack.apiUrl, 'alerts-b')).client, 'ADMIN');
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
    await http?.close();
    redis.disconnect();
  });

  it('validates rules with a path, refuses a VIEWER, and keeps every tenant to its own rules, channels and alerts', async () => {
    const bad = await a.raw(`mutation { createAlertRule(input: { name: "slow", event: RUN_DURATION }) { id } }`);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'durationSeconds' });
    const badChannel = await a.raw(
      `mutation { createAlertChannel(input: { name: "h", type: WEBHOOK, config: { url: "ftp://x" }, secrets: { signingSecret: "s3cr3t" } }) { id } }`,
    );
    expect(badChannel.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'config.url' });

    const channel = (
      await a.request<{ createAlertChannel: { id: string; secretFields: string[]; config: unknown } }>(
        `mutation($u: JSON!) { createAlertChannel(input: { name: "hook", type: WEBHOOK, config: { url: $u }, secrets: { signingSecret: "whsec-e2e-123" } }) { id secretFields config } }`,
        { u: `${http.url}/hook` },
      )
    ).createAlertChannel;
    expect(channel.secretFields).toEqual(['signingSecret']);
    expect(JSON.stringify(channel)).not.toContain('whsec-e2e-123');

    const forbidden = await viewer.raw(`mutation { createAlertRule(input: { name: "x", event: RUN_FAILED }) { id } }`);
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const rule = (
      await a.request<{ createAlertRule: { id: string } }>(
        `mutation($c: [ID!]) { createAlertRule(input: { name: "failed", event: RUN_FAILED, dagIds: ["e2e_*"], channelIds: $c }) { id } }`,
        {
          c: [channel.id],
        },
      )
    ).createAlertRule;
    // The preview lists the tenant's DAGs a filter matches, and never another tenant's.
    for (const dagId of ['e2e_preview', 'other_dag'])
      await a.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, { s: { dagId, tasks: [{ taskId: 'a', type: 'noop' }] } });
    await b.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, { s: { dagId: 'e2e_of_b', tasks: [{ taskId: 'a', type: 'noop' }] } });
    const preview = await a.request<{ previewAlertRule: string[] }>(`{ previewAlertRule(dagIds: ["e2e_*"]) }`);
    expect(preview.previewAlertRule).toEqual(['e2e_preview']);

    const test = await a.request<{ testAlertChannel: { ok: boolean; statusCode: number; response: string } }>(
      `mutation($id: ID!) { testAlertChannel(id: $id) { ok statusCode response } }`,
      { id: channel.id },
    );
    expect(test.testAlertChannel).toEqual({ ok: true, statusCode: 200, response: 'ok' });
    expect((http.at('/hook')[0].json as { type: string }).type).toBe('alert.test');

    // Tenant B: every one of A's ids is NOT_FOUND, and B's lists are empty.
    for (const [op, id] of [
      [`query($id: ID!) { alertRule(id: $id) { id } }`, rule.id],
      [`query($id: ID!) { alertChannel(id: $id) { id } }`, channel.id],
      [`mutation($id: ID!) { updateAlertRule(id: $id, input: { enabled: false }) { id } }`, rule.id],
      [`mutation($id: ID!) { deleteAlertRule(id: $id) { id } }`, rule.id],
      [`mutation($id: ID!) { updateAlertChannel(id: $id, input: { name: "mine" }) { id } }`, channel.id],
      [`mutation($id: ID!) { deleteAlertChannel(id: $id) { id } }`, channel.id],
      [`mutation($id: ID!) { testAlertChannel(id: $id) { ok } }`, channel.id],
      [`query($id: ID!) { alertDeliveries(channelId: $id) { id } }`, channel.id],
    ]) {
      const res = await b.raw(op, { id });
      expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    const lists = await b.request<{ alertRules: { totalCount: number }; alertChannels: { totalCount: number } }>(
      `{ alertRules { totalCount } alertChannels { totalCount } }`,
    );
    expect(lists).toEqual({ alertRules: { totalCount: 0 }, alertChannels: { totalCount: 0 } });
    // B cannot send to A's channel by naming it in a rule.
    const stolen = await b.raw(`mutation($c: [ID!]) { createAlertRule(input: { name: "steal", event: RUN_FAILED, channelIds: $c }) { id } }`, {
      c: [channel.id],
    });
    expect(stolen.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: 'channelIds.0' });
  });

  it('alertFired reaches only its tenant, within a second of the state change; acknowledge, the delivery log and the audit', async () => {
    const wsA = a.ws();
    const wsB = b.ws();
    const tenantOf = async (c: GqlClient) => (await c.request<{ me: { tenant: { id: string } } }>(`{ me { tenant { id } } }`)).me.tenant.id;
    const [tenantA, tenantB] = await Promise.all([tenantOf(a), tenantOf(b)]);
    try {
      type Fired = { alertFired: { id: string; dagId: string; dagRunId: string; state: string } };
      type Updated = { alertUpdated: { id: string; summary: string } };
      const firedA = collect<Fired>(wsA, `subscription { alertFired { id dagId dagRunId state } }`);
      const firedB = collect<Fired>(wsB, `subscription { alertFired { id dagId dagRunId state } }`);
      const updatedB = collect<Updated>(wsB, `subscription { alertUpdated { id summary } }`);
      const updatedA = collect<Updated>(wsA, `subscription { alertUpdated { id summary } }`);
      // Positive control: each socket is open and hears its own tenant's events (a probe
      // published on the tenant's channel), so "B heard nothing of A" cannot be a dead socket.
      const publisher = new EventPublisher(redis, stack.redisPrefix);
      const probe = (tenantId: string, n: number) =>
        publisher.publish({
          kind: 'alert',
          tenantId,
          change: 'acknowledged',
          alert: { id: `probe-${n}`, tenantId, summary: 'probe' } as never,
        });
      let n = 0;
      await waitFor(
        async () => {
          await Promise.all([probe(tenantA, ++n), probe(tenantB, n)]);
          return updatedA.items.length > 0 && updatedB.items.length > 0;
        },
        10_000,
        'both subscriptions to be ready',
      );
      expect(updatedB.items.every((i) => i.alertUpdated.summary === 'probe')).toBe(true);

      const spec = failing('e2e_fails');
      await a.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, { s: spec });
      const latencies: number[] = [];
      for (let i = 0; i < 3; i++) {
        const run = (await a.request<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "e2e_fails") { id } }`)).triggerDagRun;
        const fired = await waitFor(async () => firedA.items.find((f) => f.alertFired.dagRunId === run.id), 30_000, 'alertFired');
        const received = Date.now();
        const ended = (await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: run.id } })).endedAt!.getTime();
        latencies.push(received - ended);
        expect(fired.alertFired).toMatchObject({ dagId: 'e2e_fails', state: 'FIRING' });
      }
      console.log(`alertFired latency (run failed → subscriber), ms: ${latencies.join(', ')}`);
      latencies.sort((x, y) => x - y);
      expect(latencies[1]).toBeLessThan(1000); // the median; the benchmark measures the tail
      expect(latencies[2]).toBeLessThan(3000);
      expect(firedB.items).toEqual([]);
      expect(updatedB.items.every((i) => i.alertUpdated.summary === 'probe')).toBe(true);

      // The inbox, acknowledge (OPERATOR and up; VIEWER refused), and B cannot touch A's alert.
      type Page = {
        alerts: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: Array<{ node: { id: string; state: string } }> };
      };
      const pageOf = (after: string | null) =>
        a.request<Page>(
          `query($after: String) { alerts(first: 2, after: $after, state: FIRING, dagId: "e2e_fails") { totalCount pageInfo { hasNextPage endCursor } edges { node { id state } } } }`,
          { after },
        );
      const inbox = await pageOf(null);
      expect(inbox.alerts.totalCount).toBe(3);
      const rest = await pageOf(inbox.alerts.pageInfo.endCursor);
      // Newest first in pages: the three alerts, each once.
      expect([inbox.alerts.pageInfo.hasNextPage, rest.alerts.pageInfo.hasNextPage]).toEqual([true, false]);
      expect(new Set([...inbox.alerts.edges, ...rest.alerts.edges].map((e) => e.node.id)).size).toBe(3);
      const alertId = inbox.alerts.edges[0].node.id;
      expect((await viewer.raw(`mutation($id: ID!) { acknowledgeAlert(id: $id) { id } }`, { id: alertId })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect((await b.raw(`mutation($id: ID!) { acknowledgeAlert(id: $id) { id } }`, { id: alertId })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect((await b.raw(`query($id: ID!) { alert(id: $id) { id } }`, { id: alertId })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect((await b.request<{ alerts: { totalCount: number } }>(`{ alerts { totalCount } }`)).alerts.totalCount).toBe(0);
      const ack = await a.request<{ acknowledgeAlert: { acknowledgedAt: string | null; acknowledgedBy: string } }>(
        `mutation($id: ID!) { acknowledgeAlert(id: $id) { acknowledgedAt acknowledgedBy } }`,
        { id: alertId },
      );
      expect(ack.acknowledgeAlert.acknowledgedAt).not.toBeNull();
      expect(ack.acknowledgeAlert.acknowledgedBy).toMatch(/^apiKey:/);
      await waitFor(async () => updatedA.items.some((u) => u.alertUpdated.id === alertId), 5_000, 'alertUpdated for the acknowledgement');

      // The delivery log says what the receiver answered.
      const channelId = (await a.request<{ alertChannels: { edges: Array<{ node: { id: string } }> } }>(`{ alertChannels { edges { node { id } } } }`))
        .alertChannels.edges[0].node.id;
      const log = await waitFor(
        async () => {
          const d = await a.request<{ alertDeliveries: Array<{ kind: string; status: string; lastStatusCode: number; attempts: number }> }>(
            `query($c: ID!) { alertDeliveries(channelId: $c) { kind status lastStatusCode attempts } }`,
            { c: channelId },
          );
          return d.alertDeliveries.filter((x) => x.kind === 'TRIGGER' && x.status === 'DELIVERED').length === 3 && d.alertDeliveries;
        },
        15_000,
        'three delivered triggers',
      );
      expect(log.filter((x) => x.kind === 'TRIGGER').every((x) => x.lastStatusCode === 200 && x.attempts === 1)).toBe(true);
      expect(http.at('/hook').filter((r) => (r.json as { type: string }).type === 'alert.firing')).toHaveLength(3);
      // The worker that sent them counted them (by channel type, never by tenant).
      const worker = stack.processes.find((p) => p.name.startsWith('worker'))!;
      const metrics = await (await fetch(`http://127.0.0.1:${worker.opsPort}/metrics`)).text();
      const sent = /^tower_alert_deliveries_total\{channel="webhook",outcome="sent"[^}]*\} (\d+)/m.exec(metrics)?.[1];
      expect(Number(sent)).toBe(3); // the three triggers (the channel test was sent by the API)
      expect(metrics).not.toContain(tenantA);

      // Every alert mutation is audited, secrets redacted.
      const audit = await a.request<{ auditLog: { edges: Array<{ node: { action: string; details: unknown } }> } }>(
        `{ auditLog(first: 50) { edges { node { action details } } } }`,
      );
      const actions = audit.auditLog.edges.map((e) => e.node.action);
      for (const action of ['createAlertChannel', 'createAlertRule', 'testAlertChannel', 'acknowledgeAlert']) expect(actions).toContain(action);
      expect(JSON.stringify(audit)).not.toContain('whsec-e2e-123');
    } finally {
      await wsA.dispose();
      await wsB.dispose();
    }
  });
});
