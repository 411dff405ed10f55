/**
 * A finished try's log, archived by the scheduler to the platform's object store (s3rver here) and
 * gone from Postgres, reads in the web app exactly as `taskLog` answers it: same lines, same order.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestS3, type TestS3 } from '../packages/operators/src/s3/test-support.js';
import { signUp } from './support/graphql.js';
import { runFinished } from './support/runs.js';
import { ARTIFACTS, startStack, waitFor, type Stack } from './support/stack.js';
import { expectAttr, pageWithToken, startWeb, type WebApp } from './support/web.js';

const BUCKET = 'tower-archive';

describe('archived logs in the web app', () => {
  let s3: TestS3;
  let stack: Stack;
  let app: WebApp;
  let http: Server;

  beforeAll(async () => {
    s3 = await startTestS3([BUCKET]);
    http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    stack = await startStack({
      name: 'webarchive',
      env: {
        LOG_ARCHIVE_BUCKET: BUCKET,
        LOG_ARCHIVE_S3_ENDPOINT: s3.endpoint,
        LOG_ARCHIVE_S3_ACCESS_KEY_ID: 'S3RVER',
        LOG_ARCHIVE_S3_SECRET_ACCESS_KEY: 'S3RVER',
        // Archived as soon as the run ends, checked every half second.
        LOG_ARCHIVE_AFTER_MS: '0',
        RETENTION_INTERVAL_MS: '500',
      },
    });
    app = await startWeb(stack.apiUrl);
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await stack?.stop();
    await new Promise((r) => http?.close(r));
    await s3?.close();
  });

  it('shows the archived lines of a try as taskLog returns them', async () => {
    const { client, tenantId } = await signUp(stack.apiUrl, 'webarchive');
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/ping`;
    await client.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
      s: { dagId: 'archived_log', tasks: [{ taskId: 'call', type: 'http.request', with: { url } }] },
    });
    const { triggerDagRun } = await client.request<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "archived_log") { id } }`);
    expect((await runFinished(client, triggerDagRun.id, 60_000)).state).toBe('success');
    const ti = await stack.prisma.taskInstance.findFirstOrThrow({ where: { dagRunId: triggerDagRun.id, taskId: 'call' } });

    // Archived: the run is marked, its lines have left Postgres and are in the tenant's prefix.
    await waitFor(
      async () => {
        const run = await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: triggerDagRun.id } });
        return run.logsArchivedAt !== null && (await stack.prisma.taskLog.count({ where: { taskInstanceId: ti.id } })) === 0;
      },
      60_000,
      'the log to be archived',
    );
    expect(await s3.get(BUCKET, `task-logs/${tenantId}/${triggerDagRun.id}/${ti.id}/1.jsonl.gz`).catch(() => null)).not.toBeNull();

    const { taskLog } = await client.request<{ taskLog: Array<{ level: string; message: string }> }>(
      `query($ti: ID!) { taskLog(taskInstanceId: $ti) { level message } }`,
      { ti: ti.id },
    );
    expect(taskLog.length).toBeGreaterThanOrEqual(3);
    expect(taskLog.map((l) => l.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^GET .*\/ping → 200/)]));

    const page = await pageWithToken(app.browser, app.url, client.token!);
    try {
      await page.goto(`${app.url}/dags/archived_log`);
      await page.getByTestId(`ti-${triggerDagRun.id}-call`).click();
      await page.getByTestId('ti-view').waitFor();
      await expectAttr(page, 'log-view', 'data-loaded', 'true');
      await expectAttr(page, 'log-view', 'data-lines', String(taskLog.length));
      const shown = await page
        .locator('[data-testid^="log-line-"]')
        .evaluateAll((rows) => rows.map((r) => ({ level: r.getAttribute('data-level'), message: r.querySelector('.log-msg')?.textContent })));
      expect(shown).toEqual(taskLog.map((l) => ({ level: l.level.toLowerCase(), message: l.message })));
      await page.screenshot({ path: path.join(ARTIFACTS, 'web-archived-log.png'), fullPage: true });
    } finally {
      await page.context().close();
    }
  });
});
