import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { GqlClient, signUp } from './support/graphql.js';
import { ARTIFACTS, startStack, waitFor, type Stack } from './support/stack.js';
import { axeReport, expectAttr, expectText, sessionToken, startWeb, type WebApp } from './support/web.js';

const PASSWORD = 'correct-horse-battery';

type Me = { me: { memberships: { role: string; tenant: { id: string; slug: string; name: string } }[] } };

async function upsertDag(client: GqlClient, dagId: string): Promise<void> {
  await client.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
    s: { dagId, schedule: '0 3 * * *', tasks: [{ taskId: 'only', type: 'noop' }] },
  });
}

async function signIn(browser: Browser, appUrl: string, email: string, width = 1280): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${appUrl}/login`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(`${appUrl}/`);
  return page;
}

/** The data-testid of the focused element (e2e code has no DOM types: evaluated as text). */
function focused(page: Page): Promise<string | null> {
  return page.evaluate<string | null>(`document.activeElement?.getAttribute('data-testid') ?? null`);
}

/** The DAG list shows `dagId` and not `absent` (the list has loaded: the one row is there). */
async function expectDags(page: Page, dagId: string, absent: string): Promise<void> {
  await page.getByTestId(`dag-row-${dagId}`).waitFor({ timeout: 30_000 });
  expect(await page.getByTestId(`dag-row-${absent}`).count()).toBe(0);
}

describe('switching organisation in Chromium', () => {
  let stack: Stack;
  let app: WebApp;

  beforeAll(async () => {
    // No scheduler or worker: DAGs are listed and members switch with the API alone.
    stack = await startStack({ name: 'web-tenant-switch', schedulers: 0, workers: 0 });
    app = await startWeb(stack.apiUrl);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await stack?.stop();
  });

  it('a member of two organisations switches between them; a member of one has no switcher', async () => {
    // Alice owns Alpha (signUp); Bob owns Beta and invites her as an operator; she accepts with her password.
    const alice = await signUp(stack.apiUrl, 'alpha');
    const bob = await signUp(stack.apiUrl, 'beta');
    await upsertDag(alice.client, 'alpha_dag');
    await upsertDag(bob.client, 'beta_dag');
    const { inviteMember } = await bob.client.request<{ inviteMember: { link: string } }>(
      `mutation($e: String!) { inviteMember(email: $e, role: OPERATOR) { link } }`,
      { e: alice.email },
    );
    const inviteToken = decodeURIComponent(new URL(inviteMember.link).hash.replace(/^#token=/, ''));
    await new GqlClient(stack.apiUrl).request(`mutation($t: String!, $p: String) { acceptInvitation(token: $t, password: $p) { tenant { id } } }`, {
      t: inviteToken,
      p: PASSWORD,
    });
    const { me } = await alice.client.request<Me>(`{ me { memberships { role tenant { id slug name } } } }`);
    const alpha = me.memberships.find((m) => m.tenant.id === alice.tenantId)!.tenant;
    const beta = me.memberships.find((m) => m.tenant.id === bob.tenantId)!.tenant;
    expect(me.memberships.map((m) => m.role).sort()).toEqual(['OPERATOR', 'OWNER']);

    // Signed in (the oldest membership: Alpha), she sees Alpha's DAG and her role there.
    const page = await signIn(app.browser, app.url, alice.email);
    await expectDags(page, 'alpha_dag', 'beta_dag');
    await expectText(page, 'tenant-name', new RegExp(alpha.name));
    await expectText(page, 'user-role', /^owner$/);
    const alphaSession = await sessionToken(page, app.url);
    // Alpha's members fill the normalized cache, in this tab and in a second one.
    await page.getByRole('link', { name: 'Members' }).click();
    await expectText(page, `member-row-${alice.email}`, /OWNER/);
    const otherTab = await page.context().newPage();
    await otherTab.goto(`${app.url}/members`);
    await expectText(otherTab, `member-row-${alice.email}`, /OWNER/);
    expect(await otherTab.getByTestId(`member-row-${bob.email}`).count()).toBe(0);
    // A third tab on the live DAG list: its socket is closed when the session ends.
    const liveTab = await page.context().newPage();
    await liveTab.goto(`${app.url}/`);
    await expectDags(liveTab, 'alpha_dag', 'beta_dag');
    await expectAttr(liveTab, 'live-status', 'data-status', 'connected');

    // The switcher lists both organisations with her role in each, the current one marked.
    await page.getByTestId('tenant-switcher').click();
    await expectAttr(page, 'tenant-switcher', 'aria-expanded', 'true');
    await expectText(page, `tenant-option-role-${alpha.slug}`, /owner/);
    await expectText(page, `tenant-option-role-${beta.slug}`, /operator/);
    expect(await page.getByTestId(`tenant-option-${alpha.slug}`).getAttribute('aria-current')).toBe('true');
    expect(await page.getByTestId(`tenant-option-${beta.slug}`).getAttribute('aria-current')).toBeNull();
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-tenant-switcher.png') });
    const violations = await axeReport(page);
    // Keyboard: focus starts on the current organisation; Escape closes and returns to the button.
    expect(await focused(page)).toBe(`tenant-option-${alpha.slug}`);
    await page.keyboard.press('Escape');
    await expectAttr(page, 'tenant-switcher', 'aria-expanded', 'false');
    expect(await page.getByTestId('tenant-switcher-panel').isVisible()).toBe(false);
    expect(await focused(page)).toBe('tenant-switcher');

    // Enter opens, ArrowDown moves to Beta, Enter switches: the DAG list of Beta, nothing of Alpha.
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    expect(await focused(page)).toBe(`tenant-option-${beta.slug}`);
    await page.keyboard.press('Enter');
    await waitFor(async () => new URL(page.url()).pathname === '/', 30_000, 'the DAG list after the switch');
    await expectDags(page, 'beta_dag', 'alpha_dag');
    await expectText(page, 'tenant-name', new RegExp(beta.name));
    await expectText(page, 'user-role', /^operator$/);
    await page.getByRole('link', { name: 'Members' }).click();
    await expectText(page, `member-row-${bob.email}`, /OWNER/);
    await expectText(page, `member-row-${alice.email}`, /OPERATOR/);

    // A new session in Beta replaced the cookie; Alpha's session is over.
    const betaSession = await sessionToken(page, app.url);
    expect(betaSession).toBeTruthy();
    expect(betaSession).not.toBe(alphaSession);
    const old = await new GqlClient(stack.apiUrl, alphaSession!).raw(`{ me { role } }`);
    expect(old.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // The other tab heard of it: Beta's header and members, Alpha's cache gone.
    await expectText(otherTab, 'tenant-name', new RegExp(beta.name));
    await expectText(otherTab, 'user-role', /^operator$/);
    await expectText(otherTab, `member-row-${bob.email}`, /OWNER/);
    await waitFor(async () => new URL(liveTab.url()).pathname === '/', 30_000, 'the live tab on the DAG list');
    await expectDags(liveTab, 'beta_dag', 'alpha_dag');
    await expectText(liveTab, 'tenant-name', new RegExp(beta.name));

    // On a phone (the DAG page, which fits 390 px): the switcher fits, opened too, and switches back by a tap.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${app.url}/dags/beta_dag`);
    await page.getByTestId('no-runs').waitFor({ timeout: 30_000 });
    await page.getByTestId('tenant-switcher').click();
    await expectText(page, `tenant-option-role-${beta.slug}`, /operator/);
    const box = await page.getByTestId('tenant-switcher-panel').boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    expect(await page.evaluate<number>('document.scrollingElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-tenant-switcher-390.png') });
    violations.push(...(await axeReport(page)));
    await page.getByTestId(`tenant-option-${alpha.slug}`).click();
    await expectText(page, 'tenant-name', new RegExp(alpha.name));
    await expectDags(page, 'alpha_dag', 'beta_dag');

    // Removed from Beta while the list is open (after opening re-read it): the switch is refused,
    // said, and she stays in Alpha.
    const reread = page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('memberships'));
    await page.getByTestId('tenant-switcher').click();
    await reread;
    await expectText(page, `tenant-option-role-${beta.slug}`, /operator/);
    const { members } = await bob.client.request<{ members: { id: string; user: { email: string } }[] }>(`{ members { id user { email } } }`);
    await bob.client.request(`mutation($id: ID!) { removeMember(id: $id) { id } }`, { id: members.find((m) => m.user.email === alice.email)!.id });
    await page.getByTestId(`tenant-option-${beta.slug}`).click();
    await expectAttr(page, 'tenant-switch-error', 'data-code', 'NOT_FOUND');
    await expectText(page, 'tenant-name', new RegExp(alpha.name));
    await expectDags(page, 'alpha_dag', 'beta_dag');
    expect(new URL(page.url()).pathname).toBe('/');
    // A member of Alpha only now: after a reload, no switcher.
    await page.reload();
    await expectDags(page, 'alpha_dag', 'beta_dag');
    await expectText(page, 'tenant-name', new RegExp(alpha.name));
    expect(await page.getByTestId('tenant-switcher').count()).toBe(0);

    // Bob belongs to Beta only: the organisation is shown, with no switcher.
    const single = await signIn(app.browser, app.url, bob.email);
    await expectDags(single, 'beta_dag', 'alpha_dag');
    await expectText(single, 'tenant-name', new RegExp(beta.name));
    await expectText(single, 'user-role', /^owner$/);
    expect(await single.getByTestId('tenant-switcher').count()).toBe(0);
    violations.push(...(await axeReport(single)));

    expect(violations).toEqual([]);
    await single.context().close();
    await page.context().close();
  });
});
