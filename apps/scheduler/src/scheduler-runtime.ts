import type { TowerConfig } from '@tower/config';
import { createPrismaClient } from '@tower/db';
import { createEngine, type SchedulerOptions } from '@tower/engine';
import { EventPublisher } from '@tower/events';
import { createLogger, type Logger } from '@tower/logger';
import { createRedis, TaskQueue } from '@tower/queue';

export interface SchedulerHandle {
  close(): Promise<void>;
}

/**
 * The scheduler process: a tick loop (cron runs, retries, zombies, capacity sweep, requeue).
 * Replicas need no leader election: every step is claim-based or compare-and-set.
 */
export async function startScheduler(
  config: TowerConfig,
  logger: Logger = createLogger('scheduler', { level: config.LOG_LEVEL }),
  options: Partial<SchedulerOptions> = {},
): Promise<SchedulerHandle> {
  const prisma = createPrismaClient(config.DATABASE_URL, { poolMax: 4 });
  const redis = createRedis(config.REDIS_URL);
  const queue = new TaskQueue(redis, config.REDIS_PREFIX);
  const engine = createEngine({ prisma, queue, events: new EventPublisher(redis, config.REDIS_PREFIX), logger, clock: () => new Date() }, {
    zombieAfterMs: config.ZOMBIE_AFTER_MS,
    requeueAfterMs: config.REQUEUE_AFTER_MS,
    ...options,
  });
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const loop = () => {
    if (stopped) return;
    current = engine.scheduler
      .tick()
      .then((stats) => {
        if (Object.values(stats).some((n) => n > 0)) logger.debug({ ...stats }, 'tick');
      })
      .catch((err) => logger.error({ err }, 'scheduler tick failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, config.SCHEDULER_TICK_MS);
      });
  };
  loop();
  logger.info({ tickMs: config.SCHEDULER_TICK_MS }, 'scheduler started');

  return {
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
      await queue.close();
      redis.disconnect();
      await prisma.$disconnect();
      logger.info('scheduler stopped');
    },
  };
}
