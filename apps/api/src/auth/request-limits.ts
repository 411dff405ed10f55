import { Injectable } from '@nestjs/common';
import type { TowerConfig } from '@tower/config';
import { rateLimited, type TowerError } from '@tower/core';
import type { Logger } from '@tower/logger';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { InjectConfig, InjectLogger, InjectRedis } from '../common/tokens.js';
import type { Actor } from './actor.js';
import { addressKey } from './address-key.js';

/** Who a request counts against: the signed-in principal (a user or an API key), or an address. */
export function principalOf(actor: Pick<Actor, 'tenantId' | 'userId' | 'apiKeyId'>): string {
  return actor.apiKeyId ? `key:${actor.apiKeyId}` : `user:${actor.userId ?? 'none'}:${actor.tenantId}`;
}

/**
 * Request rate limits (RATE_LIMIT_*): per client address (every HTTP request to /graphql, every
 * graphql-ws connection and subscription) and per principal (every operation of a signed-in
 * caller). Counters live in Redis (rate-limiter-flexible), so the limits hold across API replicas;
 * a refused client is remembered in memory until its window ends, so it costs Redis nothing.
 * Over a limit, a RATE_LIMITED error (TOO_MANY_REQUESTS) carries retryAfterSeconds. When Redis
 * cannot answer, the request is let through (logged): limits protect the API, they must not stop it.
 */
@Injectable()
export class RequestLimits {
  private readonly perIp: RateLimiterRedis | null;
  private readonly perPrincipal: RateLimiterRedis | null;

  constructor(
    @InjectRedis() redis: Redis,
    @InjectConfig() config: TowerConfig,
    @InjectLogger() private readonly logger: Logger,
  ) {
    const limiter = (name: string, points: number) =>
      points > 0
        ? new RateLimiterRedis({
            storeClient: redis,
            keyPrefix: `${config.REDIS_PREFIX}:rate:${name}`,
            points,
            duration: config.RATE_LIMIT_WINDOW_SECONDS,
            inMemoryBlockOnConsumed: points,
          })
        : null;
    this.perIp = limiter('ip', config.RATE_LIMIT_PER_IP);
    this.perPrincipal = limiter('principal', config.RATE_LIMIT_PER_PRINCIPAL);
  }

  /** Counts one request from this address (an IPv6 one by its /64: addressKey); the RATE_LIMITED error when it is over the limit, else null. */
  ip(ip: string | null): Promise<TowerError | null> {
    return this.consume(this.perIp, addressKey(ip), 'too many requests from this address');
  }

  /** Counts one operation of this caller; the RATE_LIMITED error when it is over the limit, else null. */
  principal(actor: Actor): Promise<TowerError | null> {
    return this.consume(this.perPrincipal, principalOf(actor), 'too many requests for this token');
  }

  private async consume(limiter: RateLimiterRedis | null, key: string, message: string): Promise<TowerError | null> {
    if (!limiter) return null;
    try {
      await limiter.consume(key);
      return null;
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        return rateLimited(`${message}; try again in ${seconds} s`, seconds);
      }
      this.logger.warn({ err }, 'rate limit not checked: Redis did not answer');
      return null;
    }
  }
}
