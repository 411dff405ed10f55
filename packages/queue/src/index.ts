export * from './catalog.js';
export { bullPrefix, TaskQueue, createTaskWorker, createCommandRedis, createRedis, deleteRedisPrefix, type QueueConnectionOptions } from './task-queue.js';
