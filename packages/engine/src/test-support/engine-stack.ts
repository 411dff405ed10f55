import { DEV_KEYRING_VALUE, parseKeyring } from '@tower/secrets';
import { loadConfig } from '@tower/config';
import { createTestDatabase, type PrismaClient, type TaskInstance, type DagRun } from '@tower/db';
import { EventPublisher } from '@tower/events';
import { createLogger } from '@tower/logger';
import { createRedis, TaskQueue } from '@tower/queue';
import { startScheduler, type SchedulerHandle } from '../../../../apps/scheduler/src/scheduler-runtime.js';
import { startWorker, type WorkerHandle } from '../../../../apps/worker/src/worker-runtime.js';
import { createEngine, type Engine } from '../index.js';

export interface EngineStack {
  prisma: PrismaClient;
  engine: Engine;
  tenantId: string;
  /** Upserts `spec`, triggers it and waits (30 s at most) for the run to succeed or fail. */
  runToEnd(spec: Record<string, unknown>, params?: Record<string, unknown>): Promise<{ run: DagRun; states: Record<string, string>; tis: TaskInstance[] }>;
  worker: WorkerHandle;
  /** The stack's Redis key prefix and database URL (for a second process of a test's own). */
  prefix: string;
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * The engine against the real Postgres and Redis, with an in-process worker and scheduler (the same
 * runtimes the processes use), a database and key prefix of its own, and one tenant.
 */
export async function startEngineStack(name: string, env: Record<string, string> = {}): Promise<EngineStack> {
  const redis = createRedis('redis://127.0.0.1:6379');
  const prefix = `tower-test-${name}-${process.pid}-${Date.now().toString(36)}`;
  const db = await createTestDatabase(name);
  const prisma = db.prisma;
  const logger = createLogger(`${name}-test`, { level: 'warn' });
  const engine = createEngine({
    prisma,
    queue: new TaskQueue(redis, prefix),
    events: new EventPublisher(redis, prefix),
    logger,
    clock: () => new Date(),
    keyring: parseKeyring(DEV_KEYRING_VALUE),
  });
  const config = loadConfig({ DATABASE_URL: db.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', SCHEDULER_TICK_MS: '100', WORKER_CONCURRENCY: '4', ...env });
  let worker: WorkerHandle | undefined;
  let scheduler: SchedulerHandle | undefined;
  const close = async () => {
    await scheduler?.close();
    await worker?.close();
    await engine.deps.queue.close();
    redis.disconnect();
    await db.drop();
  };
  try {
    worker = await startWorker(config, logger);
    scheduler = await startScheduler(config, logger);
    const tenant = await prisma.tenant.create({ data: { slug: `${name}-${Date.now()}`, name } });
    const tenantId = tenant.id;
    const runToEnd: EngineStack['runToEnd'] = async (spec, params = {}) => {
      await engine.dags.upsert(tenantId, spec);
      const run = await engine.runs.trigger(tenantId, spec.dagId as string, params);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const current = await engine.runs.get(tenantId, run.id);
        if (['success', 'failed'].includes(current.state)) {
          const tis = await engine.runs.taskInstances(tenantId, run.id);
          return { run: current, states: Object.fromEntries(tis.map((t) => [t.taskId, t.state])), tis };
        }
        if (Date.now() > deadline) throw new Error(`run ${run.id} did not finish: ${current.state}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    return { prisma, engine, tenantId, worker, runToEnd, prefix, databaseUrl: db.url, close };
  } catch (err) {
    await close();
    throw err;
  }
}
