/**
 * The web app's session cookie (src/auth/web-session.ts) against the real API: who gets the cookie,
 * what it is, the CSRF rules for using it over HTTP and graphql-ws, and sign-out.
 */
import WebSocket from 'ws';
import { ok, startTestApi, uniqueEmail, type GqlResponse, type TestApi } from './support/test-api.js';

const PASSWORD = 'correct-horse-battery';
const SIGN_UP = `mutation($email: String!, $password: String!, $tenantName: String!) {
  signUp(email: $email, password: $password, tenantName: $tenantName) { user { id } tenant { id } }
}`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { user { id } tenant { id } } }`;
const ME = `{ me { role tenant { id } } }`;
const CREATE_KEY = `mutation { createApiKey(name: "csrf", role: VIEWER) { apiKey { id } } }`;

let t: TestApi;
let host: string;
let origin: string;

beforeAll(async () => {
  t = await startTestApi('websession');
  host = new URL(t.api.url).host;
  origin = `http://${host}`;
});

afterAll(async () => {
  await t?.stop();
});

async function post(
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; setCookie: string[]; json: GqlResponse<Record<string, unknown>> | null }> {
  const res = await fetch(t.api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const json = (() => {
    try {
      return JSON.parse(text) as GqlResponse<Record<string, unknown>>;
    } catch {
      return null;
    }
  })();
  return { status: res.status, setCookie: res.headers.getSetCookie(), json };
}

/** Signs up through the web app's path (x-tower-csrf, same Origin) and returns the cookie pair. */
async function webSignUp(label: string, extra: Record<string, string> = {}) {
  const email = uniqueEmail(label);
  const res = await post({ query: SIGN_UP, variables: { email, password: PASSWORD, tenantName: `${label} org` } }, { 'x-tower-csrf': '1', origin, ...extra });
  const data = ok(res.json!) as { signUp: { user: { id: string }; tenant: { id: string } } };
  const [setCookie] = res.setCookie;
  const pair = setCookie?.split(';')[0] ?? '';
  return { email, setCookie, cookie: pair, token: pair.split('=')[1] ?? '', ...data.signUp };
}

const sessions = (userId: string) => t.db.prisma.session.count({ where: { userId, expiresAt: { gt: new Date() } } });

describe('the web session cookie over HTTP', () => {
  it('is set httpOnly, SameSite=Strict by signUp/login with x-tower-csrf only, and never for programmatic clients', async () => {
    const web = await webSignUp('cookie');
    expect(web.setCookie).toMatch(/^tower_session=tower_sess_[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(Number(/Max-Age=(\d+)/.exec(web.setCookie)![1])).toBeGreaterThan(3_000);

    const login = await post({ query: LOGIN, variables: { email: web.email, password: PASSWORD } }, { 'x-tower-csrf': '1', origin });
    expect(login.setCookie).toHaveLength(1);
    // A programmatic client (no x-tower-csrf) gets its token in the payload and no cookie.
    const bearer = await post(
      { query: `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, variables: { e: web.email, p: PASSWORD } },
      {},
    );
    expect(bearer.setCookie).toEqual([]);
    expect((ok(bearer.json!) as { login: { token: string } }).login.token).toMatch(/^tower_sess_/);
  });

  it('is __Host- prefixed and Secure behind https, and an https request ignores a plain-http cookie', async () => {
    const web = await webSignUp('secure', { 'x-forwarded-proto': 'https' });
    expect(web.setCookie).toMatch(/^__Host-tower_session=tower_sess_[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    const https = { 'x-tower-csrf': '1', origin: `https://${host}`, 'x-forwarded-proto': 'https' };
    expect(ok((await post({ query: ME }, { ...https, cookie: web.cookie })).json!)).toMatchObject({ me: { role: 'OWNER' } });
    const planted = await post({ query: ME }, { ...https, cookie: `tower_session=${web.token}` });
    expect(planted.json?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('authenticates only with x-tower-csrf from the same origin', async () => {
    const web = await webSignUp('csrf');
    const me = await post({ query: ME }, { cookie: web.cookie, 'x-tower-csrf': '1', origin, 'sec-fetch-site': 'same-origin' });
    expect(ok(me.json!)).toEqual({ me: { role: 'OWNER', tenant: { id: web.tenant.id } } });

    const refused = async (headers: Record<string, string>, reason: RegExp) => {
      const res = await post({ query: CREATE_KEY }, { cookie: web.cookie, ...headers });
      expect(res.json?.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(reason) });
    };
    await refused({ origin }, /x-tower-csrf/);
    await refused({ 'x-tower-csrf': '1', origin: 'http://127.0.0.1:1' }, /Origin http:\/\/127\.0\.0\.1:1 is not this site/);
    await refused({ 'x-tower-csrf': '1', origin, 'sec-fetch-site': 'same-site' }, /same-site request/);
    await refused({ 'x-tower-csrf': '1', 'sec-fetch-site': 'cross-site' }, /cross-site request/);
    // Through the web app's proxy the browser's host arrives as X-Forwarded-Host.
    const proxied = await post(
      { query: ME },
      { cookie: web.cookie, 'x-tower-csrf': '1', origin: 'http://web.example:3000', 'x-forwarded-host': 'web.example:3000' },
    );
    expect(ok(proxied.json!)).toMatchObject({ me: { role: 'OWNER' } });
    expect(await t.db.prisma.apiKey.count({ where: { tenantId: web.tenant.id } })).toBe(0);
  });

  it('refuses form posts that carry the cookie (no mutation happens)', async () => {
    const web = await webSignUp('form');
    const form = await fetch(t.api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: web.cookie, origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' },
      body: new URLSearchParams({ query: CREATE_KEY }).toString(),
    });
    expect(form.status).toBe(400);
    // text/plain is how a form smuggles a JSON-looking body.
    const plain = await fetch(t.api.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', cookie: web.cookie, origin: 'http://127.0.0.1:1' },
      body: JSON.stringify({ query: CREATE_KEY }),
    });
    expect(plain.status).toBe(400);
    expect(await t.db.prisma.apiKey.count({ where: { tenantId: web.tenant.id } })).toBe(0);
  });

  it('refuses login CSRF: a cross-site x-tower-csrf login opens no session', async () => {
    const web = await webSignUp('logincsrf');
    const before = await sessions(web.user.id);
    const res = await post({ query: LOGIN, variables: { email: web.email, password: PASSWORD } }, { 'x-tower-csrf': '1', origin: 'http://127.0.0.1:1' });
    expect(res.json?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(res.setCookie).toEqual([]);
    expect(await sessions(web.user.id)).toBe(before);
  });

  it("sees the browser's address behind the web app's proxy (X-Forwarded-For from loopback is trusted)", async () => {
    const web = await webSignUp('xff', { 'x-forwarded-for': '203.0.113.7' });
    const entry = await t.db.prisma.auditLog.findFirstOrThrow({ where: { tenantId: web.tenant.id, action: 'signUp' } });
    expect(entry.ip).toBe('203.0.113.7');
  });

  it('keeps bearer tokens working next to a cookie (the header wins)', async () => {
    const a = await webSignUp('beara');
    const b = await webSignUp('bearb');
    const res = await post({ query: ME }, { cookie: a.cookie, authorization: `Bearer ${b.token}` });
    expect(ok(res.json!)).toMatchObject({ me: { tenant: { id: b.tenant.id } } });
  });
});

type WsOutcome = { acked: boolean; closeCode: number | null; me?: unknown };

/** graphql-ws by hand, so the upgrade request can carry a cookie and an Origin as a browser's does. */
function wsWithCookie(headers: Record<string, string>, connectionParams?: Record<string, unknown>): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(t.api.wsUrl, 'graphql-transport-ws', { headers });
    const outcome: WsOutcome = { acked: false, closeCode: null };
    const timer = setTimeout(() => reject(new Error('graphql-ws: no answer in 10 s')), 10_000);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams ?? {} })));
    socket.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { type: string; payload?: { data?: unknown } };
      if (msg.type === 'connection_ack') {
        outcome.acked = true;
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: ME } }));
      } else if (msg.type === 'next') {
        outcome.me = msg.payload?.data;
      } else if (msg.type === 'complete') {
        socket.close(1000);
      }
    });
    socket.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ...outcome, closeCode: code });
    });
    socket.on('error', reject);
  });
}

