import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { signUp } from './support/graphql.js';
import { ARTIFACTS, startStack, waitFor, type Stack } from './support/stack.js';
import { startWeb, type WebApp } from './support/web.js';

describe('the web app in Chromium', () => {
  let stack: Stack;
  let app: WebApp;
  let webUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack({ name: 'web' });
    app = await startWeb(stack.apiUrl);
    webUrl = app.url;
    browser = app.browser;
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await stack?.stop();
  });

  it('logs in, lists DAGs, triggers a run and sees its task states change live without a reload', async () => {
    const { client, email } = await signUp(stack.apiUrl, 'web');
    await client.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
      s: {
        dagId: 'browser_demo',
        description: 'Driven by the browser test',
        schedule: '0 3 * * *',
        timezone: 'America/New_York',
        tags: ['e2e'],
        tasks: [
          { taskId: 'first', type: 'noop', with: { durationMs: 1500 } },
          { taskId: 'second', type: 'noop', dependsOn: ['first'], with: { durationMs: 1500 } },
        ],
      },
    });

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${webUrl}/login`);
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill('correct-horse-battery');
    await page.getByTestId('login-submit').click();

    await page.getByTestId('dag-row-browser_demo').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-dag-list.png'), fullPage: true });

    await page.getByTestId('dag-row-browser_demo').getByRole('link').first().click();
    await page.waitForURL(/\/dags\/browser_demo/);
    // a marker that a reload would erase
    await page.evaluate(() => ((globalThis as unknown as { __noReload: boolean }).__noReload = true));

    await page.getByTestId('trigger-browser_demo').click();
    await page.getByTestId('trigger-dialog-confirm').click();
    const run = await waitFor(async () => stack.prisma.dagRun.findFirst({ where: { dagId: 'browser_demo', runType: 'manual' } }), 10_000, 'the run row');

    const cell = (taskId: string) => page.getByTestId(`ti-${run.id}-${taskId}`);
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const state = await cell('second')
          .getAttribute('data-state', { timeout: 1_000 })
          .catch(() => null);
        const first = await cell('first')
          .getAttribute('data-state', { timeout: 1_000 })
          .catch(() => null);
        if (first) seen.add(`first:${first}`);
        if (state) seen.add(`second:${state}`);
        return state === 'success';
      },
      30_000,
      'the second task to show success',
      50,
    );
    // intermediate states were shown, not only the end
    expect([...seen].some((s) => /first:(running|queued|scheduled)/.test(s) || /second:(running|queued|none|scheduled)/.test(s))).toBe(true);
    // the run's own event may follow its last task's by a moment
    await waitFor(async () => (await page.getByTestId(`run-row-${run.id}`).getAttribute('data-state')) === 'success', 30_000, 'the run to show success');
    expect(await page.evaluate(() => (globalThis as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-dag-run.png'), fullPage: true });

    // pause from the UI
    await page.getByTestId('pause-browser_demo').click();
    await page.getByTestId('pause-dialog-confirm').click();
    await waitFor(async () => (await stack.prisma.dag.findFirst({ where: { dagId: 'browser_demo' } }))?.paused === true, 10_000, 'pause');
  });
});
