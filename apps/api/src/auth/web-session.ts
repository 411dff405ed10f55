/**
 * The web app's session cookie: how a browser holds its session without page JavaScript ever seeing
 * the token (docs/api.md, "Browsers: the session cookie").
 *
 * - Set by `login`/`signUp` over HTTP when the request says it is the web app (the `x-tower-csrf`
 *   header) and passes the same-origin check; the token is otherwise the same `tower_sess_…` bearer.
 * - HttpOnly, SameSite=Strict, Path=/. Over HTTPS (the request or the proxy in front says so) it is
 *   `__Host-tower_session` and Secure; over plain HTTP (localhost development, `npm start`) it is
 *   `tower_session` without Secure, since browsers drop Secure cookies set over http from any host but
 *   localhost. An https request only reads the `__Host-` name, so a cookie planted over http cannot stand in.
 * - A request authenticates with it only when it has no Authorization header and passes the CSRF
 *   check: the `x-tower-csrf` header (which no cross-origin form or simple request can send), and
 *   `Sec-Fetch-Site: same-origin` / an Origin whose host is the one the browser addressed. graphql-ws
 *   upgrades (no custom headers possible) need that Origin.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';

export const CSRF_HEADER = 'x-tower-csrf';
export const SESSION_COOKIE = 'tower_session';
export const SECURE_SESSION_COOKIE = '__Host-tower_session';

type Headers = IncomingHttpHeaders;

function header(headers: Headers, name: string): string | null {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || null;
}

/** The first hop's value of a proxy header (`a, b` → `a`). */
function firstHop(value: string | null): string | null {
  return value?.split(',')[0]?.trim() || null;
}

/** Whether the browser reached us over https (directly, or through the web app's / a TLS proxy). */
export function isHttps(req: Pick<IncomingMessage, 'headers' | 'socket'>): boolean {
  const proto = firstHop(header(req.headers, 'x-forwarded-proto'));
  if (proto) return proto === 'https' || proto === 'wss';
  return Boolean((req.socket as { encrypted?: boolean } | undefined)?.encrypted);
}

/** The host the browser addressed: the web app's proxy sends it as X-Forwarded-Host. */
function addressedHost(headers: Headers): string | null {
  return firstHop(header(headers, 'x-forwarded-host')) ?? header(headers, 'host');
}

/**
 * Why this request may not act with the session cookie (a cross-site request), or null when it is
 * the web app's own. `needOrigin`: graphql-ws upgrades, where browsers always send Origin.
 */
export function crossSiteReason(headers: Headers, { needOrigin = false } = {}): string | null {
  const site = header(headers, 'sec-fetch-site');
  if (site && site !== 'same-origin') return `a ${site} request cannot use the web session`;
  const origin = header(headers, 'origin');
  if (!origin) return needOrigin ? 'the request has no Origin header' : null;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return `the Origin header "${origin.slice(0, 100)}" is not a URL`;
  }
  const host = addressedHost(headers);
  return originHost === host ? null : `the Origin ${origin.slice(0, 100)} is not this site`;
}

/** Why an HTTP request may not use the cookie: the header first, then the origin. */
export function csrfReason(headers: Headers): string | null {
  if (!header(headers, CSRF_HEADER)) return `a request authenticated by the session cookie must send the ${CSRF_HEADER} header`;
  return crossSiteReason(headers);
}

/** The session cookie's value (https: only the `__Host-` one), or null. */
export function readSessionCookie(req: Pick<IncomingMessage, 'headers' | 'socket'>): string | null {
  const raw = header(req.headers, 'cookie');
  if (!raw) return null;
  const cookies = parseCookie(raw);
  const value = cookies[SECURE_SESSION_COOKIE] ?? (isHttps(req) ? undefined : cookies[SESSION_COOKIE]);
  return value || null;
}

/** The web app asks for a cookie session with the CSRF header (programmatic clients never send it). */
export function wantsWebSession(req: Pick<IncomingMessage, 'headers'>): boolean {
  return header(req.headers, CSRF_HEADER) !== null;
}

function cookieNameFor(req: Pick<IncomingMessage, 'headers' | 'socket'>): { name: string; secure: boolean } {
  return isHttps(req) ? { name: SECURE_SESSION_COOKIE, secure: true } : { name: SESSION_COOKIE, secure: false };
}

export function setSessionCookie(req: Pick<IncomingMessage, 'headers' | 'socket'>, res: ServerResponse, token: string, expiresAt: Date): void {
  const { name, secure } = cookieNameFor(req);
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  res.appendHeader('set-cookie', serializeCookie(name, token, { httpOnly: true, secure, sameSite: 'strict', path: '/', maxAge }));
}

/** Expires both names (a cookie from an http deployment may linger next to the https one). */
export function clearSessionCookie(req: Pick<IncomingMessage, 'headers' | 'socket'>, res: ServerResponse): void {
  const { secure } = cookieNameFor(req);
  const expired = { httpOnly: true, sameSite: 'strict' as const, path: '/', maxAge: 0, expires: new Date(0) };
  res.appendHeader('set-cookie', serializeCookie(SESSION_COOKIE, '', { ...expired, secure }));
  if (secure) res.appendHeader('set-cookie', serializeCookie(SECURE_SESSION_COOKIE, '', { ...expired, secure: true }));
}