describe('the web session cookie over graphql-ws', () => {
  it('authenticates the upgrade from the cookie when its Origin is this site, and refuses other origins', async () => {
    const web = await webSignUp('ws');
    const own = await wsWithCookie({ cookie: web.cookie, origin });
    expect(own).toEqual({ acked: true, closeCode: 1000, me: { me: { role: 'OWNER', tenant: { id: web.tenant.id } } } });

    expect(await wsWithCookie({ cookie: web.cookie, origin: 'http://127.0.0.1:1' })).toMatchObject({ acked: false, closeCode: 4403 });
    expect(await wsWithCookie({ cookie: web.cookie })).toMatchObject({ acked: false, closeCode: 4403 });

    // Programmatic clients: connection_init's bearer, unchanged (and no Origin needed).
    const other = await webSignUp('ws2');
    const bearer = await wsWithCookie({}, { authorization: `Bearer ${other.token}` });
    expect(bearer).toMatchObject({ acked: true, me: { me: { tenant: { id: other.tenant.id } } } });
  });
});

describe('sign-out (POST /auth/logout)', () => {
  const logoutUrl = () => new URL('/auth/logout', t.api.url).toString();

  it('ends the session and clears the cookie; a cross-site post changes nothing', async () => {
    const web = await webSignUp('logout');
    const crossSite = await fetch(logoutUrl(), { method: 'POST', headers: { cookie: web.cookie, origin: 'http://127.0.0.1:1' } });
    expect(crossSite.status).toBe(403);
    expect(await sessions(web.user.id)).toBe(1);

    const res = await fetch(logoutUrl(), { method: 'POST', headers: { cookie: web.cookie, origin, 'x-tower-csrf': '1' } });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()).toEqual(['tower_session=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict']);
    expect(await sessions(web.user.id)).toBe(0);
    const after = await post({ query: ME }, { cookie: web.cookie, 'x-tower-csrf': '1', origin });
    expect(after.json?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const audit = await t.db.prisma.auditLog.findFirst({ where: { tenantId: web.tenant.id, action: 'logout' } });
    expect(audit).toMatchObject({ actorType: 'user', actorId: web.user.id });

    // Again, or without a cookie: nothing to end, still 204.
    expect((await fetch(logoutUrl(), { method: 'POST', headers: { cookie: web.cookie, origin, 'x-tower-csrf': '1' } })).status).toBe(204);
  });
});
