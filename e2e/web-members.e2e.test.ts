import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startMailReceiver, type MailReceiver } from '../packages/alerts/src/test-support/receivers.js';
import { startStack, waitFor, type Stack } from './support/stack.js';
import { axeReport, expectText, signUpInBrowser, startWeb, type WebApp } from './support/web.js';

describe('the Members page in Chromium', () => {
  let stack: Stack;
  let app: WebApp;
  let mail: MailReceiver;

  beforeAll(async () => {
    mail = await startMailReceiver();
    // No scheduler or worker: members need only the API.
    stack = await startStack({ name: 'web-members', schedulers: 0, workers: 0, env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(mail.port) } });
    app = await startWeb(stack.apiUrl);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await stack?.stop();
    await mail?.close();
  });

  it('invites a colleague who accepts the link, then changes their role and removes them; revokes an invitation', async () => {
    const owner = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const stamp = Date.now().toString(36);
    await signUpInBrowser(owner, app.url, `Members ${stamp}`, `owner-${stamp}@example.test`);
    await owner.goto(`${app.url}/members`);
    await expectText(owner, `member-row-owner-${stamp}@example.test`, /OWNER/);

    // Invite: the link is shown once, and mailed.
    const colleague = `colleague-${stamp}@example.test`;
    await owner.getByTestId('member-invite').click();
    await owner.getByTestId('invite-email').fill(colleague);
    await owner.getByTestId('invite-role').selectOption('EDITOR');
    await owner.getByTestId('invite-dialog-confirm').click();
    await expectText(owner, 'invitation-link', /Invitation emailed to/);
    const link = (await owner.getByTestId('invitation-link-value').textContent()) ?? '';
    expect(link).toMatch(/\/accept-invitation#token=tower_inv_/);
    const mailed = await waitFor(async () => mail.messages.find((m) => m.to.includes(colleague)), 30_000, 'the invitation email');
    expect(mailed.text).toContain(link);
    await expectText(owner, `invitation-row-${colleague}`, /EDITOR/);
    const violations = await axeReport(owner);

    // The colleague opens the link in another browser context and creates an account.
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const guest = await context.newPage();
    await guest.goto(`${app.url}/accept-invitation${new URL(link).hash}`);
    violations.push(...(await axeReport(guest)));
    expect(violations).toEqual([]);
    await guest.getByTestId('accept-name').fill('Colleague');
    await guest.getByTestId('accept-password').fill('correct-horse-battery');
    await guest.getByTestId('accept-submit').click();
    await guest.waitForURL(`${app.url}/`);
    await expectText(guest, 'tenant-name', new RegExp(`Members ${stamp}`));

    // The owner sees the new member, changes the role, then removes them.
    await owner.reload();
    await expectText(owner, `member-row-${colleague}`, /Colleague/);
    await owner.getByTestId(`member-role-${colleague}`).selectOption('OPERATOR');
    await waitFor(async () => (await owner.getByTestId(`member-role-${colleague}`).inputValue()) === 'OPERATOR', 30_000, 'the new role');
    await owner.getByTestId(`member-remove-${colleague}`).click();
    await owner.getByTestId('remove-member-dialog-confirm').click();
    await waitFor(async () => (await owner.getByTestId(`member-row-${colleague}`).count()) === 0, 30_000, 'the member removed');

    // Revoke a pending invitation.
    const other = `other-${stamp}@example.test`;
    await owner.getByTestId('member-invite').click();
    await owner.getByTestId('invite-email').fill(other);
    await owner.getByTestId('invite-dialog-confirm').click();
    await expectText(owner, `invitation-row-${other}`, /VIEWER/);
    await owner.getByTestId(`invitation-revoke-${other}`).click();
    await owner.getByTestId('revoke-invitation-dialog-confirm').click();
    await waitFor(async () => (await owner.getByTestId(`invitation-row-${other}`).count()) === 0, 30_000, 'the invitation revoked');
    await context.close();
    await owner.close();
  });
});
