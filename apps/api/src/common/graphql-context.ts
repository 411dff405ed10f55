import type { IncomingMessage, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { TowerError } from '@tower/core';
import type { Actor, RequestOrigin } from '../auth/actor.js';
import { csrfReason, readSessionCookie } from '../auth/web-session.js';

/**
 * The context of one GraphQL operation, over HTTP or graphql-ws alike. `authorization` is the raw
 * bearer value (header, connection_init payload, or the web app's session cookie as `Bearer …`):
 * it is never logged or audited.
 */
export interface GqlContext {
  transport: 'http' | 'ws';
  req?: IncomingMessage & { ip?: string };
  /** HTTP only: login/signUp/logout set or clear the web session cookie on it. */
  res?: ServerResponse;
  authorization: string | null;
  /** Where `authorization` came from; 'cookie' = the web app's session cookie (auth/web-session.ts). */
  credentialSource?: 'header' | 'cookie' | 'connection';
  /** A session cookie was present but not used (the CSRF check failed): why, for the error. */
  cookieRefused?: string;
  origin: RequestOrigin;
  /** Set by AuthGuard once the bearer token resolved. */
  actor?: Actor;
  /** AuthGuard's count of this request against the principal's rate limit: the refusal, or null. */
  principalCounted?: Promise<TowerError | null>;
}

function first(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** A request as Express hands it on: `ip` is the client's address, resolved through TRUST_PROXY. */
export type ClientRequest = IncomingMessage & { ip?: string };

/** The client's address: Express's (through TRUST_PROXY), else the peer's. */
export function clientIpOf(req: ClientRequest): string | null {
  return req.ip ?? req.socket?.remoteAddress ?? null;
}

export function originOf(req: ClientRequest | undefined): RequestOrigin {
  if (!req) return { ip: null, userAgent: null };
  return { ip: clientIpOf(req), userAgent: first(req.headers['user-agent'])?.slice(0, 512) ?? null };
}

/**
 * Which peers' X-Forwarded-For to believe (TRUST_PROXY), compiled as Express compiles its `trust proxy`
 * setting; the API gives Express this function, so HTTP requests and graphql-ws upgrades agree.
 */
export type TrustProxy = (addr: string, hop: number) => boolean;

export function compileTrustProxy(setting: boolean | number | string): TrustProxy {
  if (setting === true) return () => true;
  if (setting === false) return proxyaddr.compile([]);
  if (typeof setting === 'number') return (_addr, hop) => hop < setting;
  return proxyaddr.compile(setting.split(',').map((v) => v.trim()));
}

/**
 * Gives a graphql-ws upgrade request the client address Express gives its own requests (`req.ip`):
 * the upgrade never passes through Express, and behind the web app's proxy every browser would
 * otherwise share the proxy's address, its rate limit and its audit origin.
 */
export function resolveClientIp(req: (IncomingMessage & { ip?: string }) | undefined, trust: TrustProxy): void {
  if (req && req.ip === undefined && req.socket?.remoteAddress) req.ip = proxyaddr(req, trust);
}

/**
 * An Authorization header wins; without one, the web session cookie is used if the request passes
 * the CSRF check (the x-tower-csrf header and a same-origin Origin), else it is ignored and the
 * reason kept for the guard's error.
 */
export function httpContext(req: IncomingMessage & { ip?: string }, res?: ServerResponse): GqlContext {
  const base = { transport: 'http' as const, req, res, origin: originOf(req) };
  const header = first(req.headers.authorization);
  if (header) return { ...base, authorization: header, credentialSource: 'header' };
  const cookie = readSessionCookie(req);
  if (!cookie) return { ...base, authorization: null };
  const refused = csrfReason(req.headers);
  if (refused) return { ...base, authorization: null, cookieRefused: refused };
  return { ...base, authorization: `Bearer ${cookie}`, credentialSource: 'cookie' };
}

/** `{ authorization: "Bearer …" }` in connection_init, as the HTTP header would carry it. */
export function authorizationFromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : null;
}
