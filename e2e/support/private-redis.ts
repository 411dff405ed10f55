// The private redis-server lives with the queue package's test support (integration tests use it too).
export { startPrivateRedis, type PrivateRedis } from '../../packages/queue/src/test-support/private-redis.js';
