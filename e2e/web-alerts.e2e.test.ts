/**
 * The Alerts section in Chromium against the whole stack: sign up, create a webhook channel that
 * points at a local receiver and test it (the answer is shown), create a RUN_FAILED rule (the
 * preview lists the DAG; a missing event parameter is shown next to its field), mute and unmute
 * it, then a failing run's alert arrives live in the inbox (no reload) and at the receiver, is
 * acknowledged in the UI — and a VIEWER sees every edit, test and acknowledge control disabled;
 * then the owner edits the rule and the channel (its secret kept) and deletes the rule.
 * The three pages are scanned with axe-core. Bounds are loose (a loaded 2-core CI).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { startHttpReceiver, type HttpReceiver } from '../packages/alerts/src/test-support/receivers.js';
import { GqlClient } from './support/graphql.js';
import { ARTIFACTS, startStack, waitFor, type Stack } from './support/stack.js';
import { axeReport, expectAttr, pageWithToken, recordExternalRequests, signUpInBrowser, startWeb, waitVisible, type WebApp } from './support/web.js';

const DAG = 'boom_dag';
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `web-alerts-${name}.png`), fullPage: true });
const NO_RELOAD = '__alertsNoReload';

describe('the Alerts section of the web app (acceptance)', () => {
  let stack: Stack;
  let app: WebApp;
  let page: Page;
  let receiver: HttpReceiver;
  let external: string[];
  const a11y: Record<string, string[]> = {};

  async function scan(name: string) {
    a11y[name] = await axeReport(page);
  }

  beforeAll(async () => {
    receiver = await startHttpReceiver();
    stack = await startStack({ name: 'webalerts' });
    app = await startWeb(stack.apiUrl);
    page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    external = recordExternalRequests(page);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await stack?.stop();
    await receiver?.close();
  });

  it('channels, rules, a live alert, acknowledge, and a read-only viewer', async () => {
    // Sign up in the browser
    const token = await signUpInBrowser(page, app.url, 'Alerts org', `alerts-${Date.now()}@example.test`);
    const api = new GqlClient(stack.apiUrl, token);
    // The DAG exists first so the rule's preview can list it; only runs after the rule count.
    await api.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
      s: { dagId: DAG, tasks: [{ taskId: 'boom', type: 'http.request', with: { url: 'http://127.0.0.1:1/closed' } }] },
    });

    // Inbox, empty
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.getByTestId('alerts-empty').waitFor();
    await scan('inbox (empty)');

    // A webhook channel at the local receiver, tested from the UI
    await page.getByTestId('alerts-tab-channels').click();
    await page.getByTestId('channels-empty').waitFor();
    await page.getByTestId('channel-new').click();
    await page.getByTestId('channel-name').fill('hook');
    await page.getByTestId('channel-type').selectOption('WEBHOOK');
    await page.getByTestId('channel-url').fill(`${receiver.url}/hook`);
    await page.getByTestId('channel-signingSecret').fill('whsec-web-secret-123');
    await scan('channel dialog');
    await page.getByTestId('channel-dialog-confirm').click();
    await page.getByTestId('channel-row-hook').waitFor();
    expect(await page.getByTestId('channel-secrets-hook').textContent()).toBe('signingSecret: set');
    expect(await page.getByTestId('channel-row-hook').textContent()).not.toContain('whsec-web-secret-123');
    receiver.on('/hook', { status: 200, body: 'hello from the receiver' });
    await page.getByTestId('channel-test-hook').click();
    await expectAttr(page, 'channel-test-result-hook', 'data-ok', 'true');
    expect(await page.getByTestId('channel-test-result-hook').textContent()).toMatch(/HTTP 200.*hello from the receiver/);
    expect((receiver.at('/hook')[0].json as { type: string }).type).toBe('alert.test');
    await page.getByTestId('channel-log-hook').click();
    await page.locator('[data-testid="delivery-row"][data-kind="TEST"][data-status="DELIVERED"]').waitFor();
    await scan('channels');
    await shot(page, 'channels');

    // A RUN_FAILED rule for the DAG, with the preview; a missing parameter is shown by its field
    await page.getByTestId('alerts-tab-rules').click();
    await page.getByTestId('rules-empty').waitFor();
    await page.getByTestId('rule-new').click();
    await page.getByTestId('rule-name').fill('boom failed');
    await page.getByTestId('rule-event').selectOption('RUN_DURATION');
    await page.getByTestId('rule-durationSeconds').waitFor();
    await page.getByTestId('rule-dialog-confirm').click();
    await page.getByTestId('rule-durationSeconds-error').waitFor();
    await page.getByTestId('rule-event').selectOption('RUN_FAILED');
    expect(await page.getByTestId('rule-durationSeconds').count()).toBe(0);
    await page.getByTestId('rule-severity').selectOption('CRITICAL');
    await page.getByTestId('rule-dagIds').fill('boom_*');
    await page.getByTestId(`rule-preview-${DAG}`).waitFor();
    await page.getByTestId('rule-dagIds').fill('nothing_like_it');
    await expectAttr(page, 'rule-preview', 'data-count', '0');
    await page.getByTestId('rule-dagIds').fill('boom_*');
    await expectAttr(page, 'rule-preview', 'data-count', '1');
    await page.getByTestId('rule-channel-hook').check();
    await scan('rule dialog');
    await shot(page, 'rule-dialog');
    await page.getByTestId('rule-dialog-confirm').click();
    await page.getByTestId('rule-row-boom failed').waitFor();

    // Mute for an hour, then unmute
    await page.getByTestId('rule-mute-boom failed').click();
    await page.getByTestId('mute-1').check();
    await page.getByTestId('rule-mute-dialog-confirm').click();
    await expectAttr(page, 'rule-row-boom failed', 'data-muted', 'true');
    await page.getByTestId('rule-mute-boom failed').click();
    await page.getByTestId('mute-unmute').check();
    await page.getByTestId('rule-mute-dialog-confirm').click();
    await expectAttr(page, 'rule-row-boom failed', 'data-muted', 'false');
    await scan('rules');
    await shot(page, 'rules');

    // The run fails; its alert arrives in the open inbox without a reload, and at the receiver
    await page.getByTestId('alerts-tab-inbox').click();
    await page.getByTestId('alerts-empty').waitFor();
    await page.evaluate(`globalThis.${NO_RELOAD} = true`);
    const trigger = async () => (await api.request<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "${DAG}") { id } }`)).triggerDagRun.id;
    const runId = await trigger();
    const row = page.locator(`[data-testid^="alert-row-"][data-dag="${DAG}"]`).first();
    await row.waitFor({ timeout: 90_000 });
    expect(await row.getAttribute('data-state')).toBe('FIRING');
    expect(await row.getByTestId('alert-run-link').getAttribute('href')).toBe(`/dags/${DAG}?run=${runId}`);
    expect(await page.evaluate(`globalThis.${NO_RELOAD}`)).toBe(true);
    const firing = await waitFor(
      async () => receiver.at('/hook').find((r) => (r.json as { type?: string }).type === 'alert.firing'),
      60_000,
      'the webhook alert.firing',
    );
    expect((firing.json as { alert: { dagId: string; severity: string } }).alert).toMatchObject({ dagId: DAG, severity: 'CRITICAL' });
    expect(firing.headers['x-tower-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    // Acknowledge it in the UI
    await row.getByTestId('alert-ack').click();
    await waitFor(async () => (await row.getAttribute('data-acknowledged')) === 'true', 30_000, 'acknowledged');
    await row.getByTestId('alert-acknowledged').waitFor();
    expect(await row.getAttribute('data-state')).toBe('FIRING');
    await scan('inbox');
    await shot(page, 'inbox');

    // A second failure arrives live as a new row (left unacknowledged for the viewer)
    await trigger();
    await waitFor(async () => (await page.locator('[data-testid^="alert-row-"]').count()) === 2, 90_000, 'the second alert');
    expect(await page.evaluate(`globalThis.${NO_RELOAD}`)).toBe(true);
    await page.getByTestId('alerts-filter-state').selectOption('RESOLVED');
    await page.getByTestId('alerts-empty').waitFor();
    await page.getByTestId('alerts-filter-state').selectOption('');
    await waitFor(async () => (await page.locator('[data-testid^="alert-row-"]').count()) === 2, 10_000, 'both alerts again');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'inbox-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // A VIEWER sees everything, and no enabled control that changes anything
    const key = await api.request<{ createApiKey: { secret: string } }>(`mutation { createApiKey(name: "read-only", role: VIEWER) { secret } }`);
    const viewer = await pageWithToken(app.browser, app.url, key.createApiKey.secret);
    for (const [route, ready, least] of [
      ['/alerts/rules', 'rule-row-boom failed', 4],
      ['/alerts/channels', 'channel-row-hook', 4],
      ['/alerts', 'alerts-table', 1],
    ] as const) {
      await viewer.goto(`${app.url}${route}`);
      await viewer.locator('.role-tag', { hasText: 'viewer' }).waitFor();
      await waitVisible(viewer, ready, `web-alerts-viewer${route.replace(/\//g, '-')}`);
      const actions = viewer.locator('[data-action]');
      expect(await actions.count()).toBeGreaterThanOrEqual(least);
      for (const handle of await actions.all()) expect(await handle.isDisabled()).toBe(true);
    }
    await viewer.screenshot({ path: path.join(ARTIFACTS, 'web-alerts-viewer.png'), fullPage: true });

    // Back as the owner: edit the rule to another event (its parameter shown, the old ones cleared),
    // edit the channel's URL (its secret asked for again), then delete the rule after confirming
    await page.goto(`${app.url}/alerts/rules`);
    await page.getByTestId('rule-edit-boom failed').click();
    await page.getByTestId('rule-event').selectOption('RUN_DURATION');
    await page.getByTestId('rule-durationSeconds').fill('600');
    await page.getByTestId('rule-dialog-confirm').click();
    await waitFor(async () => /longer than 10 min/.test((await page.getByTestId('rule-row-boom failed').textContent()) ?? ''), 20_000, 'the edited rule');
    await page.getByTestId('alerts-tab-channels').click();
    await page.getByTestId('channel-edit-hook').click();
    await page.getByTestId('channel-url').fill(`${receiver.url}/hook2`);
    await page.getByTestId('channel-dialog-confirm').click();
    // A stored secret never follows a new endpoint: the form asks for it again, beside its field.
    await page.getByText('changing config.url needs secrets.signingSecret again').waitFor();
    await page.getByTestId('channel-signingSecret').fill('whsec-web-secret-456');
    await page.getByTestId('channel-dialog-confirm').click();
    await waitFor(async () => /hook2/.test((await page.getByTestId('channel-row-hook').textContent()) ?? ''), 20_000, 'the edited channel');
    expect(await page.getByTestId('channel-secrets-hook').textContent()).toBe('signingSecret: set');
    await page.getByTestId('alerts-tab-rules').click();
    await page.getByTestId('rule-delete-boom failed').click();
    await page.getByTestId('rule-delete-dialog-confirm').click();
    await page.getByTestId('rules-empty').waitFor();

    expect(a11y).toEqual(Object.fromEntries(Object.keys(a11y).map((k) => [k, []])));
    expect(external).toEqual([]);
  }, 600_000);
});
