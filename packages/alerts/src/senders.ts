import { clipText, emailMessage, pagerDutyEvent, PAGERDUTY_EVENTS_URL, slackMessage, TowerError, webhookBody, type AlertMessage } from '@tower/core';
import type { PrismaClient } from '@tower/db';
import { errorText, sendEmail, type ResolvedConnection } from '@tower/operators';
import { openSecrets, type Keyring } from '@tower/secrets';
import type { ResolvedAlertChannel } from './channel-service.js';
import { signatureHeader, SIGNATURE_HEADER } from './signature.js';

/** What the receiver answered (or why there was no answer). */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  /** The receiver's answer, clipped; or the error. Never a secret. */
  response: string;
  /** Worth trying again: no answer, a timeout, 408, 429 or a 5xx. */
  retryable: boolean;
}

export interface SendContext {
  prisma: PrismaClient;
  keyring: Keyring;
  timeoutMs: number;
  now: () => Date;
}

const RESPONSE_EXCERPT = 500;

const clip = (text: string) => clipText(text, RESPONSE_EXCERPT);

/** Masks the channel's secret values wherever they might echo back (an error naming the URL, say). */
function scrub(text: string, secrets: Record<string, string>): string {
  let out = text;
  for (const value of Object.values(secrets)) if (value.length >= 4) out = out.split(value).join('***');
  return out;
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<SendResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'Tower-Alerts/1', ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = clip(await res.text().catch(() => ''));
    const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
    return { ok: res.ok, statusCode: res.status, response: text || `HTTP ${res.status}`, retryable };
  } catch (err) {
    const timedOut = (err as { name?: string }).name === 'TimeoutError';
    return { ok: false, statusCode: null, response: timedOut ? `no answer within ${timeoutMs} ms` : errorText(err), retryable: true };
  }
}

/** The tenant's smtp connection named by an email channel, decrypted. */
async function smtpConnection(ctx: SendContext, tenantId: string, connId: string): Promise<ResolvedConnection> {
  const row = await ctx.prisma.connection.findUnique({ where: { tenantId_connId: { tenantId, connId } } });
  if (!row) throw new TowerError('NOT_FOUND', `connection "${connId}" not found`);
  if (row.type !== 'smtp') throw new TowerError('BAD_USER_INPUT', `connection "${connId}" is a ${row.type} connection, not smtp`);
  return { connId: row.connId, type: 'smtp', config: row.config as Record<string, unknown>, secrets: openSecrets(ctx.keyring, row.secretCiphertext) };
}

/** Sends one message through one channel. Never throws: the result says what happened. */
export async function sendToChannel(channel: ResolvedAlertChannel, message: AlertMessage, ctx: SendContext): Promise<SendResult> {
  const result = await sendUnscrubbed(channel, message, ctx).catch((err: unknown): SendResult => ({
    ok: false,
    statusCode: null,
    response: errorText(err),
    retryable: !(err instanceof TowerError),
  }));
  return { ...result, response: scrub(result.response, channel.secrets) };
}

async function sendUnscrubbed(channel: ResolvedAlertChannel, message: AlertMessage, ctx: SendContext): Promise<SendResult> {
  const config = channel.config;
  switch (channel.type) {
    case 'WEBHOOK': {
      const body = JSON.stringify(webhookBody(message));
      const timestamp = Math.floor(ctx.now().getTime() / 1000);
      const headers: Record<string, string> = {
        ...((config.headers as Record<string, string> | undefined) ?? {}),
        [SIGNATURE_HEADER]: signatureHeader(channel.secrets.signingSecret ?? '', timestamp, body),
        'X-Tower-Delivery': message.deliveryId,
        'X-Tower-Event': message.kind === 'TEST' ? 'alert.test' : message.kind === 'RESOLVE' ? 'alert.resolved' : 'alert.firing',
      };
      return post(String(config.url), body, headers, ctx.timeoutMs);
    }
    case 'SLACK':
      return post(channel.secrets.webhookUrl ?? '', JSON.stringify(slackMessage(message)), {}, ctx.timeoutMs);
    case 'PAGERDUTY':
      return post(
        String(config.eventsUrl ?? PAGERDUTY_EVENTS_URL),
        JSON.stringify(pagerDutyEvent(message, channel.secrets.routingKey ?? '')),
        {},
        ctx.timeoutMs,
      );
    case 'EMAIL': {
      const conn = await smtpConnection(ctx, channel.tenantId, String(config.connection));
      const mail = emailMessage(message);
      const to = Array.isArray(config.to) ? (config.to as string[]) : [];
      try {
        const info = await sendEmail(conn, { ...mail, to });
        return { ok: true, statusCode: 250, response: `accepted by ${info.accepted.join(', ')}`, retryable: false };
      } catch (err) {
        const retryable = (err as { retryable?: boolean }).retryable !== false;
        return { ok: false, statusCode: null, response: errorText(err), retryable };
      }
    }
  }
}
