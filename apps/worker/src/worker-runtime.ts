import { startAlerting, type AlertingHandle } from '@tower/alerts';
import { keyringFromEnv } from '@tower/secrets';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, setPriority } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { TowerConfig } from '@tower/config';
import { isTaskType } from '@tower/core';
import { createPrismaClient, pendingMigrations, poolStatsOf, readVacuumStats } from '@tower/db';
import { createEngine, type StartedTry, type TryOutcome } from '@tower/engine';
import { EventPublisher, TryStopListener } from '@tower/events';
import { OperatorError } from '@tower/operators';
import { createLogger, type Logger } from '@tower/logger';
import { createCommandRedis, createRedis, createTaskWorker, TaskQueue, type JobPayload } from '@tower/queue';
import {
  enableMetrics,
  observePool,
  recordLag,
  recordTryEnd,
  rememberRunTrace,
  standardChecks,
  startOpsServer,
  startTracing,
  triesRunning,
  vacuumAdvisory,
  withSpan,
} from '@tower/telemetry';
import { runTry } from './run-try.js';

export interface WorkerHandle {
  workerId: string;
  /** The ops port (`/healthz`, `/readyz`, `/metrics`); null when it could not be bound. */
  opsPort: number | null;
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

/** Queue wait of every claimed try; for a run's root task's first try, also the run's start lag. */
function recordClaimLag(started: StartedTry, now: number): void {
  if (started.ti.queuedAt) recordLag('queued_to_running', (now - started.ti.queuedAt.getTime()) / 1000);
  if (started.tryNumber === 1 && started.ti.rescheduleCount === 0 && Object.keys(started.upstreamStates).length === 0) {
    recordLag('created_to_running', (now - started.run.queuedAt.getTime()) / 1000);
  }
}

export async function startWorker(config: TowerConfig, logger: Logger = createLogger('worker', { level: config.LOG_LEVEL })): Promise<WorkerHandle> {
  lowerPriority(config.WORKER_NICE, logger);
  const tracing = config.OTEL_EXPORTER_OTLP_ENDPOINT ? startTracing({ serviceName: 'tower-worker', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT }) : undefined;
  const workerId = config.WORKER_ID ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // Claims, ends and log lines are group-committed (a few statements in flight whatever the
  // concurrency); operators' own lookups (connections) take the rest.
  const prisma = createPrismaClient(config.DATABASE_URL, {
    poolMax: Math.min(config.WORKER_CONCURRENCY * config.WORKER_LANES.length + 4, 16),
    applicationName: `tower-worker ${workerId}`,
  });
  // Commands bounded by REDIS_COMMAND_TIMEOUT_MS; the lanes' BullMQ workers block on connections of their own.
  const redis = createCommandRedis(config.REDIS_URL, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  const queue = new TaskQueue(redis, config.REDIS_PREFIX);
  const events = new EventPublisher(redis, config.REDIS_PREFIX);
  const keyring = keyringFromEnv(config.TOWER_ENCRYPTION_KEYS, config.NODE_ENV);
  const engine = createEngine({ prisma, queue, events, logger, clock: () => new Date(), keyring });
  const metrics = config.METRICS_ENABLED;
  if (metrics) {
    enableMetrics('worker');
    observePool(() => poolStatsOf(prisma));
  }
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

  const runTask = async (payload: JobPayload<'runTask'>) => {
    const started = await engine.execution.startTry(payload, workerId);
    if (!started) {
      logger.debug({ ...payload }, 'try already claimed or moved on; job dropped');
      return;
    }
    active.set(started.ti.id, started);
    // The tasks this try's end queues join the trace.
    if (payload.traceparent) rememberRunTrace(started.run.id);
    const claimedAt = Date.now();
    if (metrics) {
      recordClaimLag(started, claimedAt);
      triesRunning.inc();
    }
    const stop = new AbortController();
    stops.set(started.ti.id, stop);
    if (shutdown.signal.aborted) stop.abort(shutdown.signal.reason);
    try {
      const outcome = await runTry(engine, started, stop);
      const state = await recordOutcome(started, outcome);
      if (metrics && state) {
        const operator = isTaskType(started.task.type) ? started.task.type : 'unknown';
        recordTryEnd(operator, state, (Date.now() - claimedAt) / 1000, started.task.type.endsWith('Sensor'));
      }
      logger.info(
        { tenantId: started.ti.tenantId, dagId: started.run.dagId, taskId: started.task.taskId, tryNumber: started.tryNumber, state },
        'try finished',
      );
    } finally {
      if (metrics) triesRunning.dec();
      active.delete(started.ti.id);
      stops.delete(started.ti.id);
    }
  };
  const handlers = {
    // With tracing on, a span per try, the child of its queueing when the job carries a trace
    // context; off, the try itself (no span wrapper, attributes or closure per job).
    runTask: tracing
      ? (payload: JobPayload<'runTask'>) =>
          withSpan(
            'task.try',
            { 'tower.task_instance_id': payload.taskInstanceId, 'tower.try_number': payload.tryNumber },
            () => runTask(payload),
            payload.traceparent,
          )
      : runTask,
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
  // A niced (bulk-only) worker delivers none: a send must not wait for CPU behind backfills.
  const alerting: AlertingHandle | undefined =
    config.ALERTS_ENABLED && config.WORKER_NICE === 0
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
  const ops = await startOpsServer({
    port: config.WORKER_OPS_PORT,
    host: config.OPS_HOST,
    checks: standardChecks({
      pingPostgres: () => prisma.$queryRaw`SELECT 1`,
      pingRedis: () => redis.ping(),
      pendingMigrations: () => pendingMigrations(prisma),
    }),
    advisories: [vacuumAdvisory((tables) => readVacuumStats(prisma, tables))],
    onListenError: (err) => logger.error({ err, port: config.WORKER_OPS_PORT }, 'ops port unavailable: no health or metrics endpoint'),
  });
  logger.info({ workerId, lanes: config.WORKER_LANES, concurrency: config.WORKER_CONCURRENCY, nice: config.WORKER_NICE, opsPort: ops.port }, 'worker started');

  return {
    workerId,
    opsPort: ops.port,
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
      await ops.close();
      await prisma.$disconnect();
      await tracing?.shutdown();
      logger.info({ workerId }, 'worker stopped');
    },
  };
}
