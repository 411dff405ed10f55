import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { TowerConfig } from '@tower/config';
import { isTowerError } from '@tower/core';
import { Redis } from 'ioredis';
import { FAILURES_PER_IP, FAILURES_PER_IP_AND_ACCOUNT, LoginThrottle } from './login-throttle.js';

/**
 * Against the real Redis: a key over its limit is refused by this process without a Redis round
 * trip, and the counters stay in Redis, so another replica refuses it too.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `tower-test-login-throttle-${process.pid}-${randomBytes(3).toString('hex')}`;
let redis: Redis;
let monitored: Redis;
let monitor: Redis;
/** Every command a client sent to Redis with one of this test's keys (not those run by its scripts). */
const seen: string[][] = [];

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  monitored = new Redis(REDIS_URL);
  monitor = await monitored.monitor();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua' && args.some((a) => a.startsWith(prefix))) seen.push(args);
  });
});

afterAll(async () => {
  monitor?.disconnect();
  monitored?.disconnect();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis?.quit();
});

const replica = () => new LoginThrottle(redis, { REDIS_PREFIX: prefix } as TowerConfig);

async function refusal(attempt: Promise<void>): Promise<number> {
  const err = await attempt.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isTowerError(err, 'RATE_LIMITED')) throw new Error(`expected RATE_LIMITED, got ${String(err)}`);
  return (err.details as { retryAfterSeconds: number }).retryAfterSeconds;
}

/** Waits until MONITOR has reported everything sent so far (it lags), by a marker command. */
async function monitorCaughtUp(): Promise<number> {
  const marker = `${prefix}:marker:${randomBytes(3).toString('hex')}`;
  await redis.exists(marker);
  for (;;) {
    const at = seen.findIndex((args) => args.includes(marker));
    if (at >= 0) return at;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Commands Redis received while `fn` ran. */
async function commandsDuring(fn: () => Promise<unknown>): Promise<string[][]> {
  const from = (await monitorCaughtUp()) + 1;
  await fn();
  return seen.slice(from, await monitorCaughtUp());
}

describe('LoginThrottle', () => {
  it('refuses a blocked (address, account) pair in memory, without a Redis round trip for it', async () => {
    const throttle = replica();
    for (let i = 0; i < FAILURES_PER_IP_AND_ACCOUNT; i++) {
      await throttle.before('10.0.0.1', 'a@example.test');
      await throttle.failed('10.0.0.1', 'a@example.test');
    }
    // The first refusal is Redis's: it counts the attempt over the limit.
    expect(await refusal(throttle.before('10.0.0.1', 'a@example.test'))).toBeGreaterThan(800);
    // Later ones for that pair are refused in memory: only the address's own counter goes to Redis.
    const commands = await commandsDuring(async () => {
      for (let i = 0; i < 3; i++) expect(await refusal(throttle.before('10.0.0.1', 'a@example.test'))).toBeGreaterThan(800);
    });
    expect(commands.filter((args) => args.some((a) => a.includes(':login:ip-account:')))).toEqual([]);
    expect(commands.filter((args) => args.some((a) => a.includes(':login:ip:')))).toHaveLength(3);
    // Neither is the account's slowdown read for a refused attempt.
    expect(commands.filter((args) => args.some((a) => a.includes(':login:account:')))).toEqual([]);
  });

  it('refuses an address over its limit without any Redis command; another replica refuses it from Redis', async () => {
    const throttle = replica();
    for (let i = 0; i < FAILURES_PER_IP; i++) await throttle.before('10.0.0.2', `user${i}@example.test`);
    expect(await refusal(throttle.before('10.0.0.2', 'new@example.test'))).toBeGreaterThan(800);
    const commands = await commandsDuring(async () => {
      for (let i = 0; i < 3; i++) await refusal(throttle.before('10.0.0.2', `other${i}@example.test`));
    });
    // The address is refused in memory; the fresh pairs still count in Redis (all attempts run at once).
    expect(commands.filter((args) => args.some((a) => a.includes(':login:ip:')))).toEqual([]);

    // The counter is in Redis: a replica that never saw this address refuses it too (and then remembers).
    const other = replica();
    expect(await refusal(other.before('10.0.0.2', 'new@example.test'))).toBeGreaterThan(800);
    const afterward = await commandsDuring(() => refusal(other.before('10.0.0.2', 'new2@example.test')));
    expect(afterward.filter((args) => args.some((a) => a.includes(':login:ip:')))).toEqual([]);
  });
});
