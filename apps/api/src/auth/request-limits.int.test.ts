import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { TowerConfig } from '@tower/config';
import { createLogger } from '@tower/logger';
import { Redis } from 'ioredis';
import { RequestLimits } from './request-limits.js';

/** Against the real Redis: the per-address rate counts an IPv6 client by its /64 (address-key.ts). */
const prefix = `tower-test-request-limits-${process.pid}-${randomBytes(3).toString('hex')}`;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('RequestLimits.ip', () => {
  it('counts every address of an IPv6 /64 as one client, and an IPv4-mapped address as its IPv4 one', async () => {
    const config = { REDIS_PREFIX: prefix, RATE_LIMIT_PER_IP: 2, RATE_LIMIT_PER_PRINCIPAL: 0, RATE_LIMIT_WINDOW_SECONDS: 60 } as TowerConfig;
    const limits = new RequestLimits(redis, config, createLogger('test', { level: 'silent' }));
    const code = async (ip: string) => (await limits.ip(ip))?.code ?? 'ok';
    expect([await code('2001:db8:5:6::1'), await code('2001:db8:5:6::2'), await code('2001:db8:5:6:ffff::3')]).toEqual(['ok', 'ok', 'RATE_LIMITED']);
    expect(await code('2001:db8:5:7::1')).toBe('ok');
    expect([await code('198.51.100.9'), await code('::ffff:198.51.100.9'), await code('198.51.100.9')]).toEqual(['ok', 'ok', 'RATE_LIMITED']);
  });
});
