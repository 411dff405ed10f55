import { createHmac } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { OperatorError, type ResolvedConnection } from '../operator.js';
import { makeContext } from '../snowflake/test-support.spec.js';
import { testSmtpConnection } from './email.js';
import { notifyOperator, type WebhookPayload } from './notify.operator.js';
import { startMailServer, startWebhookReceiver, type MailServer, type WebhookReceiver } from './test-support.spec.js';
import { testHttpConnection } from './webhook.js';

const SIGNING_SECRET = 'whsec-0123456789';
let mail: MailServer;
let hook: WebhookReceiver;
let connections: Record<string, ResolvedConnection>;
let closedPort: number;

/** A loopback port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  mail = await startMailServer();
  hook = await startWebhookReceiver();
  closedPort = await freePort();
  const smtp = { host: '127.0.0.1', port: mail.port, secure: false, from: 'tower@example.com', to: ['data-team@example.com', 'oncall@example.com'] };
  connections = {
    team_email: { connId: 'team_email', type: 'smtp', config: smtp, secrets: {} },
    auth_email: { connId: 'auth_email', type: 'smtp', config: { ...smtp, username: 'ops' }, secrets: { password: 'mail-pw-1234' } },
    bad_email: { connId: 'bad_email', type: 'smtp', config: { ...smtp, username: 'ops' }, secrets: { password: 'wrong-mail-pw' } },
    hook: {
      connId: 'hook',
      type: 'http',
      config: { baseUrl: `${hook.url}/tower`, headers: { 'x-team': 'data' } },
      secrets: { bearerToken: 'tok-abcdef', signingSecret: SIGNING_SECRET },
    },
    closed: { connId: 'closed', type: 'http', config: { baseUrl: `http://127.0.0.1:${closedPort}/` }, secrets: {} },
    warehouse: { connId: 'warehouse', type: 'snowflake', config: {}, secrets: {} },
  };
});
afterAll(async () => {
  await mail?.close();
  await hook?.close();
});
beforeEach(() => {
  mail.messages.length = 0;
  hook.requests.length = 0;
  hook.respondWith(204);
});

const upstreamXcom = (passed: boolean) => ({
  load: { return_value: { table: 'raw.sales', files: [], fileCount: 1, rowsLoaded: 3, rowsParsed: 3 } },
  quality_checks: { return_value: { passed, failed: passed ? 0 : 1, warned: 1, results: [{}, {}] } },
});

function notify(params: Record<string, unknown>, passed = true) {
  const t = makeContext({ params, connections, taskId: 'notify', upstream: ['load', 'quality_checks'], xcom: upstreamXcom(passed) });
  return { ...t, result: () => notifyOperator.execute(t.ctx) };
}

describe('notify (real SMTP server and webhook receiver)', () => {
  it('emails the recipients with the subject, the message and a run summary', async () => {
    const { result, logs } = notify({ channels: ['team_email'], message: 'Daily sales are in.' });
    await expect(result()).resolves.toEqual({
      status: 'success',
      sent: [{ channel: 'team_email', type: 'smtp', detail: 'accepted by data-team@example.com, oncall@example.com' }],
    });
    expect(mail.messages).toHaveLength(1);
    const [m] = mail.messages;
    expect([m.from, m.to, m.subject]).toEqual([
      'tower@example.com',
      ['data-team@example.com', 'oncall@example.com'],
      '[Tower] daily_sales_pipeline succeeded (run-2026-01-02)',
    ]);
    expect(m.body).toBe(
      [
        'Daily sales are in.',
        '',
        'daily_sales_pipeline run run-2026-01-02 (logical date 2026-01-02T03:00:00.000Z): success',
        '- load: 3 row(s) loaded into raw.sales',
        '- quality_checks: passed (2 check(s), 0 failed, 1 warned)',
      ].join('\n'),
    );
    expect(logs.map((l) => l.message)).toContain('notified success via team_email (smtp): accepted by data-team@example.com, oncall@example.com');
  });

  it('logs in to the SMTP server when the connection has a username', async () => {
    await notify({ channels: ['auth_email'], subject: 'custom' }).result();
    expect(mail.messages.map((m) => [m.user, m.subject])).toEqual([['ops', 'custom']]);
  });

  it('posts a signed JSON webhook with the connection headers and bearer token', async () => {
    const { result } = notify({ channels: ['hook'], status: 'failure', subject: 'Sales load failed' });
    await expect(result()).resolves.toEqual({ status: 'failure', sent: [{ channel: 'hook', type: 'http', detail: 'HTTP 204' }] });
    expect(hook.requests).toHaveLength(1);
    const [req] = hook.requests;
    expect([req.method, req.url, req.headers['content-type'], req.headers.authorization, req.headers['x-team']]).toEqual([
      'POST',
      '/tower',
      'application/json',
      'Bearer tok-abcdef',
      'data',
    ]);
    const expected = `sha256=${createHmac('sha256', SIGNING_SECRET).update(req.body).digest('hex')}`;
    expect(req.headers['x-tower-signature']).toBe(expected);
    const payload = JSON.parse(req.body) as WebhookPayload;
    expect(payload).toEqual({
      dagId: 'daily_sales_pipeline',
      runId: 'run-2026-01-02',
      taskId: 'notify',
      logicalDate: '2026-01-02T03:00:00.000Z',
      status: 'failure',
      summary: expect.stringMatching(/^daily_sales_pipeline run run-2026-01-02 \(logical date 2026-01-02T03:00:00.000Z\): failure\n- load: /),
      subject: 'Sales load failed',
      message: null,
      text: expect.stringMatching(/^Sales load failed\n/),
    });
  });

  it('derives failure from an upstream passed: false and honours on', async () => {
    await expect(notify({ channels: ['hook'], on: 'failure' }, false).result()).resolves.toMatchObject({ status: 'failure' });
    expect(JSON.parse(hook.requests[0].body).status).toBe('failure');
    const skipped = notify({ channels: ['hook', 'team_email'], on: 'failure' }, true);
    await expect(skipped.result()).resolves.toEqual({ status: 'success', skipped: true, reason: 'the run status is success and on is "failure"' });
    expect(skipped.logs.map((l) => l.message)).toEqual(['not notifying: the run status is success and on is "failure"']);
    expect(hook.requests).toHaveLength(1);
    expect(mail.messages).toHaveLength(0);
  });

  it('reports a failed upstream task, then fails itself so the run fails (unless propagateFailure: false)', async () => {
    const sentBefore = hook.requests.length;
    const failing = makeContext({
      params: { channels: ['hook'] },
      connections,
      taskId: 'notify',
      upstream: ['load', 'quality_checks'],
      upstreamStates: { load: 'success', quality_checks: 'failed' },
      xcom: { load: upstreamXcom(true).load },
    });
    await expect(notifyOperator.execute(failing.ctx)).rejects.toMatchObject({ retryable: false, message: expect.stringContaining('quality_checks') });
    expect(hook.requests).toHaveLength(sentBefore + 1);
    expect(JSON.parse(hook.requests.at(-1)!.body)).toMatchObject({ status: 'failure', summary: expect.stringContaining('- quality_checks: FAILED') });
    const quiet = makeContext({
      params: { channels: ['hook'], propagateFailure: false },
      connections,
      taskId: 'notify',
      upstream: ['quality_checks'],
      upstreamStates: { quality_checks: 'upstream_failed' },
    });
    await expect(notifyOperator.execute(quiet.ctx)).resolves.toMatchObject({ status: 'failure' });
  });

  it('tries every channel and fails with the failures, without secrets', async () => {
    hook.respondWith(503);
    const { result, transcript } = notify({ channels: ['hook', 'bad_email', 'team_email'] });
    const err = (await result().catch((e: unknown) => e)) as OperatorError;
    expect(err).toBeInstanceOf(OperatorError);
    expect(err.message).toMatch(/^2 of 3 channel\(s\) failed: webhook via hook failed: HTTP 503: refused with 503; email via bad_email failed: Invalid login/);
    expect(err.retryable).toBe(true);
    expect(mail.messages).toHaveLength(1);
    for (const secret of ['wrong-mail-pw', 'tok-abcdef', SIGNING_SECRET]) {
      expect(err.message).not.toContain(secret);
      expect(transcript()).not.toContain(secret);
    }
  });

  it('fails for good on a refused webhook (4xx) or a channel of the wrong type', async () => {
    hook.respondWith(404);
    await expect(notify({ channels: ['hook'] }).result()).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/HTTP 404/) });
    await expect(notify({ channels: ['warehouse'] }).result()).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/warehouse is a snowflake connection/),
    });
    await expect(notify({ channels: [] }).result()).rejects.toMatchObject({ retryable: false });
    await expect(notify({ channels: ['hook'], status: 'meh' }).result()).rejects.toMatchObject({
      retryable: false,
      message: 'with.status must be success or failure, got "meh"',
    });
  });
});

describe('connection tests', () => {
  it('testSmtpConnection verifies the server and the login', async () => {
    await expect(testSmtpConnection(connections.team_email)).resolves.toEqual({
      ok: true,
      message: `SMTP server 127.0.0.1:${mail.port} accepted the connection`,
    });
    await expect(testSmtpConnection(connections.auth_email)).resolves.toMatchObject({ ok: true, message: expect.stringMatching(/login of ops$/) });
    const bad = await testSmtpConnection(connections.bad_email);
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/Invalid login/);
    expect(bad.message).not.toContain('wrong-mail-pw');
    const down = await testSmtpConnection({ ...connections.team_email, config: { ...connections.team_email.config, port: closedPort } });
    expect(down).toMatchObject({ ok: false, message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('testHttpConnection treats any HTTP answer as reachable', async () => {
    hook.respondWith(401);
    await expect(testHttpConnection(connections.hook)).resolves.toEqual({ ok: true, message: `${hook.url} answered HTTP 401` });
    expect(hook.requests[0].method).toBe('HEAD');
    const down = await testHttpConnection(connections.closed);
    expect(down.ok).toBe(false);
    expect(down.message).toMatch(/^HTTP check via closed failed: fetch failed \(connect ECONNREFUSED 127.0.0.1:\d+\)$/);
  });
});
