export * from './catalog.js';
export { bullPrefix, TaskQueue, createTaskWorker, createRedis, deleteRedisPrefix, type QueueConnectionOptions } from './task-queue.js';
