import { Queue, WaitingError, Worker, type Job, type WorkerOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { JOB_CATALOG, parseJob, runTaskJobId, TASK_QUEUE_LANES, type JobHandlers, type JobPayload, type TaskLane } from './catalog.js';

export interface QueueConnectionOptions {
  redisUrl: string;
  prefix: string;
}

export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  // BullMQ requires maxRetriesPerRequest: null on connections used by workers (blocking commands).
  return new Redis(url, { maxRetriesPerRequest: null, ...opts });
}

/**
 * The connection a process sends its own commands on — queue producer (BullMQ Queue), event
 * publisher, PING — as opposed to a BullMQ Worker's blocking connection. Every command is bounded:
 * ioredis (with BullMQ's `maxRetriesPerRequest: null`) keeps a command to a stopped Redis in its
 * offline queue until the server is back, and one to a hung Redis (SIGSTOP, a dead peer whose TCP
 * session is still open) waits for an answer forever; `commandTimeout` rejects both after
 * `commandTimeoutMs`, so a caller that treats Redis as best-effort transport (events, jobs the
 * sweeps re-enqueue) moves on instead of holding a run's progress.
 */
export function createCommandRedis(url: string, opts: { commandTimeoutMs: number }): Redis {
  return createRedis(url, { commandTimeout: opts.commandTimeoutMs });
}

/**
 * Deletes every key under `${prefix}:` (SCAN + UNLINK, on a connection of its own): what a test or
 * benchmark stack leaves in a shared Redis under its own prefix (queues; pub/sub leaves no keys).
 */
