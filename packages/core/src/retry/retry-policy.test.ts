import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { MAX_RETRY_DELAY_SECONDS, nextRetryAt, retryDelaySeconds, type RetryDelayInput } from './retry-policy.js';

const base: RetryDelayInput = {
  tryNumber: 1,
  retryDelaySeconds: 300,
  exponentialBackoff: true,
  maxRetryDelaySeconds: 86_400,
  dagId: 'daily_sales_pipeline',
  taskId: 'load',
  logicalDate: new Date('2026-01-01T08:00:00Z'),
};

/** The formula written out independently: max(ceil(d·2^(n−1)),1) + sha1 mod base. */
function airflow(i: RetryDelayInput): number {
  const b = Math.max(Math.ceil(i.retryDelaySeconds * 2 ** (i.tryNumber - 1)), 1);
  const h = BigInt(`0x${createHash('sha1').update(`${i.dagId}#${i.taskId}#${i.logicalDate.toISOString()}#${i.tryNumber}`).digest('hex')}`);
  return Math.min(Math.min(b + Number(h % BigInt(b)), 86_400), i.maxRetryDelaySeconds);
}

describe('retry delay (Airflow next_retry_datetime)', () => {
  it('uses the fixed delay without exponential backoff', () => {
    expect(retryDelaySeconds({ ...base, exponentialBackoff: false })).toBe(300);
    expect(retryDelaySeconds({ ...base, exponentialBackoff: false, tryNumber: 5 })).toBe(300);
    expect(retryDelaySeconds({ ...base, exponentialBackoff: false, retryDelaySeconds: 7200, maxRetryDelaySeconds: 3600 })).toBe(3600);
  });

  it('matches fixed vectors', () => {
    expect(retryDelaySeconds({ ...base, tryNumber: 1 })).toBe(470);
    expect(retryDelaySeconds({ ...base, tryNumber: 2 })).toBe(854);
    expect(retryDelaySeconds({ ...base, tryNumber: 3 })).toBe(2284);
    expect(retryDelaySeconds({ ...base, dagId: 'd', taskId: 't', logicalDate: new Date('2024-03-10T08:00:00Z'), retryDelaySeconds: 1 })).toBe(1);
    expect(retryDelaySeconds({ ...base, dagId: 'd', taskId: 't', logicalDate: new Date('2024-03-10T08:00:00Z'), retryDelaySeconds: 60, tryNumber: 10 })).toBe(46476);
  });

  it('stays within [base, 2·base) and matches the formula for many tries', () => {
    for (let tryNumber = 1; tryNumber <= 12; tryNumber++) {
      for (const retryDelay of [0, 0.4, 1, 5, 300]) {
        const input = { ...base, tryNumber, retryDelaySeconds: retryDelay };
        const got = retryDelaySeconds(input);
        const b = Math.max(Math.ceil(retryDelay * 2 ** (tryNumber - 1)), 1);
        expect(got).toBe(airflow(input));
        expect(got).toBeGreaterThanOrEqual(Math.min(b, 86_400));
        expect(got).toBeLessThan(Math.max(2 * b, 1) + 1);
      }
    }
  });

  it('is capped by maxRetryDelaySeconds and by a day', () => {
    expect(retryDelaySeconds({ ...base, tryNumber: 8, maxRetryDelaySeconds: 3600 })).toBe(3600);
    expect(retryDelaySeconds({ ...base, tryNumber: 40 })).toBe(MAX_RETRY_DELAY_SECONDS);
    expect(retryDelaySeconds({ ...base, tryNumber: 2000, retryDelaySeconds: 1e9 })).toBe(MAX_RETRY_DELAY_SECONDS);
  });

  it('is deterministic per (dag, task, logical date, try) and differs between tasks', () => {
    expect(retryDelaySeconds(base)).toBe(retryDelaySeconds({ ...base }));
    const others = ['a', 'b', 'c', 'd', 'e'].map((taskId) => retryDelaySeconds({ ...base, taskId }));
    expect(new Set(others).size).toBeGreaterThan(1);
  });

  it('nextRetryAt adds the delay to now', () => {
    const now = new Date('2026-01-01T09:00:00Z');
    expect(nextRetryAt({ ...base, now }).toISOString()).toBe(new Date(now.getTime() + 470_000).toISOString());
  });
});
