import { createHash } from 'node:crypto';
import { TowerError } from '../errors.js';

/** Airflow's hard cap on one retry delay: a day. */
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

function check(input: RetryDelayInput): void {
  const bad = (field: string, why: string) => new TowerError('INTERNAL', `retry policy: ${field} ${why}`, { details: { field } });
  if (!Number.isInteger(input.tryNumber) || input.tryNumber < 1) throw bad('tryNumber', 'must be an integer >= 1');
  if (!Number.isFinite(input.retryDelaySeconds) || input.retryDelaySeconds < 0) throw bad('retryDelaySeconds', 'must be a number >= 0');
  if (!Number.isFinite(input.maxRetryDelaySeconds) || input.maxRetryDelaySeconds < 0) throw bad('maxRetryDelaySeconds', 'must be a number >= 0');
  if (!(input.logicalDate instanceof Date) || Number.isNaN(input.logicalDate.getTime())) throw bad('logicalDate', 'must be a valid date');
}

/**
 * Seconds to wait before the next try — Airflow's TaskInstance.next_retry_datetime.
 * Fixed: the delay, capped by maxRetryDelaySeconds (Airflow applies the cap only to exponential
 * backoff; Tower applies it to both so the setting always means what it says).
 * Exponential: base = max(ceil(delay·2^(try−1)), 1); jitter = sha1("dag#task#logicalDate#try")
 * mod base; min(base + jitter, 86400), then min(…, maxRetryDelaySeconds). The jitter is
 * deterministic, so a redelivered failure computes the same time, yet tasks that failed together
 * do not retry in lockstep.
 */
export function retryDelaySeconds(input: RetryDelayInput): number {
  check(input);
  const cap = Math.min(input.maxRetryDelaySeconds, MAX_RETRY_DELAY_SECONDS);
  if (!input.exponentialBackoff) return Math.min(input.retryDelaySeconds, cap);
  const base = Math.max(Math.ceil(input.retryDelaySeconds * 2 ** (input.tryNumber - 1)), 1);
  // base + jitter >= base: from a day on the result is the cap whatever the jitter (and 2^n may be Infinity).
  if (base >= MAX_RETRY_DELAY_SECONDS) return cap;
  const digest = createHash('sha1').update(`${input.dagId}#${input.taskId}#${input.logicalDate.toISOString()}#${input.tryNumber}`).digest('hex');
  const jitter = Number(BigInt(`0x${digest}`) % BigInt(base));
  return Math.min(base + jitter, MAX_RETRY_DELAY_SECONDS, cap);
}

/** When the next try may start: `now` (the end of the failed try) plus the delay. */
export function nextRetryAt(input: RetryDelayInput & { now: Date }): Date {
  return new Date(input.now.getTime() + retryDelaySeconds(input) * 1000);
}
