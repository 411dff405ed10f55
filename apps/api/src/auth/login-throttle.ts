import { Injectable } from '@nestjs/common';
import type { TowerConfig } from '@tower/config';
import { rateLimited } from '@tower/core';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, type RateLimiterRes } from 'rate-limiter-flexible';
import { InjectConfig, InjectRedis } from '../common/tokens.js';

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
 * account) refuse with RATE_LIMITED and a retry-after; an account under attack from many
 * addresses is slowed (a growing delay before the password check), never locked, so its owner can
 * still sign in. Counters live in Redis (rate-limiter-flexible), so they hold across API replicas.
 */
@Injectable()
export class LoginThrottle {
  private readonly perIp: RateLimiterRedis;
  private readonly perIpAccount: RateLimiterRedis;
  private readonly perAccount: RateLimiterRedis;

  constructor(@InjectRedis() redis: Redis, @InjectConfig() config: TowerConfig) {
    const limiter = (name: string, points: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${config.REDIS_PREFIX}:login:${name}`,
        points,
        duration: WINDOW_SECONDS,
        blockDuration: WINDOW_SECONDS,
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

  /** Refuses (RATE_LIMITED) when the address or the (address, account) pair is over its limit; otherwise waits the account's slowdown. */
  async before(ip: string | null, account: string): Promise<void> {
    const address = ip ?? 'unknown';
    const [byIp, byPair, byAccount] = await Promise.all([
      this.perIp.get(address),
      this.perIpAccount.get(`${address}|${account}`),
      this.perAccount.get(account),
    ]);
    const refused = [
      [byIp, FAILURES_PER_IP, 'too many failed logins from this address'],
      [byPair, FAILURES_PER_IP_AND_ACCOUNT, 'too many failed logins for this account from this address'],
    ] as const;
    for (const [res, limit, message] of refused) {
      if (res && res.consumedPoints >= limit) throw rateLimited(`${message}; try again in ${Math.ceil(res.msBeforeNext / 1000)} s`, res.msBeforeNext / 1000);
    }
    const over = (byAccount?.consumedPoints ?? 0) - FAILURES_BEFORE_SLOWDOWN;
    if (over > 0) await new Promise((r) => setTimeout(r, Math.min(MAX_DELAY_MS, over * 250)));
  }

  /** Counts a failed login against the address, the pair and the account. */
  async failed(ip: string | null, account: string): Promise<void> {
    const address = ip ?? 'unknown';
    const ignoreRefusal = (err: unknown) => {
      if (!(err as RateLimiterRes).msBeforeNext) throw err;
    };
    await Promise.all([
      this.perIp.consume(address).catch(ignoreRefusal),
      this.perIpAccount.consume(`${address}|${account}`).catch(ignoreRefusal),
      this.perAccount.consume(account).catch(ignoreRefusal),
    ]);
  }

  /** A successful login clears the pair's count (the address's own stays: it may be guessing others). */
  async succeeded(ip: string | null, account: string): Promise<void> {
    await this.perIpAccount.delete(`${ip ?? 'unknown'}|${account}`);
  }
}
