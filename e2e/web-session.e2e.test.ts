/**
 * The web session out of JavaScript's reach, in Chromium against the whole stack (docs/web.md,
 * "Sessions and security headers"): signed in, page JavaScript cannot read the session token
 * anywhere; pages carry the CSP (nonce scripts, frame-ancestors 'none') and the other headers; the
 * live connection works through the same origin; and a page of another origin that auto-submits a
 * form (or a no-cors fetch) to /graphql with the user's cookie performs no mutation.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { startStack, waitFor, type Stack } from './support/stack.js';
import { expectAttr, SESSION_COOKIE, sessionToken, startWeb, type WebApp } from './support/web.js';

const CREATE_KEY = 'mutation { createApiKey(name: "csrf-probe", role: OWNER) { secret } }';

/** The attacker: another origin (same host, other port: same-site, so SameSite alone would not stop it). */
function attackerSite(target: string) {
  const body = JSON.stringify({ query: CREATE_KEY });
  const pages: Record<string, string> = {
    // enctype=text/plain is how a form smuggles a JSON-looking body: name + "=" + value.
    '/text-plain': `<form id="f" method="POST" action="${target}" enctype="text/plain"><input name='${body.slice(0, -2)}' value='"}'></form>`,
    '/urlencoded': `<form id="f" method="POST" action="${target}"><input name="query" value='${CREATE_KEY}'></form>`,
  };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/fetch') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        `<script>fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(body)} })
           .then(() => (document.title = 'sent'), () => (document.title = 'sent'));</script>`,
      );
      return;
    }
    const form = pages[path];
    if (!form) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><body>${form}<script>document.getElementById('f').submit()</script></body>`);
  });
  return server;
}

