import { startAlerting, type AlertingHandle } from '@tower/alerts';
import { keyringFromEnv } from '@tower/secrets';
import { logArchiveConfig, type TowerConfig } from '@tower/config';
import { createPrismaClient, pendingMigrations, poolStatsOf, readVacuumStats } from '@tower/db';
import { createEngine, Retention, type ObjectLister, type SchedulerOptions } from '@tower/engine';
import { EventPublisher } from '@tower/events';
import { createLogger, type Logger } from '@tower/logger';
import { createLogArchive, createS3Client, listMatchingKeys } from '@tower/operators';
import { createCommandRedis, TaskQueue } from '@tower/queue';
import {
  enableMetrics,
  inspectAdvisories,
  observePool,
  observeQueue,
  recordRetention,
  recordTick,
  standardChecks,
  startOpsServer,
  startTracing,
  vacuumAdvisory,
} from '@tower/telemetry';

export interface SchedulerHandle {
  /** The ops port (`/healthz`, `/readyz`, `/metrics`); null when it could not be bound. */
  opsPort: number | null;
  close(): Promise<void>;
}

/** Lists a trigger's objects with the tenant's own S3 connection (a glob key is a wildcard). */
const listObjects: ObjectLister = async (conn, bucket, pattern) => {
  const client = createS3Client(conn);
  try {
    const wildcard = /[*?[]/.test(pattern);
    const objects = await listMatchingKeys(client, bucket, pattern, { wildcard });
    return objects.map((o) => ({ key: o.key, etag: o.etag, size: o.size, lastModified: o.lastModified ?? null }));
  } finally {
    client.destroy();
  }
};

/**
 * The scheduler process: a tick loop (cron runs, retries, zombies, capacity sweep, requeue) and a
 * file-trigger loop (s3.objectCreated, every FILE_TRIGGER_POLL_MS).
 * Replicas need no leader election: every step is claim-based or compare-and-set.
 */
export async function startScheduler(
  config: TowerConfig,
  logger: Logger = createLogger('scheduler', { level: config.LOG_LEVEL }),
  options: Partial<SchedulerOptions> = {},
): Promise<SchedulerHandle> {
  const tracing = config.OTEL_EXPORTER_OTLP_ENDPOINT
    ? startTracing({ serviceName: 'tower-scheduler', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT })
    : undefined;
  const prisma = createPrismaClient(config.DATABASE_URL, { poolMax: 4, applicationName: 'tower-scheduler' });
  const redis = createCommandRedis(config.REDIS_URL, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  const queue = new TaskQueue(redis, config.REDIS_PREFIX);
  const events = new EventPublisher(redis, config.REDIS_PREFIX);
  const keyring = keyringFromEnv(config.TOWER_ENCRYPTION_KEYS, config.NODE_ENV);
  const logArchive = createLogArchive(logArchiveConfig(config));
  const engine = createEngine(
    {
      prisma,
      queue,
      events,
      logger,
      clock: () => new Date(),
      keyring,
      logArchive,
    },
    {
      zombieAfterMs: config.ZOMBIE_AFTER_MS,
      requeueAfterMs: config.REQUEUE_AFTER_MS,
      ...options,
    },
  );
  if (config.METRICS_ENABLED) {
    enableMetrics('scheduler');
    observePool(() => poolStatsOf(prisma));
    // The queues are shared: every scheduler replica reports the same figures (aggregate with max).
    observeQueue(() => queue.laneStats());
  }
  // Vacuum is the server's job, but a server that does not do it halves the engine's throughput:
  // say so at start-up and in /readyz (docs/observability.md, "Vacuum warnings").
  const advisories = [vacuumAdvisory((tables) => readVacuumStats(prisma, tables))];
  void inspectAdvisories(advisories).then((warnings) => {
    for (const [name, list] of Object.entries(warnings)) for (const warning of list) logger.warn({ advisory: name }, warning);
  });
  const ops = await startOpsServer({
    port: config.SCHEDULER_OPS_PORT,
    host: config.OPS_HOST,
    checks: standardChecks({
      pingPostgres: () => prisma.$queryRaw`SELECT 1`,
      pingRedis: () => redis.ping(),
      pendingMigrations: () => pendingMigrations(prisma),
    }),
    advisories,
    onListenError: (err) => logger.error({ err, port: config.SCHEDULER_OPS_PORT }, 'ops port unavailable: no health or metrics endpoint'),
  });
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const loop = () => {
    if (stopped) return;
    current = engine.scheduler
      .tick()
      .then((stats) => {
        recordTick({ ...stats });
        if (Object.values(stats).some((n) => n > 0)) logger.debug({ ...stats }, 'tick');
      })
      .catch((err) => logger.error({ err }, 'scheduler tick failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, config.SCHEDULER_TICK_MS);
      });
  };
  loop();

  let triggers: Promise<void> = Promise.resolve();
  let triggerTimer: NodeJS.Timeout | undefined;
  const triggerLoop = () => {
    if (stopped) return;
    triggers = engine.fileTriggers
      .poll(listObjects)
      .then((stats) => {
        if (stats.runs > 0 || stats.errors > 0) logger.info({ ...stats }, 'file triggers polled');
      })
      .catch((err) => logger.error({ err }, 'file trigger poll failed'))
      .finally(() => {
        if (!stopped) triggerTimer = setTimeout(triggerLoop, config.FILE_TRIGGER_POLL_MS);
      });
  };
  triggerLoop();
  // Retention (docs/retention.md): a loop of its own, in small paced batches, so it never holds
  // the tick up; every step is idempotent or a compare-and-set, so replicas may both run it.
  const retention = new Retention(engine.deps, {
    batchSize: config.RETENTION_BATCH_SIZE,
    pauseMs: config.RETENTION_PAUSE_MS,
    archiveAfterMs: config.LOG_ARCHIVE_AFTER_MS,
  });
  const stopRetention = new AbortController();
  let retaining: Promise<void> = Promise.resolve();
  let retentionTimer: NodeJS.Timeout | undefined;
  const retentionLoop = () => {
    if (stopped || !config.RETENTION_ENABLED) return;
    const started = Date.now();
    retaining = retention
      .sweep(config.TOWER_RETENTION_NOW ?? new Date(), stopRetention.signal)
      .then((stats) => {
        recordRetention(stats);
        const rows = Object.values(stats.deleted).reduce((a, b) => a + b, 0);
        if (rows > 0 || stats.triesArchived > 0) logger.info({ ...stats, rows, ms: Date.now() - started }, 'retention pass');
        if (stats.archiveError) logger.warn({ error: stats.archiveError }, 'log archive failed: the runs not archived are retried on the next pass');
      })
      .catch((err) => logger.error({ err }, 'retention pass failed'))
      .finally(() => {
        if (!stopped) retentionTimer = setTimeout(retentionLoop, config.RETENTION_INTERVAL_MS);
      });
  };
  retentionLoop();
  // Alert rules: evaluated here from the state-change journal; workers deliver them (their own queue).
  const alerting: AlertingHandle | undefined = config.ALERTS_ENABLED
    ? startAlerting(
        { prisma, logger: logger.child({ component: 'alerts' }), keyring, clock: () => new Date(), events, webUrl: config.TOWER_WEB_URL },
        redis,
        config.REDIS_PREFIX,
        { evaluate: true, deliver: false, evaluateEveryMs: config.ALERT_EVALUATE_MS, sweepMs: config.ALERT_SWEEP_MS },
      )
    : undefined;
  logger.info(
    { tickMs: config.SCHEDULER_TICK_MS, filePollMs: config.FILE_TRIGGER_POLL_MS, alerts: config.ALERTS_ENABLED, opsPort: ops.port },
    'scheduler started',
  );

  return {
    opsPort: ops.port,
    async close() {
      stopped = true;
      await ops.close();
      if (timer) clearTimeout(timer);
      if (triggerTimer) clearTimeout(triggerTimer);
      if (retentionTimer) clearTimeout(retentionTimer);
      stopRetention.abort();
      await Promise.all([current, triggers, retaining, alerting?.close()]);
      logArchive?.store.destroy();
      await queue.close();
      redis.disconnect();
      await prisma.$disconnect();
      await tracing?.shutdown();
      logger.info('scheduler stopped');
    },
  };
}
