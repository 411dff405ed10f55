import { startAlerting, type AlertingHandle } from '@tower/alerts';
import { keyringFromEnv } from '@tower/secrets';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, setPriority } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { TowerConfig } from '@tower/config';
import { createPrismaClient } from '@tower/db';
import { createEngine, type StartedTry, type TryOutcome } from '@tower/engine';
import { EventPublisher, TryStopListener } from '@tower/events';
import { OperatorError } from '@tower/operators';
import { createLogger, type Logger } from '@tower/logger';
import { createRedis, createTaskWorker, TaskQueue, type JobPayload } from '@tower/queue';
import { runTry } from './run-try.js';

export interface WorkerHandle {
  workerId: string;
  /** Stops taking work, lets running tries finish (up to graceMs), then aborts what is left. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Lowers this process's scheduling priority to `nice`. On Linux a priority belongs to a thread, and
 * V8's and libuv's threads already exist: each thread listed in /proc/self/task is lowered
 * (threads started later inherit the main thread's). Elsewhere the process's priority is set.
 */
export function lowerPriority(nice: number, logger: Logger): void {
  if (nice <= 0) return;
  let threads: number[] = [0];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    // not Linux: setPriority(0) is the whole process
  }
  for (const tid of threads) {
    try {
      setPriority(tid, nice);
    } catch (err) {
      logger.warn({ err, tid, nice }, 'could not lower the worker thread priority');
    }
  }
  lowerAutogroup(nice, logger);
}

/**
 * With autogroup scheduling (Linux's `kernel.sched_autogroup_enabled`, on by default on desktops and
 * many VMs) a nice value orders threads only within one session's group; groups share the CPUs
 * equally. A niced worker sharing a session with the API still takes its session's whole share, and
 * a worker in a session of its own would be niced within itself only. So a worker that leads its own
 * session (started with setsid, or `detached` by a supervisor) lowers its group to the same nice;
 * one that shares a session leaves the group alone (that would lower its neighbours too).
 */
function lowerAutogroup(nice: number, logger: Logger): void {
  let session: number;
  try {
    session = Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[3]); // field 6: session id
    if (readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() !== '1') return;
    // A process whose session got no autogroup of its own (the boot session, or where creating one
    // failed) is in the root group, which cannot be reniced; the kernel prints nothing for it.
    if (!/nice -?\d+/.test(readFileSync('/proc/self/autogroup', 'utf8'))) return;
  } catch {
    return; // not Linux, or no autogroup support
  }
  if (session !== process.pid) return;
  try {
    writeFileSync('/proc/self/autogroup', String(nice));
  } catch (err) {
    logger.warn({ err, nice }, 'could not lower the worker session autogroup priority');
  }
}

