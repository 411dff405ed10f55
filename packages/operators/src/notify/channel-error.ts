import { OperatorError } from '../operator.js';
import { scrubSecrets } from '../snowflake/redact.js';

/** A channel failure with the connection's secret values masked. */
export function channelError(connId: string, what: string, detail: string, secrets: Record<string, string>, retryable: boolean): OperatorError {
  return new OperatorError(`${what} via ${connId} failed: ${scrubSecrets(detail, Object.values(secrets))}`, retryable);
}

function messageOf(value: unknown): string | undefined {
  // Not `instanceof Error`: fetch's errors may come from another realm (vm contexts, test runners).
  const m = typeof value === 'object' && value !== null ? (value as { message?: unknown }).message : undefined;
  return typeof m === 'string' && m ? m : undefined;
}

/** The error's message, with its cause's (fetch failed → connect ECONNREFUSED …). */
export function errorText(err: unknown): string {
  const message = messageOf(err) ?? String(err);
  const cause = messageOf((err as { cause?: unknown } | null)?.cause);
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}
