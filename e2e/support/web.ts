import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ARTIFACTS, freePort, ROOT, waitFor } from './stack.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface WebApp {
  url: string;
  browser: Browser;
  stop(): Promise<void>;
}

/** `next start` of the built web app against an API, and a headless Chromium. */
export async function startWeb(apiUrl: string): Promise<WebApp> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: npm test installs it (apt-get install chromium)`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const web: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', path.join(ROOT, 'apps/web'), '-p', String(port), '-H', '127.0.0.1'],
    { cwd: ROOT, env: { ...process.env, TOWER_API_URL: apiUrl }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Its output is kept beside the stack's logs, for a failure's diagnosis (one file, ended once both pipes are).
  mkdirSync(ARTIFACTS, { recursive: true });
  const log = createWriteStream(path.join(ARTIFACTS, `web-${port}.log`));
  web.stdout?.pipe(log, { end: false });
  web.stderr?.pipe(log, { end: false });
  web.once('close', () => log.end());
  await waitFor(async () => (await fetch(`${url}/login`)).ok, 60_000, 'the web app');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    url,
    browser,
    async stop() {
      await browser.close();
      if (web.exitCode === null) {
        web.kill('SIGTERM');
        await new Promise((r) => web.once('exit', r));
      }
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page; returns the serious and critical violations. Evaluated through the
 * DevTools protocol: the app's CSP (nonce-only scripts) refuses an injected <script> tag, as it should.
 */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** `axeSerious` as one line per violation (collected per page, then expected empty). */
export async function axeReport(page: Page): Promise<string[]> {
  return (await axeSerious(page)).map((v) => `${v.impact} ${v.id}: ${v.help} @ ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The web session cookie's name on plain http (the test apps run on http://127.0.0.1). */
export const SESSION_COOKIE = 'tower_session';

/** The session token the browser holds in its httpOnly cookie (read through the browser, not the page). */
export async function sessionToken(page: Page, appUrl: string): Promise<string | null> {
  return (await page.context().cookies(appUrl)).find((c) => c.name === SESSION_COOKIE)?.value ?? null;
}

/** Signs up a new organisation through the web app's form; returns the session token (from its cookie). */
export async function signUpInBrowser(page: Page, appUrl: string, tenant: string, email: string): Promise<string> {
  await page.goto(`${appUrl}/signup`);
  await page.getByTestId('signup-tenant').fill(tenant);
  await page.getByTestId('signup-email').fill(email);
  await page.getByTestId('signup-password').fill('correct-horse-battery');
  await page.getByTestId('signup-submit').click();
  await page.waitForURL(`${appUrl}/`);
  const token = await sessionToken(page, appUrl);
  if (!token) throw new Error('signed up, but the browser holds no session cookie');
  return token;
}

/**
 * A new page (in a browser context of its own) signed in with a bare token, e.g. an API key: the
 * cookie the API would have set, placed by the test (the API accepts any bearer credential in it).
 */
export async function pageWithToken(browser: Browser, appUrl: string, token: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: SESSION_COOKIE, value: token, url: appUrl, httpOnly: true, sameSite: 'Strict' }]);
  return context.newPage();
}

/**
 * Waits for a test id to be visible; on timeout the error carries what the page showed instead (its
 * URL and text, a screenshot in the artifacts), so a failure seen once in CI can be diagnosed.
 */
export async function waitVisible(page: Page, testId: string, label: string, timeoutMs = 30_000): Promise<void> {
  try {
    await page.getByTestId(testId).waitFor({ timeout: timeoutMs });
  } catch (err) {
    const file = path.join(ARTIFACTS, `failed-${label.replace(/[^\w-]+/g, '_')}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    const text = await page
      .locator('body')
      .innerText({ timeout: 2_000 })
      .catch((e: unknown) => `(no text: ${String(e)})`);
    throw new Error(`${testId} not visible within ${timeoutMs} ms on ${page.url()} (screenshot ${file}); the page showed:\n${text.slice(0, 2_000)}`, {
      cause: err,
    });
  }
}

/** Waits until the element's attribute has the value (the element may not exist yet). */
export async function expectAttr(page: Page, testId: string, attr: string, value: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () =>
      (await page
        .getByTestId(testId)
        .getAttribute(attr, { timeout: 1_000 })
        .catch(() => null)) === value,
    timeoutMs,
    `${testId} ${attr}=${value}`,
    100,
  );
}

/** Waits until the element's text matches. */
export async function expectText(page: Page, testId: string, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () =>
      pattern.test(
        (await page
          .getByTestId(testId)
          .textContent({ timeout: 1_000 })
          .catch(() => '')) ?? '',
      ),
    timeoutMs,
    `${testId} ~ ${pattern}`,
    100,
  );
}

/** Every request the page makes outside loopback (fonts and assets must be local). */
export function recordExternalRequests(page: Page): string[] {
  const external: string[] = [];
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (/^(https?|wss?):$/.test(u.protocol) && !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) external.push(req.url());
  });
  return external;
}
