import { describe, expect, it } from '@jest/globals';
import { MAX_POKE_INTERVAL_SECONDS, pokeIntervalSeconds } from './poke-interval.js';

const base = { dagId: 'd', taskId: 't', sensorStartedAt: new Date('2026-01-01T00:00:00Z') };

describe('pokeIntervalSeconds', () => {
  it('is the poke interval without backoff', () => {
    for (const pokeNumber of [1, 2, 10]) expect(pokeIntervalSeconds({ ...base, pokeIntervalSeconds: 30, pokeNumber, exponentialBackoff: false })).toBe(30);
  });
  it('doubles per poke with a jitter in [min, 2·min) (Airflow formula)', () => {
    for (let n = 1; n <= 8; n++) {
      const min = Math.max(Math.floor(60 * 2 ** (n - 2)), 1);
      const s = pokeIntervalSeconds({ ...base, pokeIntervalSeconds: 60, pokeNumber: n, exponentialBackoff: true });
      expect(s).toBeGreaterThanOrEqual(min);
      expect(s).toBeLessThan(2 * min);
      expect(Number.isInteger(s)).toBe(true);
    }
  });
  it('is deterministic for the same task instance and poke, and varies between instances', () => {
    const a = pokeIntervalSeconds({ ...base, pokeIntervalSeconds: 1000, pokeNumber: 5, exponentialBackoff: true });
    expect(pokeIntervalSeconds({ ...base, pokeIntervalSeconds: 1000, pokeNumber: 5, exponentialBackoff: true })).toBe(a);
    const others = ['t1', 't2', 't3', 't4', 't5'].map((taskId) =>
      pokeIntervalSeconds({ ...base, taskId, pokeIntervalSeconds: 1000, pokeNumber: 5, exponentialBackoff: true }),
    );
    expect(new Set([a, ...others]).size).toBeGreaterThan(1);
  });
  it('never waits less than a second nor more than a day', () => {
    expect(pokeIntervalSeconds({ ...base, pokeIntervalSeconds: 0.5, pokeNumber: 1, exponentialBackoff: true })).toBe(1);
    expect(pokeIntervalSeconds({ ...base, pokeIntervalSeconds: 30, pokeNumber: 40, exponentialBackoff: true })).toBe(MAX_POKE_INTERVAL_SECONDS);
    expect(pokeIntervalSeconds({ ...base, pokeIntervalSeconds: 30, pokeNumber: 5000, exponentialBackoff: true })).toBe(MAX_POKE_INTERVAL_SECONDS);
  });
});
