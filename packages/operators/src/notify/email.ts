import nodemailer from 'nodemailer';
import { OperatorError, type ResolvedConnection } from '../operator.js';
import { channelError, errorText } from './channel-error.js';

/** The `config` of an smtp connection (see ResolvedConnection). */
export interface SmtpConnectionConfig {
  host: string;
  port: number;
  secure: boolean;
  username?: string;
  from: string;
  to: string[];
}

const TIMEOUT_MS = 15_000;

export function smtpConfig(conn: ResolvedConnection): SmtpConnectionConfig {
  if (conn.type !== 'smtp') throw new OperatorError(`connection ${conn.connId} is of type ${conn.type}, not smtp`, false);
  const c = conn.config;
  const port = typeof c.port === 'number' ? c.port : Number(c.port);
  const to = (Array.isArray(c.to) ? c.to : typeof c.to === 'string' ? c.to.split(',') : []).map((v) => String(v).trim()).filter(Boolean);
  if (typeof c.host !== 'string' || !c.host || !Number.isInteger(port) || port <= 0 || port > 65_535)
    throw new OperatorError(`smtp connection ${conn.connId} needs config.host and config.port`, false);
  if (typeof c.from !== 'string' || !c.from) throw new OperatorError(`smtp connection ${conn.connId} needs config.from`, false);
  return {
    host: c.host,
    port,
    secure: typeof c.secure === 'boolean' ? c.secure : port === 465,
    username: typeof c.username === 'string' && c.username ? c.username : undefined,
    from: c.from,
    to,
  };
}

/** TLS from the start when `secure` (port 465 by default), else STARTTLS when the server offers it. */
function transport(conn: ResolvedConnection, cfg: SmtpConnectionConfig) {
  return nodemailer.createTransport({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure,
    ...(cfg.username && { auth: { user: cfg.username, pass: conn.secrets.password ?? '' } }),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
}

/** Rejected logins and permanent (5xx) SMTP answers are not retried; connection problems are. */
function retryable(err: unknown): boolean {
  const e = err as { code?: string; responseCode?: number };
  if (e.code === 'EAUTH' || e.code === 'EENVELOPE') return false;
  return !(typeof e.responseCode === 'number' && e.responseCode >= 500);
}

export interface EmailMessage {
  subject: string;
  text: string;
  /** An HTML alternative to `text` (a multipart/alternative message). */
  html?: string;
  /** Recipients instead of the connection's `to`. */
  to?: string[];
}

/** Sends a plain-text email to the connection's recipients; resolves with the accepted addresses. */
export async function sendEmail(conn: ResolvedConnection, message: EmailMessage): Promise<{ accepted: string[]; messageId: string }> {
  const cfg = smtpConfig(conn);
  const to = message.to?.length ? message.to : cfg.to;
  if (to.length === 0) throw new OperatorError(`smtp connection ${conn.connId} has no recipients (config.to)`, false);
  const transporter = transport(conn, cfg);
  try {
    const info = await transporter.sendMail({
      from: cfg.from,
      to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
    });
    const accepted = (info.accepted as unknown[]).map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address)));
    return { accepted, messageId: info.messageId };
  } catch (err) {
    throw channelError(conn.connId, 'email', errorText(err), conn.secrets, retryable(err));
  } finally {
    transporter.close();
  }
}

/** Connects, says EHLO and logs in when a username is set. Never throws; no secret in the message. */
export async function testSmtpConnection(conn: ResolvedConnection): Promise<{ ok: boolean; message: string }> {
  let cfg: SmtpConnectionConfig;
  try {
    cfg = smtpConfig(conn);
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  const transporter = transport(conn, cfg);
  try {
    await transporter.verify();
    return { ok: true, message: `SMTP server ${cfg.host}:${cfg.port} accepted the connection${cfg.username ? ` and the login of ${cfg.username}` : ''}` };
  } catch (err) {
    return { ok: false, message: channelError(conn.connId, 'SMTP check', errorText(err), conn.secrets, false).message };
  } finally {
    transporter.close();
  }
}