describe('the web session out of JavaScript reach (Chromium)', () => {
  let stack: Stack;
  let app: WebApp;
  let attacker: Server;
  let attackerUrl: string;

  beforeAll(async () => {
    stack = await startStack({ name: 'websess' });
    app = await startWeb(stack.apiUrl);
    attacker = attackerSite(`${app.url}/graphql`);
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await stack?.stop();
    await new Promise((r) => attacker?.close(r));
  });

  it('keeps the token from page JavaScript, sends CSP and frame-ancestors, and refuses cross-site form posts', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page: Page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    const bodies: string[] = [];
    const setCookies: string[] = [];
    page.on('response', async (res) => {
      const setCookie = await res.headerValue('set-cookie').catch(() => null);
      if (setCookie) setCookies.push(setCookie);
      if (res.request().resourceType() === 'fetch') bodies.push(await res.text().catch(() => ''));
    });

    // Sign up through the form: the API answers with the session cookie.
    const email = `sess-${Date.now()}@example.test`;
    const doc = await page.goto(`${app.url}/signup`);
    await page.getByTestId('signup-tenant').fill('Session org');
    await page.getByTestId('signup-email').fill(email);
    await page.getByTestId('signup-password').fill('correct-horse-battery');
    await page.getByTestId('signup-submit').click();
    await page.waitForURL(`${app.url}/`);
    await page.getByTestId('dag-list-empty').or(page.getByTestId('dag-list')).first().waitFor({ timeout: 30_000 });

    // The token, as the server set it (Set-Cookie) and as the browser keeps it.
    const sessionSetCookie = setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    expect(sessionSetCookie).toMatch(/^tower_session=tower_sess_[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict/);
    const token = /^tower_session=([^;]+)/.exec(sessionSetCookie!)![1];
    expect(await sessionToken(page, app.url)).toBe(token);
    const cookie = (await context.cookies(app.url)).find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

    // Nothing page JavaScript can read holds it.
    // (Strings: the page's globals; the e2e tsconfig has no DOM types.)
    const visible = (await page.evaluate(`(() => {
      const store = (s) => JSON.stringify(Object.fromEntries(Object.keys(s).map((k) => [k, s.getItem(k)])));
      return { cookie: document.cookie, local: store(localStorage), session: store(sessionStorage), name: window.name };
    })()`)) as Record<string, string>;
    for (const [where, value] of Object.entries(visible)) expect(`${where}: ${value}`).not.toContain(token);
    expect(visible.cookie).not.toContain(SESSION_COOKIE);
    // Nor any GraphQL answer the page fetched (login/signUp do not select the token).
    await waitFor(async () => bodies.some((b) => b.includes('"signUp"')), 10_000, 'the signUp answer');
    expect(bodies.filter((b) => b.includes(token))).toEqual([]);

    // The live connection (graphql-ws through the same origin, authenticated by the cookie): the
    // DAG list subscribes to run updates.
    await expectAttr(page, 'live-status', 'data-status', 'connected', 30_000);

    // Security headers on documents: CSP with a per-request nonce that Next's scripts carry.
    const res = await page.goto(`${app.url}/`);
    const headers = res!.headers();
    const csp = headers['content-security-policy'];
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("object-src 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['strict-transport-security']).toBeUndefined(); // plain http: no HSTS
    const scriptNonces = (await page.evaluate('[...document.scripts].map((s) => s.nonce)')) as string[];
    expect(scriptNonces.length).toBeGreaterThan(0);
    expect(scriptNonces.every((n) => n === nonce)).toBe(true);
    const again = (await fetch(`${app.url}/`)).headers.get('content-security-policy')!;
    expect(/'nonce-([^']+)'/.exec(again)![1]).not.toBe(nonce);
    expect(doc!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    // Behind a TLS proxy, a production build adds HSTS and upgrades insecure requests.
    const viaTls = await fetch(`${app.url}/login`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(viaTls.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
    expect(viaTls.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    // The app ran under its own policy without a violation (hydration, the live socket).
    expect(cspViolations).toEqual([]);

    // The cross-site attempts, in the same browser (it holds the cookie).
    const tenant = await stack.prisma.user.findFirstOrThrow({ where: { email }, include: { memberships: true } });
    const tenantId = tenant.memberships[0].tenantId;
    const keys = () => stack.prisma.apiKey.count({ where: { tenantId } });
    const attackerPage = await context.newPage();
    const sentWithCookie: boolean[] = [];
    attackerPage.on('request', async (req) => {
      if (req.url() === `${app.url}/graphql` && req.method() === 'POST') sentWithCookie.push(((await req.allHeaders()).cookie ?? '').includes(token));
    });
    for (const path of ['/text-plain', '/urlencoded']) {
      const answered = attackerPage.waitForResponse((r) => r.url() === `${app.url}/graphql`, { timeout: 20_000 });
      await attackerPage.goto(`${attackerUrl}${path}`);
      expect((await answered).status()).toBe(400);
    }
    await attackerPage.goto(`${attackerUrl}/fetch`);
    await waitFor(async () => (await attackerPage.title()) === 'sent', 20_000, 'the no-cors fetch');
    // The forms' POSTs did carry the cookie (another port is the same site, so SameSite let it go):
    // what stopped them is the API's CSRF rules. (Chromium sent the no-cors fetch without it.)
    expect(sentWithCookie.slice(0, 2)).toEqual([true, true]);
    expect(sentWithCookie).toHaveLength(3);
    expect(await keys()).toBe(0);
    const audited = await stack.prisma.auditLog.count({ where: { tenantId, action: 'createApiKey' } });
    expect(audited).toBe(0);

    // Positive control: the app's own request (same origin, CSRF header) does mutate with this cookie.
    const own = (await page.evaluate(async (query) => {
      const r = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tower-csrf': '1' },
        body: JSON.stringify({ query }),
      });
      return (await r.json()) as { data?: { createApiKey?: { secret?: string } } };
    }, CREATE_KEY)) as { data?: { createApiKey?: { secret?: string } } };
    expect(own.data?.createApiKey?.secret).toMatch(/^tower_key_/);
    expect(await keys()).toBe(1);

    // Sign out: the server ends the session and clears the cookie.
    await page.getByTestId('signout').click();
    await page.waitForURL(/\/login/);
    await waitFor(async () => (await sessionToken(page, app.url)) === null, 10_000, 'the cookie to be cleared');
    const live = await stack.prisma.session.count({ where: { userId: tenant.id, expiresAt: { gt: new Date() } } });
    expect(live).toBe(0);
    await context.close();
  });
});
