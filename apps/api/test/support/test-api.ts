import { randomBytes } from 'node:crypto';
import { loadConfig, type TowerConfig } from '@tower/config';
import { createTestDatabase, type TestDatabase } from '@tower/db';
import { createLogger } from '@tower/logger';
import { Redis } from 'ioredis';
import { createApiApp, type ApiApp } from '../../src/app-factory.js';

export interface GqlError {
  message: string;
  path?: string[];
  extensions?: { code?: string; path?: string; [k: string]: unknown };
}

export interface GqlResponse<T> {
  data?: T | null;
  errors?: GqlError[];
}

/** The API as a black box on a free port: its own database and its own Redis key prefix. */
export interface TestApi {
  api: ApiApp;
  /** What the API was started with: a second replica on the same database and Redis takes it too. */
  config: TowerConfig;
  db: TestDatabase;
  redisPrefix: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResponse<T>>;
  stop(): Promise<void>;
}

/** `env`: configuration on top of the test defaults (e.g. SMTP_HOST, INVITATION_TTL_SECONDS, tighter RATE_LIMIT_* values). */
export async function startTestApi(name: string, env: Record<string, string> = {}): Promise<TestApi> {
  const db = await createTestDatabase(name);
  const redisPrefix = `tower-test-api-${name}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const config = {
    ...loadConfig({
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: redisPrefix,
      API_HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ...env,
    }),
    API_PORT: 0,
  };
  let api: ApiApp;
  try {
    api = await createApiApp(config, { logger: createLogger('api-test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' }), handleSignals: false });
  } catch (err) {
    await db.drop();
    throw err;
  }
  return {
    api,
    config,
    db,
    redisPrefix,
    async gql<T>(query: string, variables?: Record<string, unknown>, token?: string) {
      const res = await fetch(api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'tower-api-test', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GqlResponse<T>;
    },
    async stop() {
      await api.close();
      await db.drop();
      await deleteRedisPrefix(config.REDIS_URL, redisPrefix);
    },
  };
}

/** Removes what the app left under its prefix (BullMQ creates its queue's meta key at start). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length) await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
}

/** Data of a response that must have succeeded (fails the test with the errors otherwise). */
export function ok<T>(res: GqlResponse<T>): T {
  if (res.errors?.length) throw new Error(`unexpected GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data as T;
}

export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.test`;
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
