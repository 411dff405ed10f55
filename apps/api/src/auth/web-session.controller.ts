import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { originOf } from '../common/graphql-context.js';
import { AuthService } from './auth.service.js';
import { clearSessionCookie, csrfReason, readSessionCookie } from './web-session.js';

export const LOGOUT_PATH = '/auth/logout';

/**
 * The web app's sign-out: ends the session of the cookie (server side, at once) and clears the
 * cookie, which page JavaScript cannot do. Same CSRF check as every cookie-authenticated request.
 * Answers 204 whether or not there was a session (idempotent); 403 to a cross-site request.
 */
@Controller()
export class WebSessionController {
  constructor(
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  @Post(LOGOUT_PATH)
  @HttpCode(204)
  async logout(@Req() req: IncomingMessage & { ip?: string }, @Res() res: ServerResponse): Promise<void> {
    const refused = csrfReason(req.headers);
    if (refused) {
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: refused }));
      return;
    }
    const token = readSessionCookie(req);
    const origin = originOf(req);
    const actor = token ? await this.auth.endSessionOfToken(token, origin) : null;
    if (actor) await this.audit.recordMutation({ action: 'logout', actor, origin, args: {}, returnType: 'Session', result: null });
    clearSessionCookie(req, res);
    res.writeHead(204).end();
  }
}
