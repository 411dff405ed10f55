export * from './catalog.js';
export { TaskQueue, createTaskWorker, createRedis, type QueueConnectionOptions } from './task-queue.js';
