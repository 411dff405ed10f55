import { createHash } from 'node:crypto';

/** Longest wait between two pokes with exponential backoff (Airflow has no cap; Tower caps retry delays at a day too). */
export const MAX_POKE_INTERVAL_SECONDS = 86_400;

/**
 * Seconds to wait after poke number `pokeNumber` (1-based, counted across reschedules) failed.
 * Without backoff: `pokeIntervalSeconds`. With backoff, Airflow's BaseSensorOperator formula:
 * min = max(floor(poke × 2^(n−2)), 1), plus a deterministic jitter in [0, min) taken from a SHA-1
 * of (dag, task, sensor start, n) — so the waits are about poke/2, poke, 2·poke, … — capped at
 * a day. The caller also caps the wait at the sensor's remaining timeout.
 */
export function pokeIntervalSeconds(opts: {
  pokeIntervalSeconds: number;
  pokeNumber: number;
  exponentialBackoff: boolean;
  dagId: string;
  taskId: string;
  sensorStartedAt: Date;
}): number {
  if (!opts.exponentialBackoff) return opts.pokeIntervalSeconds;
  const exp = Math.min(opts.pokeNumber - 2, 40);
  const minBackoff = Math.max(Math.floor(opts.pokeIntervalSeconds * 2 ** exp), 1);
  if (minBackoff >= MAX_POKE_INTERVAL_SECONDS) return MAX_POKE_INTERVAL_SECONDS;
  const digest = createHash('sha1').update(`${opts.dagId}#${opts.taskId}#${opts.sensorStartedAt.toISOString()}#${opts.pokeNumber}`).digest('hex');
  const jitter = Number(BigInt(`0x${digest}`) % BigInt(minBackoff));
  return Math.min(minBackoff + jitter, MAX_POKE_INTERVAL_SECONDS);
}
