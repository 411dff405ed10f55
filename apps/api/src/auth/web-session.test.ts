import { ServerResponse, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { clearSessionCookie, crossSiteReason, csrfReason, readSessionCookie, setSessionCookie } from './web-session.js';

function req(headers: Record<string, string>, encrypted = false): IncomingMessage {
  const socket = new Socket();
  Object.assign(socket, { encrypted });
  const r = new IncomingMessage(socket);
  r.headers = headers;
  return r;
}

describe('crossSiteReason', () => {
  const host = { host: 'web.example:3000' };
  it('admits the same origin, and a request without Origin unless one is needed', () => {
    expect(crossSiteReason({ ...host, origin: 'http://web.example:3000', 'sec-fetch-site': 'same-origin' })).toBeNull();
    expect(crossSiteReason({ host: 'api:4000', 'x-forwarded-host': 'web.example:3000, proxy', origin: 'https://web.example:3000' })).toBeNull();
    expect(crossSiteReason(host)).toBeNull();
    expect(crossSiteReason(host, { needOrigin: true })).toBe('the request has no Origin header');
  });

  it('refuses another origin, a same-site or cross-site fetch, and a malformed Origin', () => {
    expect(crossSiteReason({ ...host, origin: 'http://web.example:3001' })).toBe('the Origin http://web.example:3001 is not this site');
    expect(crossSiteReason({ ...host, 'sec-fetch-site': 'same-site' })).toBe('a same-site request cannot use the web session');
    expect(crossSiteReason({ ...host, 'sec-fetch-site': 'cross-site', origin: 'http://web.example:3000' })).toMatch(/cross-site/);
    expect(crossSiteReason({ ...host, origin: 'null' })).toMatch(/is not a URL/);
  });
});

describe('csrfReason', () => {
  it('needs the x-tower-csrf header before anything else', () => {
    expect(csrfReason({ host: 'a', origin: 'http://a' })).toMatch(/x-tower-csrf/);
    expect(csrfReason({ host: 'a', origin: 'http://a', 'x-tower-csrf': '1' })).toBeNull();
  });
});

describe('the cookie', () => {
  it('is read under its http name, and only under __Host- over https', () => {
    expect(readSessionCookie(req({ cookie: 'a=1; tower_session=tower_sess_x' }))).toBe('tower_sess_x');
    expect(readSessionCookie(req({ cookie: 'tower_session=tower_sess_x', 'x-forwarded-proto': 'https' }))).toBeNull();
    expect(readSessionCookie(req({ cookie: 'tower_session=tower_sess_x' }, true))).toBeNull();
    expect(readSessionCookie(req({ cookie: '__Host-tower_session=tower_sess_y; tower_session=tower_sess_x', 'x-forwarded-proto': 'https' }))).toBe(
      'tower_sess_y',
    );
    expect(readSessionCookie(req({}))).toBeNull();
  });

  it('is set httpOnly, SameSite=Strict, with the session lifetime; Secure and __Host- over https; cleared under both names', () => {
    const http = req({});
    const res = new ServerResponse(http);
    setSessionCookie(http, res, 'tower_sess_x', new Date(Date.now() + 3_600_000));
    expect([res.getHeader('set-cookie')].flat()).toEqual([
      expect.stringMatching(/^tower_session=tower_sess_x; Max-Age=(3600|3599); Path=\/; HttpOnly; SameSite=Strict$/),
    ]);

    const https = req({ 'x-forwarded-proto': 'https' });
    const secure = new ServerResponse(https);
    setSessionCookie(https, secure, 'tower_sess_x', new Date(Date.now() + 3_600_000));
    expect([secure.getHeader('set-cookie')].flat()).toEqual([expect.stringMatching(/^__Host-tower_session=tower_sess_x; .*; Secure; SameSite=Strict$/)]);
    const cleared = new ServerResponse(https);
    clearSessionCookie(https, cleared);
    expect(cleared.getHeader('set-cookie')).toEqual([
      expect.stringMatching(/^tower_session=; Max-Age=0;/),
      expect.stringMatching(/^__Host-tower_session=; Max-Age=0;.*Secure/),
    ]);
  });
});
