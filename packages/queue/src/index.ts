export * from './catalog.js';
export { TaskQueue, createTaskWorker, createRedis, deleteRedisPrefix, type QueueConnectionOptions } from './task-queue.js';