export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** BullMQ prefix: distinct from the pub/sub prefix so `${prefix}:events` never collides with queues. */
export function bullPrefix(prefix: string): string {
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
  /** One BullMQ queue per lane. */
  readonly queues: Record<TaskLane, Queue>;

  constructor(
    readonly connection: Redis,
    prefix: string,
  ) {
    this.queues = Object.fromEntries(
      TASK_QUEUE_LANES.map((lane) => [lane, new Queue(JOB_CATALOG.runTask.lanes[lane], { connection, prefix: bullPrefix(prefix) })]),
    ) as Record<TaskLane, Queue>;
  }

  /** BullMQ priorities: 1 is highest. Lane: `interactive` unless the caller says otherwise. */
  async enqueueRunTask(payload: JobPayload<'runTask'>, opts: { priority?: number; delayMs?: number; lane?: TaskLane } = {}): Promise<void> {
    await this.queues[opts.lane ?? 'interactive'].add('runTask', payload, {
      jobId: runTaskJobId(payload.taskInstanceId, payload.tryNumber),
      priority: opts.priority,
      delay: opts.delayMs,
      removeOnComplete: true,
      removeOnFail: true,
      ...RETRY_HANDLER_ERRORS,
    });
  }

  async enqueueRunTasks(payloads: Array<{ payload: JobPayload<'runTask'>; priority?: number; lane?: TaskLane }>): Promise<void> {
    if (payloads.length === 0) return;
    await Promise.all(
      TASK_QUEUE_LANES.map(async (lane) => {
        const mine = payloads.filter((p) => (p.lane ?? 'interactive') === lane);
        if (mine.length === 0) return;
        await this.queues[lane].addBulk(
          mine.map(({ payload, priority }) => ({
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
      }),
    );
  }

  /** Whether the try's job is in any lane. */
  async hasJob(taskInstanceId: string, tryNumber: number): Promise<boolean> {
    return (await this.missingJobs([{ taskInstanceId, tryNumber }])).length === 0;
  }

  /**
   * The tries of `tries` whose job is in no lane: one pipelined round trip (an EXISTS per job
   * hash and lane) whatever their number.
   */
  async missingJobs<T extends { taskInstanceId: string; tryNumber: number }>(tries: readonly T[]): Promise<T[]> {
    if (tries.length === 0) return [];
    const pipeline = this.connection.pipeline();
    for (const t of tries) for (const lane of TASK_QUEUE_LANES) pipeline.exists(this.queues[lane].toKey(runTaskJobId(t.taskInstanceId, t.tryNumber)));
    const replies = (await pipeline.exec()) ?? [];
    const lanes = TASK_QUEUE_LANES.length;
    return tries.filter((_, i) =>
      replies.slice(i * lanes, (i + 1) * lanes).every(([err, n]) => {
        if (err) throw err;
        return n === 0;
      }),
    );
  }

  /** Jobs waiting (incl. prioritized and delayed) per lane. */
  async waitingByLane(): Promise<Record<TaskLane, number>> {
    const counts = await Promise.all(TASK_QUEUE_LANES.map((lane) => this.queues[lane].getJobCountByTypes('waiting', 'prioritized', 'delayed')));
    return Object.fromEntries(TASK_QUEUE_LANES.map((lane, i) => [lane, counts[i]])) as Record<TaskLane, number>;
  }

  /**
   * Per lane: jobs by state, and the age of the oldest job waiting for a worker (metrics). Every
   * Tower job has a priority, so waiting jobs sit in BullMQ's prioritized set ordered by priority,
   * not age: the oldest is looked for among the 50 at each end of that set and the plain wait
   * list's oldest — a bounded read whatever the backlog, exact unless an old job sits mid-priority.
   */
  async laneStats(now = Date.now()): Promise<Array<{ lane: TaskLane; counts: Record<string, number>; oldestWaitingAgeSeconds: number }>> {
    return Promise.all(
      TASK_QUEUE_LANES.map(async (lane) => {
        const queue = this.queues[lane];
        const [counts, head, tail, waiting] = await Promise.all([
          queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
          queue.getPrioritized(0, 49),
          queue.getPrioritized(-50, -1),
          queue.getWaiting(-1, -1),
        ]);
        const oldest = Math.min(...[...head, ...tail, ...waiting].filter(Boolean).map((j) => j.timestamp), now);
        return { lane, counts, oldestWaitingAgeSeconds: Math.max(0, (now - oldest) / 1000) };
      }),
    );
  }

  /**
   * Lanes with jobs waiting and no worker connected to serve them (a deployment whose workers all
   * leave a lane out, or old workers during an upgrade): their tasks would stay queued for ever.
   */
  async unservedLanes(): Promise<Array<{ lane: TaskLane; waiting: number }>> {
    const waiting = await this.waitingByLane();
    const out: Array<{ lane: TaskLane; waiting: number }> = [];
    for (const lane of TASK_QUEUE_LANES) {
      if (waiting[lane] > 0 && (await this.queues[lane].getWorkersCount()) === 0) out.push({ lane, waiting: waiting[lane] });
    }
    return out;
  }

  /** Drops every job of every lane (tests, benchmarks). */
  async obliterate(): Promise<void> {
    for (const lane of TASK_QUEUE_LANES) await this.queues[lane].obliterate({ force: true });
  }

  async close(): Promise<void> {
    await Promise.all(TASK_QUEUE_LANES.map((lane) => this.queues[lane].close()));
  }
}

/**
 * Consumer side: one BullMQ worker per lane a process serves, whose handlers are typed by the catalog.
 *
 * A closing worker takes no new job. BullMQ's `close()` stops the fetch loop, but a fetch already
 * blocked waiting for the queue's marker still moves the next job to active when the marker comes
 * (the blocking connection is closed only after the running jobs finish): a worker finishing a
 * long try after SIGTERM would take work queued meanwhile. Such a job is handed back to the wait
 * list at once (`WaitingError`: neither completed nor failed) for another worker to take.
 */
export function createTaskWorker(
  connection: Redis,
  prefix: string,
  handlers: JobHandlers,
  opts: Omit<WorkerOptions, 'connection' | 'prefix'> = {},
  lane: TaskLane = 'interactive',
): Worker {
  const worker: Worker = new Worker(
    JOB_CATALOG.runTask.lanes[lane],
    async (job: Job, token?: string) => {
      // `closing` is set as close() begins.
      if (worker.closing) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const name = job.name as keyof JobHandlers;
      const handler = handlers[name];
      if (!handler) throw new Error(`no handler for job ${job.name}`);
      await handler(parseJob(name, job.data));
    },
    { connection, prefix: bullPrefix(prefix), ...opts },
  );
  return worker;
}
