import { Queue, Worker, type Job, type WorkerOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { JOB_CATALOG, parseJob, runTaskJobId, type JobHandlers, type JobPayload } from './catalog.js';

export interface QueueConnectionOptions {
  redisUrl: string;
  prefix: string;
}

export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  // BullMQ requires maxRetriesPerRequest: null on connections used by workers (blocking commands).
  return new Redis(url, { maxRetriesPerRequest: null, ...opts });
}

/** BullMQ prefix: distinct from the pub/sub prefix so `${prefix}:events` never collides with queues. */
function bullPrefix(prefix: string): string {
  return `${prefix}:bull`;
}

/**
 * A job whose handler threw (the database refused a transaction under load, say) is retried by
 * BullMQ a few times before the scheduler's requeue sweep would notice, instead of waiting
 * REQUEUE_AFTER_MS. Safe: claiming a try is a compare-and-set, so a retried job never runs a try
 * twice — this retries delivery, not the task (task retries are Tower's, per its policy).
 */
const RETRY_HANDLER_ERRORS = { attempts: 4, backoff: { type: 'exponential' as const, delay: 250 } };

/** Producer side of the task queue. BullMQ is transport only: the job says which try to run. */
export class TaskQueue {
  readonly queue: Queue;

  constructor(readonly connection: Redis, prefix: string) {
    this.queue = new Queue(JOB_CATALOG.runTask.queue, { connection, prefix: bullPrefix(prefix) });
  }

  async enqueueRunTask(payload: JobPayload<'runTask'>, opts: { priority?: number; delayMs?: number } = {}): Promise<void> {
    await this.queue.add('runTask', payload, {
      jobId: runTaskJobId(payload.taskInstanceId, payload.tryNumber),
      // BullMQ priorities: 1 is highest. Callers pass Tower's priority weight (higher = sooner).
      priority: opts.priority,
      delay: opts.delayMs,
      removeOnComplete: true,
      removeOnFail: true,
      ...RETRY_HANDLER_ERRORS,
    });
  }

  async enqueueRunTasks(payloads: Array<{ payload: JobPayload<'runTask'>; priority?: number }>): Promise<void> {
    if (payloads.length === 0) return;
    await this.queue.addBulk(
      payloads.map(({ payload, priority }) => ({
        name: 'runTask',
        data: payload,
        opts: {
          jobId: runTaskJobId(payload.taskInstanceId, payload.tryNumber),
          priority,
          removeOnComplete: true,
          removeOnFail: true,
          ...RETRY_HANDLER_ERRORS,
        },
      })),
    );
  }

  async hasJob(taskInstanceId: string, tryNumber: number): Promise<boolean> {
    const job = await this.queue.getJob(runTaskJobId(taskInstanceId, tryNumber));
    return job != null;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** Consumer side: one BullMQ worker per process whose handlers are typed by the catalog. */
export function createTaskWorker(
  connection: Redis,
  prefix: string,
  handlers: JobHandlers,
  opts: Omit<WorkerOptions, 'connection' | 'prefix'> = {},
): Worker {
  return new Worker(
    JOB_CATALOG.runTask.queue,
    async (job: Job) => {
      const name = job.name as keyof JobHandlers;
      const handler = handlers[name];
      if (!handler) throw new Error(`no handler for job ${job.name}`);
      await handler(parseJob(name, job.data));
    },
    { connection, prefix: bullPrefix(prefix), ...opts },
  );
}
