import type { IncomingMessage } from 'node:http';
import type { TowerError } from '@tower/core';
import type { Actor, RequestOrigin } from '../auth/actor.js';

/**
 * The context of one GraphQL operation, over HTTP or graphql-ws alike. `authorization` is the raw
 * bearer value (header or connection_init payload): it is never logged or audited.
 */
export interface GqlContext {
  transport: 'http' | 'ws';
  req?: IncomingMessage & { ip?: string };
  authorization: string | null;
  origin: RequestOrigin;
  /** Set by AuthGuard once the bearer token resolved. */
  actor?: Actor;
  /** AuthGuard's count of this request against the principal's rate limit: the refusal, or null. */
  principalCounted?: Promise<TowerError | null>;
}

function first(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

export function originOf(req: (IncomingMessage & { ip?: string }) | undefined): RequestOrigin {
  if (!req) return { ip: null, userAgent: null };
  return { ip: req.ip ?? req.socket?.remoteAddress ?? null, userAgent: first(req.headers['user-agent'])?.slice(0, 512) ?? null };
}

export function httpContext(req: IncomingMessage & { ip?: string }): GqlContext {
  return { transport: 'http', req, authorization: first(req.headers.authorization), origin: originOf(req) };
}

/** `{ authorization: "Bearer …" }` in connection_init, as the HTTP header would carry it. */
export function authorizationFromConnectionParams(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : null;
}
