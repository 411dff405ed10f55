import { TowerError } from '@tower/core';
import type { GqlContext } from '../common/graphql-context.js';
import type { AuthResult } from './auth.service.js';
import { crossSiteReason, setSessionCookie, wantsWebSession } from './web-session.js';

/**
 * Whether the caller is the web app (x-tower-csrf), which gets its session as a cookie. Checked
 * before any session is opened: a cross-site page must not sign the browser in to an account of
 * its choosing (login CSRF).
 */
export function webSessionRequested(ctx: GqlContext): boolean {
  if (ctx.transport !== 'http' || !ctx.req || !ctx.res || !wantsWebSession(ctx.req)) return false;
  const refused = crossSiteReason(ctx.req.headers);
  if (refused) throw new TowerError('FORBIDDEN', `no web session: ${refused}`);
  return true;
}

/** Sets the session of `result` as the web session cookie when the web app asked for one. */
export function withWebSession(ctx: GqlContext, web: boolean, result: AuthResult): AuthResult {
  if (web) setSessionCookie(ctx.req!, ctx.res!, result.token, result.expiresAt);
  return result;
}
