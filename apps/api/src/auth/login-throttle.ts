import { Injectable } from '@nestjs/common';
import type { TowerConfig } from '@tower/config';
import { rateLimited } from '@tower/core';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { InjectConfig, InjectRedis } from '../common/tokens.js';
import { addressKey } from './address-key.js';

/** Failed logins a client address may make in the window before it is refused. */
export const FAILURES_PER_IP = 20;
/** Failed logins for one account from one address in the window before that pair is refused. */
export const FAILURES_PER_IP_AND_ACCOUNT = 5;
/** Failed logins for one account (any address) after which each attempt is slowed, never refused. */
export const FAILURES_BEFORE_SLOWDOWN = 10;
const WINDOW_SECONDS = 15 * 60;
const MAX_DELAY_MS = 3000;

/**
 * Failed-login throttling after OWASP's advice: limits per client address and per (address,
 * account) refuse with RATE_LIMITED and a retry-after (every attempt is counted before its
 * password is checked; a success gives it back); an account under attack from many
 * addresses is slowed (a growing delay before the password check), never locked, so its owner can
 * still sign in. Counters live in Redis (rate-limiter-flexible), so they hold across API replicas;
 * a refused key stays refused until its window (15 minutes from its first counted attempt) ends,
 * and a replica that has refused it once refuses it from memory until then (no Redis round trip).
 */
@Injectable()
export class LoginThrottle {
  private readonly perIp: RateLimiterRedis;
  private readonly perIpAccount: RateLimiterRedis;
  private readonly perAccount: RateLimiterRedis;

  constructor(@InjectRedis() redis: Redis, @InjectConfig() config: TowerConfig) {
    // A key over its points is refused until its window ends. This process remembers that (the
    // library's in-memory block, which ends when the Redis key expires), so later attempts with
    // that key are refused without a Redis round trip. Redis stays the source: another replica
    // counts in Redis until its own first refusal of that key, then remembers it too.
    const limiter = (name: string, points: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${config.REDIS_PREFIX}:login:${name}`,
        points,
        duration: WINDOW_SECONDS,
        inMemoryBlockOnConsumed: points + 1,
      });
    this.perIp = limiter('ip', FAILURES_PER_IP);
    this.perIpAccount = limiter('ip-account', FAILURES_PER_IP_AND_ACCOUNT);
    // Counts only: never consumed past its points in practice, and never refuses.
    this.perAccount = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.REDIS_PREFIX}:login:account`,
      points: 1_000_000,
      duration: WINDOW_SECONDS,
    });
  }

  /**
   * Counts the attempt against the address and the (address, account) pair before the password is
   * checked — atomically in Redis, so a burst of parallel attempts cannot all slip under the limit
   * — and refuses (RATE_LIMITED) once either is over; otherwise waits the account's slowdown.
   */
  async before(ip: string | null, account: string): Promise<void> {
    const address = addressKey(ip);
    const limits = [
      [this.perIp, address, 'too many failed logins from this address'],
      [this.perIpAccount, `${address}|${account}`, 'too many failed logins for this account from this address'],
    ] as const;
    const counted = await Promise.allSettled(limits.map(([limiter, key]) => limiter.consume(key)));
    for (const [i, res] of counted.entries()) {
      if (res.status === 'fulfilled') continue;
      const refusal = res.reason as RateLimiterRes;
      if (typeof refusal?.msBeforeNext !== 'number') throw res.reason;
      throw rateLimited(`${limits[i]![2]}; try again in ${Math.ceil(refusal.msBeforeNext / 1000)} s`, refusal.msBeforeNext / 1000);
    }
    const byAccount = await this.perAccount.get(account);
    const over = (byAccount?.consumedPoints ?? 0) - FAILURES_BEFORE_SLOWDOWN;
    if (over > 0) await new Promise((r) => setTimeout(r, Math.min(MAX_DELAY_MS, over * 250)));
  }

  /** A failed attempt (already counted against the address and the pair) also counts against the account. */
  async failed(_ip: string | null, account: string): Promise<void> {
    await this.perAccount.consume(account).catch((err: unknown) => {
      if (!(err as RateLimiterRes).msBeforeNext) throw err;
    });
  }

  /** A successful login gives the address its attempt back and clears the pair's count (the address may still be guessing others). */
  async succeeded(ip: string | null, account: string): Promise<void> {
    const address = addressKey(ip);
    await Promise.all([this.perIp.reward(address, 1), this.perIpAccount.delete(`${address}|${account}`)]);
  }
}
