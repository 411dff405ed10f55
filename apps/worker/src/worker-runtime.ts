import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { TowerConfig } from '@tower/config';
import { createPrismaClient } from '@tower/db';
import { createEngine, type StartedTry } from '@tower/engine';
import { EventPublisher } from '@tower/events';
import { createLogger, type Logger } from '@tower/logger';
import { createRedis, createTaskWorker, TaskQueue } from '@tower/queue';
import { runTry } from './run-try.js';

export interface WorkerHandle {
  workerId: string;
  /** Stops taking work, lets running tries finish (up to graceMs), then aborts what is left. */
  close(graceMs?: number): Promise<void>;
}

const HEARTBEAT_MS = 5_000;

export async function startWorker(config: TowerConfig, logger: Logger = createLogger('worker', { level: config.LOG_LEVEL })): Promise<WorkerHandle> {
  const workerId = config.WORKER_ID ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const prisma = createPrismaClient(config.DATABASE_URL, { poolMax: config.WORKER_CONCURRENCY + 4 });
  const redis = createRedis(config.REDIS_URL);
  const queue = new TaskQueue(redis, config.REDIS_PREFIX);
  const engine = createEngine({ prisma, queue, events: new EventPublisher(redis, config.REDIS_PREFIX), logger, clock: () => new Date() });
  const active = new Map<string, StartedTry>();
  const shutdown = new AbortController();

  const workerConnection = createRedis(config.REDIS_URL);
  const worker = createTaskWorker(
    workerConnection,
    config.REDIS_PREFIX,
    {
      runTask: async (payload) => {
        const started = await engine.execution.startTry(payload, workerId);
        if (!started) {
          logger.debug({ ...payload }, 'try already claimed or moved on; job dropped');
          return;
        }
        active.set(started.ti.id, started);
        try {
          const outcome = await runTry(engine, started, shutdown.signal);
          const state = await engine.execution.finishTry(started, outcome);
          logger.info({ tenantId: started.ti.tenantId, dagId: started.run.dagId, taskId: started.task.taskId, tryNumber: started.tryNumber, state }, 'try finished');
        } finally {
          active.delete(started.ti.id);
        }
      },
    },
    { concurrency: config.WORKER_CONCURRENCY },
  );
  worker.on('failed', (job, err) => logger.error({ err, jobId: job?.id }, 'job handler failed'));
  worker.on('error', (err) => logger.error({ err }, 'worker error'));

  const heartbeat = setInterval(() => {
    const tries = [...active.values()].map((s) => ({ taskInstanceId: s.ti.id, tryNumber: s.tryNumber }));
    engine.execution.heartbeat(tries).catch((err) => logger.warn({ err }, 'heartbeat failed'));
  }, HEARTBEAT_MS);

  await worker.waitUntilReady();
  logger.info({ workerId, concurrency: config.WORKER_CONCURRENCY }, 'worker started');

  return {
    workerId,
    async close(graceMs = 30_000) {
      logger.info({ workerId, active: active.size }, 'worker stopping');
      const abortTimer = setTimeout(() => shutdown.abort(), graceMs);
      await worker.close();
      clearTimeout(abortTimer);
      clearInterval(heartbeat);
      await queue.close();
      workerConnection.disconnect();
      redis.disconnect();
      await prisma.$disconnect();
      logger.info({ workerId }, 'worker stopped');
    },
  };
}
