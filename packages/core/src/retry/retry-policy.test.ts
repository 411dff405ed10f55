import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { TowerError } from '../errors.js';
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

/** Airflow's formula written out independently: min(min(base + sha1 mod base, 86400), maxRetryDelay). */
function airflow(i: RetryDelayInput): number {
  const b = Math.max(Math.ceil(i.retryDelaySeconds * 2 ** (i.tryNumber - 1)), 1);
  const h = BigInt(`0x${createHash('sha1').update(`${i.dagId}#${i.taskId}#${i.logicalDate.toISOString()}#${i.tryNumber}`).digest('hex')}`);
  const jitter = b < 2 ** 53 ? Number(h % BigInt(b)) : 0;
  return Math.min(Math.min(b + jitter, 86_400), i.maxRetryDelaySeconds);
}

describe('retry delay (Airflow next_retry_datetime)', () => {
  it('uses the fixed delay without exponential backoff, whatever the try', () => {
    expect(retryDelaySeconds({ ...base, exponentialBackoff: false })).toBe(300);
    expect(retryDelaySeconds({ ...base, exponentialBackoff: false, tryNumber: 5 })).toBe(300);
    expect(retryDelaySeconds({ ...base, exponentialBackoff: false, retryDelaySeconds: 0 })).toBe(0);
    expect(retryDelaySeconds({ ...base, exponentialBackoff: false, retryDelaySeconds: 1.5 })).toBe(1.5);
  });

  it('caps the fixed delay by maxRetryDelaySeconds', () => {
    expect(retryDelaySeconds({ ...base, exponentialBackoff: false, retryDelaySeconds: 7200, maxRetryDelaySeconds: 3600 })).toBe(3600);
  });

  it('matches vectors computed with Python hashlib (as Airflow does)', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((tryNumber) => retryDelaySeconds({ ...base, tryNumber }))).toEqual([470, 854, 2284, 2941, 6665, 16194, 19239]);
    const other = { ...base, dagId: 'etl', taskId: 'extract', logicalDate: new Date('2024-02-29T00:00:00Z'), retryDelaySeconds: 60 };
    expect(Array.from({ length: 11 }, (_, i) => retryDelaySeconds({ ...other, tryNumber: i + 1 }))).toEqual([
      82, 160, 339, 800, 990, 2191, 6662, 11655, 16215, 49308, 77037,
    ]);
    expect(retryDelaySeconds({ ...base, dagId: 'd', taskId: 't', logicalDate: new Date('2024-03-10T08:00:00Z'), retryDelaySeconds: 1 })).toBe(1);
    expect(retryDelaySeconds({ ...base, dagId: 'd', taskId: 't', logicalDate: new Date('2024-03-10T08:00:00Z'), retryDelaySeconds: 60, tryNumber: 10 })).toBe(
      46476,
    );
  });

  it('rounds the base up and never goes below one second', () => {
    expect(retryDelaySeconds({ ...base, retryDelaySeconds: 0 })).toBe(1);
    expect(retryDelaySeconds({ ...base, retryDelaySeconds: 0.4, tryNumber: 3 })).toBe(2);
  });

  it('stays within [base, 2·base) and matches the formula for many tries and delays', () => {
    for (let tryNumber = 1; tryNumber <= 20; tryNumber++) {
      for (const retryDelay of [0, 0.4, 1, 5, 300, 3600]) {
        const input = { ...base, tryNumber, retryDelaySeconds: retryDelay };
        const got = retryDelaySeconds(input);
        const b = Math.max(Math.ceil(retryDelay * 2 ** (tryNumber - 1)), 1);
        expect(got).toBe(airflow(input));
        expect(Number.isInteger(got)).toBe(true);
        expect(got).toBeGreaterThanOrEqual(Math.min(b, MAX_RETRY_DELAY_SECONDS));
        expect(got).toBeLessThan(Math.min(2 * b, MAX_RETRY_DELAY_SECONDS + 1));
      }
    }
  });

  it('is capped by maxRetryDelaySeconds and by a day, even for huge exponents', () => {
    expect(retryDelaySeconds({ ...base, tryNumber: 4, maxRetryDelaySeconds: 3600 })).toBe(2941);
    expect(retryDelaySeconds({ ...base, tryNumber: 8, maxRetryDelaySeconds: 3600 })).toBe(3600);
    expect(retryDelaySeconds({ ...base, tryNumber: 40 })).toBe(MAX_RETRY_DELAY_SECONDS);
    expect(retryDelaySeconds({ ...base, tryNumber: 2000, retryDelaySeconds: 1e9 })).toBe(MAX_RETRY_DELAY_SECONDS);
    expect(retryDelaySeconds({ ...base, tryNumber: 2000, retryDelaySeconds: 1e9, maxRetryDelaySeconds: 60 })).toBe(60);
    expect(retryDelaySeconds({ ...base, maxRetryDelaySeconds: 0 })).toBe(0);
  });

  it('is deterministic per (dag, task, logical date, try) and spreads tasks that failed together', () => {
    expect(retryDelaySeconds(base)).toBe(retryDelaySeconds({ ...base, logicalDate: new Date(base.logicalDate.getTime()) }));
    const delays = ['a', 'b', 'c', 'd', 'e', 'f'].map((taskId) => retryDelaySeconds({ ...base, taskId }));
    expect(new Set(delays).size).toBeGreaterThan(3);
    expect(retryDelaySeconds({ ...base, logicalDate: new Date('2026-01-02T08:00:00Z') })).toBe(
      airflow({ ...base, logicalDate: new Date('2026-01-02T08:00:00Z') }),
    );
  });

  it('rejects nonsense input as an internal error', () => {
    for (const bad of [
      { tryNumber: 0 },
      { tryNumber: 1.5 },
      { retryDelaySeconds: -1 },
      { retryDelaySeconds: Number.NaN },
      { maxRetryDelaySeconds: -5 },
      { logicalDate: new Date('x') },
    ]) {
      let error: unknown;
      try {
        retryDelaySeconds({ ...base, ...bad });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TowerError);
      expect((error as TowerError).code).toBe('INTERNAL');
    }
  });
});

describe('nextRetryAt', () => {
  it('adds the delay to now (the end of the failed try)', () => {
    const now = new Date('2026-01-01T09:00:00Z');
    expect(nextRetryAt({ ...base, now }).toISOString()).toBe('2026-01-01T09:07:50.000Z');
    expect(nextRetryAt({ ...base, now, exponentialBackoff: false }).toISOString()).toBe('2026-01-01T09:05:00.000Z');
    expect(nextRetryAt({ ...base, now, tryNumber: 40 }).toISOString()).toBe('2026-01-02T09:00:00.000Z');
  });
});
