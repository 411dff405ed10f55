import { Injectable } from '@nestjs/common';
import type { TowerConfig } from '@tower/config';
import type { Logger } from '@tower/logger';
import { sendEmail, type ResolvedConnection } from '@tower/operators';
import { InjectConfig, InjectLogger } from '../common/tokens.js';

export interface InvitationMail {
  to: string;
  tenantName: string;
  invitedBy: string | null;
  role: string;
  link: string;
  expiresAt: Date;
}

export type MailOutcome = { sent: true } | { sent: false; error: string };

/**
 * Invitation emails through the platform's SMTP server (SMTP_* settings), with the same sender the
 * alert and notify channels use for tenants' smtp connections. Without SMTP_HOST nothing is sent:
 * the inviter shares the link the API returns.
 */
@Injectable()
export class InvitationMailer {
  constructor(
    @InjectConfig() private readonly config: TowerConfig,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  async send(mail: InvitationMail): Promise<MailOutcome> {
    const c = this.config;
    if (!c.SMTP_HOST) return { sent: false, error: 'no mail server is configured (SMTP_HOST): share the link yourself' };
    const connection: ResolvedConnection = {
      connId: 'platform SMTP',
      type: 'smtp',
      config: { host: c.SMTP_HOST, port: c.SMTP_PORT, secure: c.SMTP_SECURE ?? c.SMTP_PORT === 465, username: c.SMTP_USERNAME, from: c.SMTP_FROM },
      secrets: c.SMTP_PASSWORD ? { password: c.SMTP_PASSWORD } : {},
    };
    const by = mail.invitedBy ? `${mail.invitedBy} invited you` : 'You are invited';
    const text = [
      `${by} to join ${mail.tenantName} on Tower as ${mail.role}.`,
      '',
      `Accept the invitation: ${mail.link}`,
      '',
      `The link works once and expires at ${mail.expiresAt.toISOString()}. If you did not expect it, ignore this email.`,
    ].join('\n');
    try {
      await sendEmail(connection, { subject: `Join ${mail.tenantName} on Tower`, text, to: [mail.to] });
      return { sent: true };
    } catch (err) {
      // The message names the server, never the link (it holds the token).
      const error = (err as Error).message;
      this.logger.warn({ error, host: c.SMTP_HOST }, 'invitation email not sent');
      return { sent: false, error };
    }
  }
}
