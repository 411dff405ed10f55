import { createHmac } from 'node:crypto';
import { OperatorError, type ResolvedConnection } from '../operator.js';
import { channelError, errorText } from './channel-error.js';

export const SIGNATURE_HEADER = 'X-Tower-Signature';
const TIMEOUT_MS = 15_000;

/** `sha256=<hex HMAC-SHA256 of the exact body bytes, keyed with the signing secret>`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

function baseUrl(conn: ResolvedConnection): string {
  if (conn.type !== 'http') throw new OperatorError(`connection ${conn.connId} is of type ${conn.type}, not http`, false);
  const url = conn.config.baseUrl;
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url))
    throw new OperatorError(`http connection ${conn.connId} needs config.baseUrl (an http(s) URL)`, false);
  return url;
}

/** The connection's headers, then its auth: a bearer token, else basic auth with config.username + password. */
function requestHeaders(conn: ResolvedConnection): Record<string, string> {
  const headers: Record<string, string> = {};
  const configured = conn.config.headers;
  if (configured && typeof configured === 'object') for (const [k, v] of Object.entries(configured)) if (typeof v === 'string') headers[k] = v;
  const { bearerToken, password } = conn.secrets;
  const username = conn.config.username;
  if (bearerToken) headers.authorization = `Bearer ${bearerToken}`;
  else if (typeof username === 'string' && username && password) headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  return headers;
}

/**
 * POSTs `payload` as JSON to the connection's baseUrl, signed with `X-Tower-Signature` when the
 * connection has a `signingSecret` secret. Any 2xx is success; 408, 429 and 5xx are retryable,
 * other statuses are not (the request would be refused again).
 */
export async function postWebhook(conn: ResolvedConnection, payload: unknown, signal?: AbortSignal): Promise<{ status: number }> {
  const url = baseUrl(conn);
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { ...requestHeaders(conn), 'content-type': 'application/json', 'user-agent': 'Tower-Notify/1' };
  if (conn.secrets.signingSecret) headers[SIGNATURE_HEADER] = signBody(conn.secrets.signingSecret, body);
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw channelError(conn.connId, 'webhook', errorText(err), conn.secrets, true);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const retry = response.status === 408 || response.status === 429 || response.status >= 500;
    throw channelError(conn.connId, 'webhook', `HTTP ${response.status}: ${text.slice(0, 300)}`, conn.secrets, retry);
  }
  return { status: response.status };
}

/** A HEAD request to baseUrl: any HTTP answer means reachable. Never throws; no secret in the message. */
export async function testHttpConnection(conn: ResolvedConnection): Promise<{ ok: boolean; message: string }> {
  let url: string;
  try {
    url = baseUrl(conn);
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  try {
    const response = await fetch(url, { method: 'HEAD', headers: requestHeaders(conn), signal: AbortSignal.timeout(TIMEOUT_MS) });
    return { ok: true, message: `${new URL(url).origin} answered HTTP ${response.status}` };
  } catch (err) {
    return { ok: false, message: channelError(conn.connId, 'HTTP check', errorText(err), conn.secrets, false).message };
  }
}
