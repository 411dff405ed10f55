import { createHash } from 'node:crypto';

/** Airflow's hard cap on one retry delay (a day). */
export const MAX_RETRY_DELAY_SECONDS = 86_400;

export interface RetryDelayInput {
  /** The try that just failed (1-based). */
  tryNumber: number;
  retryDelaySeconds: number;
  exponentialBackoff: boolean;
  maxRetryDelaySeconds: number;
  dagId: string;
  taskId: string;
  logicalDate: Date;
}

/**
 * Seconds to wait before the next try — Airflow's TaskInstance.next_retry_datetime:
 * exponential: base = max(ceil(delay·2^(try−1)), 1); jitter = sha1("dag#task#logical#try") mod base;
 * delay = min(base + jitter, 86400); then capped by maxRetryDelaySeconds. Deterministic: the same
 * task try always waits the same time, and two tasks failing together do not retry in lockstep.
 */
export function retryDelaySeconds(input: RetryDelayInput): number {
  const cap = Math.min(input.maxRetryDelaySeconds > 0 ? input.maxRetryDelaySeconds : MAX_RETRY_DELAY_SECONDS, MAX_RETRY_DELAY_SECONDS);
  if (!input.exponentialBackoff) return Math.min(Math.max(input.retryDelaySeconds, 0), cap);
  const exponent = Math.max(input.tryNumber - 1, 0);
  // 2^exponent overflows long before it matters: past the cap the result is the cap anyway.
  const raw = Math.ceil(input.retryDelaySeconds * 2 ** Math.min(exponent, 60));
  const base = Math.max(Number.isFinite(raw) ? raw : MAX_RETRY_DELAY_SECONDS * 2, 1);
  const digest = createHash('sha1').update(`${input.dagId}#${input.taskId}#${input.logicalDate.toISOString()}#${input.tryNumber}`).digest('hex');
  const jitter = Number(BigInt(`0x${digest}`) % BigInt(Math.min(base, Number.MAX_SAFE_INTEGER)));
  return Math.min(base + jitter, MAX_RETRY_DELAY_SECONDS, cap);
}

export function nextRetryAt(input: RetryDelayInput & { now: Date }): Date {
  return new Date(input.now.getTime() + retryDelaySeconds(input) * 1000);
}