export async function startWorker(config: TowerConfig, logger: Logger = createLogger('worker', { level: config.LOG_LEVEL })): Promise<WorkerHandle> {
  lowerPriority(config.WORKER_NICE, logger);
  const workerId = config.WORKER_ID ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // Claims, ends and log lines are group-committed (a few statements in flight whatever the
  // concurrency); operators' own lookups (connections) take the rest.
  const prisma = createPrismaClient(config.DATABASE_URL, {
    poolMax: Math.min(config.WORKER_CONCURRENCY * config.WORKER_LANES.length + 4, 16),
    applicationName: `tower-worker ${workerId}`,
  });
  const redis = createRedis(config.REDIS_URL);
  const queue = new TaskQueue(redis, config.REDIS_PREFIX);
  const events = new EventPublisher(redis, config.REDIS_PREFIX);
  const keyring = keyringFromEnv(config.TOWER_ENCRYPTION_KEYS, config.NODE_ENV);
  const engine = createEngine({ prisma, queue, events, logger, clock: () => new Date(), keyring });
  const active = new Map<string, StartedTry>();
  const stops = new Map<string, AbortController>();
  const shutdown = new AbortController();
  // Past the grace period every try still running is stopped (each has its own controller).
  shutdown.signal.addEventListener('abort', () => stops.forEach((stop) => stop.abort(shutdown.signal.reason)), { once: true });
  const stopTry = (taskInstanceId: string, why: string) => stops.get(taskInstanceId)?.abort(new OperatorError(why, false));
  // A try moved away from running elsewhere (cleared, marked, canceled) is stopped at once;
  // the heartbeat below catches the same if a notice is missed.
  const stopListener = new TryStopListener(config.REDIS_URL, config.REDIS_PREFIX, (stop) => {
    const running = active.get(stop.taskInstanceId);
    // Only a change made to this try (or a later one) stops it.
    if (!running || stop.tryNumber < running.tryNumber || stop.state === 'running') return;
    stopTry(stop.taskInstanceId, `try stopped: the task instance is now ${stop.state}`);
  });

  /**
   * Records how a try ended. finishTry is a compare-and-set that throws only when its statement
   * failed (nothing recorded), so retrying it after a database hiccup is safe; giving up would
   * leave the try to the zombie reaper and run the task again.
   * The lease keeps being renewed meanwhile (the try stays in `active`).
   */
  const recordOutcome = async (started: StartedTry, outcome: TryOutcome) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await engine.execution.finishTry(started, outcome);
      } catch (err) {
        if (attempt >= 5) throw err;
        logger.warn({ err, taskInstanceId: started.ti.id, tryNumber: started.tryNumber, attempt }, 'recording the try outcome failed; retrying');
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  };

  const handlers = {
    runTask: async (payload: JobPayload<'runTask'>) => {
      const started = await engine.execution.startTry(payload, workerId);
      if (!started) {
        logger.debug({ ...payload }, 'try already claimed or moved on; job dropped');
        return;
      }
      active.set(started.ti.id, started);
      const stop = new AbortController();
      stops.set(started.ti.id, stop);
      if (shutdown.signal.aborted) stop.abort(shutdown.signal.reason);
      try {
        const outcome = await runTry(engine, started, stop);
        const state = await recordOutcome(started, outcome);
        logger.info(
          { tenantId: started.ti.tenantId, dagId: started.run.dagId, taskId: started.task.taskId, tryNumber: started.tryNumber, state },
          'try finished',
        );
      } finally {
        active.delete(started.ti.id);
        stops.delete(started.ti.id);
      }
    },
  };
  // One BullMQ worker per lane served, each on a blocking connection of its own.
  const workerConnections = config.WORKER_LANES.map(() => createRedis(config.REDIS_URL));
  const workers = config.WORKER_LANES.map((lane, i) => {
    const worker = createTaskWorker(workerConnections[i], config.REDIS_PREFIX, handlers, { concurrency: config.WORKER_CONCURRENCY }, lane);
    worker.on('failed', (job, err) => logger.error({ err, jobId: job?.id, lane }, 'job handler failed'));
    worker.on('error', (err) => logger.error({ err, lane }, 'worker error'));
    return worker;
  });

  const heartbeat = setInterval(() => {
    const tries = [...active.values()].map((s) => ({ taskInstanceId: s.ti.id, tryNumber: s.tryNumber }));
    engine.execution
      .heartbeat(tries)
      .then((stale) => stale.forEach((id) => stopTry(id, 'try stopped: the task instance is no longer running')))
      .catch((err) => logger.warn({ err }, 'heartbeat failed'));
  }, config.HEARTBEAT_MS);

  // Alert deliveries: a queue of their own beside the task lanes (the scheduler evaluates the rules).
  // Sends wait on the network, so they share no slot with tries, and a crash of the scheduler that
  // evaluates can never interrupt a send.
  const alerting: AlertingHandle | undefined = config.ALERTS_ENABLED
    ? startAlerting(
        { prisma, logger: logger.child({ component: 'alerts' }), keyring, clock: () => new Date(), events, webUrl: config.TOWER_WEB_URL },
        redis,
        config.REDIS_PREFIX,
        {
          evaluate: false,
          deliver: true,
          delivery: {
            concurrency: config.ALERT_DELIVERY_CONCURRENCY,
            perChannel: config.ALERT_DELIVERY_PER_CHANNEL,
            timeoutMs: config.ALERT_DELIVERY_TIMEOUT_MS,
          },
        },
      )
    : undefined;

  await Promise.all([...workers.map((w) => w.waitUntilReady()), stopListener.whenReady(), alerting?.deliverer.whenReady()]);
  logger.info({ workerId, lanes: config.WORKER_LANES, concurrency: config.WORKER_CONCURRENCY, nice: config.WORKER_NICE }, 'worker started');

  return {
    workerId,
    async close(graceMs = 30_000) {
      logger.info({ workerId, active: active.size }, 'worker stopping');
      const abortTimer = setTimeout(() => shutdown.abort(), graceMs);
      await Promise.all([...workers.map((w) => w.close()), alerting?.close()]);
      clearTimeout(abortTimer);
      // Ends already recorded still have their runs evaluated before the connections close.
      await engine.execution.settle();
      clearInterval(heartbeat);
      await stopListener.close();
      await queue.close();
      workerConnections.forEach((c) => c.disconnect());
      redis.disconnect();
      await prisma.$disconnect();
      logger.info({ workerId }, 'worker stopped');
    },
  };
}
