// Integration and e2e tests run on the real PostgreSQL and Redis: check both answer (and accept
// us) before any test starts, and fail fast saying how to start them otherwise.
import pg from 'pg';
import { Redis } from 'ioredis';
import { DatabaseConnectionError } from '../../packages/db/migrate/schema-engine.mjs';
import { ensureServices } from '../lib/env.mjs';

// The same defaults as createTestDatabase (@tower/db) and the tests that use Redis.
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TIMEOUT_MS = 5_000;

async function checkPostgres() {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    // Says whether it is down (and how to start it) or refuses the tests' user.
    throw new DatabaseConnectionError(PG_URL, err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis() {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let socketError;
  redis.on('error', (err) => (socketError = err)); // the cause behind ioredis' "Connection is closed"
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `Redis at ${REDIS_URL} does not answer (${(socketError ?? err).message}).\n` +
        '  Start it with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
      { cause: err },
    );
  } finally {
    redis.disconnect();
  }
}

export default async function globalSetup() {
  // Starts a stopped local Postgres/Redis when it can, else says how (shared with npm test / npm start).
  await ensureServices();
  await checkPostgres();
  await checkRedis();
}
