import { type DagSpec, type TaskState } from '@tower/core';
import type { DagRun } from '@tower/db';
import type { TowerEvent } from '@tower/events';
import type { EngineDeps } from './deps.js';
import { decideFailedTry } from './retry-decision.js';
import type { NewRun, RunLifecycle } from './run-lifecycle.js';
import { defaultParams, nextRunFor } from './schedule-info.js';
import { runEvent, taskEvent } from './snapshots.js';
import type { SpecCache } from './spec-cache.js';

export interface SchedulerOptions {
  /** How many due DAGs one transaction claims. */
  batchSize: number;
  /** A running try whose heartbeat is older than this is a zombie (its worker died). */
  zombieAfterMs: number;
  /** A queued task older than this without a BullMQ job is re-enqueued (e.g. after a Redis flush). */
  requeueAfterMs: number;
}

export interface TickStats {
  runsCreated: number;
  retriesPromoted: number;
  runsEvaluated: number;
  zombiesReaped: number;
  requeued: number;
  runsTimedOut: number;
  stalledRuns: number;
}

const DEFAULTS: SchedulerOptions = { batchSize: 500, zombieAfterMs: 30_000, requeueAfterMs: 15_000 };

/**
 * The scheduler's periodic work. Everything here is safe with several replicas: due DAGs are
 * claimed with FOR UPDATE SKIP LOCKED, run creation is idempotent on (tenant, dag, logical date),
 * and every state change is a compare-and-set. Downstream readiness is NOT polled here: the worker
 * evaluates a run the moment a task finishes; the sweep only catches what capacity limits deferred.
 */
export class Scheduler {
  private readonly opts: SchedulerOptions;

  constructor(
    private readonly deps: EngineDeps,
    private readonly specs: SpecCache,
    private readonly lifecycle: RunLifecycle,
    opts: Partial<SchedulerOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  async tick(): Promise<TickStats> {
    const runsCreated = await this.createDueRuns();
    await this.startQueuedRunsSweep();
    const retriesPromoted = await this.promoteDueRetries();
    const zombiesReaped = await this.reapZombies();
    const runsEvaluated = await this.evaluateWaitingRuns();
    const requeued = await this.requeueLostTasks();
    const runsTimedOut = await this.timeOutRuns();
    const stalledRuns = await this.evaluateStalledRuns();
    return { runsCreated, retriesPromoted, runsEvaluated, zombiesReaped, requeued, runsTimedOut, stalledRuns };
  }

  /**
   * Creates the runs whose data interval has ended, one per due interval, and advances each DAG.
   * Batched: a transaction claims up to batchSize due DAGs (FOR UPDATE SKIP LOCKED, so replicas
   * split the work), inserts all their runs and task instances in two statements and advances
   * every DAG in one UPDATE. The runs are started after every due DAG has its run, so run creation
   * keeps up with thousands of schedules falling due at once.
   */
  async createDueRuns(): Promise<number> {
    const created: DagRun[] = [];
    for (;;) {
      const now = this.deps.clock();
      const { claimed, runs } = await this.deps.prisma.$transaction(async (tx) => {
        const due = await tx.$queryRaw<Array<{ id: string }>>`
          SELECT id FROM "Dag"
          WHERE paused = false AND "nextDueAt" IS NOT NULL AND "nextDueAt" <= ${now}
          ORDER BY "nextDueAt"
          LIMIT ${this.opts.batchSize}
          FOR UPDATE SKIP LOCKED`;
        if (due.length === 0) return { claimed: 0, runs: [] as DagRun[] };
        const dags = await tx.dag.findMany({ where: { id: { in: due.map((d) => d.id) } } });
        const versions = await tx.dagVersion.findMany({ where: { OR: dags.map((d) => ({ dagPk: d.id, version: d.latestVersion })) } });
        const versionOf = new Map(versions.map((v) => [v.dagPk, v]));
        const inputs: NewRun[] = [];
        const advances: Array<{ id: string; nextLogicalDate: Date | null; nextDueAt: Date | null }> = [];
        // DAGs sharing a schedule (thousands of "* * * * *") share the next-run computation.
        const nextRuns = new Map<string, ReturnType<typeof nextRunFor>>();
        const nextRunOf = (spec: DagSpec, after: Date) => {
          const key = [spec.schedule, spec.timezone, spec.startDate, spec.endDate, spec.catchup, after.getTime()].join('|');
          if (!nextRuns.has(key)) nextRuns.set(key, nextRunFor(spec, after, now));
          return nextRuns.get(key)!;
        };
        for (const dag of dags) {
          const version = versionOf.get(dag.id)!;
          const spec = version.spec as unknown as DagSpec;
          const logicalDate = dag.nextLogicalDate!;
          inputs.push({
            tenantId: dag.tenantId,
            dagPk: dag.id,
            dagId: dag.dagId,
            versionId: version.id,
            version: version.version,
            spec,
            runType: 'scheduled',
            runId: `scheduled__${logicalDate.toISOString()}`,
            logicalDate,
            dataIntervalStart: logicalDate,
            dataIntervalEnd: dag.nextDueAt!,
            params: defaultParams(spec),
          });
          const next = nextRunOf(spec, logicalDate);
          advances.push({ id: dag.id, nextLogicalDate: next?.logicalDate ?? null, nextDueAt: next?.dueAt ?? null });
        }
        const runs = await this.lifecycle.insertRuns(tx, inputs);
        await tx.$executeRaw`
          UPDATE "Dag" AS d SET "nextLogicalDate" = v.nl, "nextDueAt" = v.nd, "updatedAt" = now()
          FROM (SELECT unnest(${advances.map((a) => a.id)}::uuid[]) AS id,
                       unnest(${advances.map((a) => a.nextLogicalDate)}::timestamptz[]) AS nl,
                       unnest(${advances.map((a) => a.nextDueAt)}::timestamptz[]) AS nd) AS v
          WHERE d.id = v.id`;
        return { claimed: due.length, runs };
      });
      created.push(...runs);
      await this.deps.events.publishMany(runs.map(runEvent));
      // Catch-up DAGs are due again at once: keep going, within a bound per tick.
      if (claimed === 0 || created.length >= 50_000) break;
    }
    for (const run of created) this.deps.logger.info({ tenantId: run.tenantId, dagId: run.dagId, runId: run.runId }, 'scheduled run created');
    return created.length;
  }

  /**
   * Starts queued runs (within each DAG's maxActiveRuns), oldest first, for up to `budgetMs`:
   * the runs cron just created, and any a crash left queued. Bounded so that thousands of runs
   * falling due together never hold back the next tick's run creation.
   */
  async startQueuedRunsSweep(budgetMs = 2_000): Promise<number> {
    const deadline = Date.now() + budgetMs;
    const dags = await this.deps.prisma.$queryRaw<Array<{ dagPk: string; tenantId: string }>>`
      SELECT r."dagPk", r."tenantId" FROM "DagRun" r JOIN "Dag" d ON d.id = r."dagPk"
      WHERE r.state = 'queued' AND d.paused = false
      GROUP BY r."dagPk", r."tenantId"
      ORDER BY min(r."queuedAt")
      LIMIT 1000`;
    let visited = 0;
    // 100 DAGs at a time: their starts are group-committed into a few transactions.
    for (let i = 0; i < dags.length && Date.now() <= deadline; i += 100) {
      const chunk = dags.slice(i, i + 100);
      await Promise.all(chunk.map((dag) => this.lifecycle.startQueuedRuns(dag.tenantId, dag.dagPk)));
      visited += chunk.length;
    }
    return visited;
  }

  /**
   * dagRunTimeoutSeconds: a run still running at its timeoutAt fails; its unfinished tasks are
   * skipped and running tries stopped (as Airflow does). Compare-and-set, so replicas agree.
   */
  async timeOutRuns(): Promise<number> {
    const now = this.deps.clock();
    const due = await this.deps.prisma.dagRun.findMany({
      where: { state: 'running', timeoutAt: { lte: now } },
      select: { id: true, tenantId: true },
      take: 500,
    });
    let stopped = 0;
    for (const run of due) if (await this.lifecycle.stopRun(run.tenantId, run.id, 'failed', 'dagRunTimeoutSeconds exceeded')) stopped++;
    return stopped;
  }

  /**
   * A running run with nothing in flight (no task scheduled, queued, running or waiting to retry
   * or re-poke) can only be stalled: an evaluation after a task finished failed (the database
   * refused the transaction) and nothing else would evaluate it again. A full evaluation moves it
   * on — schedules what is ready, or decides its outcome.
   */
  async evaluateStalledRuns(): Promise<number> {
    const cutoff = new Date(this.deps.clock().getTime() - 5_000);
    const stalled = await this.deps.prisma.$queryRaw<Array<{ id: string; tenantId: string }>>`
      SELECT r.id, r."tenantId" FROM "DagRun" r
      WHERE r.state = 'running' AND r."updatedAt" < ${cutoff}
        AND NOT EXISTS (
          SELECT 1 FROM "TaskInstance" t
          WHERE t."dagRunId" = r.id
            AND t.state IN ('scheduled', 'queued', 'running', 'up_for_retry', 'up_for_reschedule', 'deferred', 'restarting'))
      LIMIT 100`;
    if (stalled.length) await this.lifecycle.evaluateRuns(stalled.map((run) => ({ tenantId: run.tenantId, dagRunId: run.id })));
    if (stalled.length > 0) this.deps.logger.warn({ runs: stalled.length }, 're-evaluated stalled runs');
    return stalled.length;
  }

  /** up_for_retry tries whose delay has passed go back to scheduled, and their run is evaluated. */
  async promoteDueRetries(): Promise<number> {
    const now = this.deps.clock();
    const promoted = await this.deps.prisma.taskInstance.updateManyAndReturn({
      where: { state: { in: ['up_for_retry', 'up_for_reschedule'] }, nextAttemptAt: { lte: now } },
      data: { state: 'scheduled', nextAttemptAt: null },
    });
    await this.deps.events.publishMany(promoted.map(taskEvent));
    // Promoted tasks are scheduled: queueing them needs no trigger-rule pass ([] = nothing finished).
    if (promoted.length) await this.lifecycle.evaluateRuns(uniqueRuns(promoted).map((r) => ({ ...r, finishedTaskIds: [] })));
    return promoted.length;
  }

  /** Runs holding scheduled tasks that a limit deferred get another chance at capacity. */
  async evaluateWaitingRuns(): Promise<number> {
    const waiting = await this.deps.prisma.taskInstance.findMany({
      where: { state: 'scheduled', dagRun: { state: 'running' } },
      distinct: ['dagRunId'],
      select: { tenantId: true, dagRunId: true },
      take: 500,
    });
    if (waiting.length) await this.lifecycle.evaluateRuns(waiting.map((w) => ({ tenantId: w.tenantId, dagRunId: w.dagRunId, finishedTaskIds: [] })));
    return waiting.length;
  }

  /** A running try whose worker stopped heartbeating failed; retry policy decides what comes next. */
  async reapZombies(): Promise<number> {
    const now = this.deps.clock();
    const cutoff = new Date(now.getTime() - this.opts.zombieAfterMs);
    const zombies = await this.deps.prisma.taskInstance.findMany({
      where: { state: 'running', heartbeatAt: { lt: cutoff } },
      include: { dagRun: { select: { logicalDate: true, dagVersionId: true } } },
      take: 500,
    });
    let reaped = 0;
    const events: TowerEvent[] = [];
    for (const z of zombies) {
      const spec = await this.specs.get(this.deps.prisma, z.tenantId, z.dagRun.dagVersionId);
      const { state: next, retryAt } = decideFailedTry({
        task: spec.tasks.find((t) => t.taskId === z.taskId),
        dagId: z.dagId,
        taskId: z.taskId,
        logicalDate: z.dagRun.logicalDate,
        tryNumber: z.tryNumber,
        maxTries: z.maxTries,
        timedOut: false,
        retryable: true,
        now,
      });
      const moved = await this.deps.prisma.$transaction(async (tx) => {
        const [m] = await tx.taskInstance.updateManyAndReturn({
          where: { id: z.id, state: 'running', tryNumber: z.tryNumber, heartbeatAt: { lt: cutoff } },
          data: { state: next, endedAt: now, heartbeatAt: null, nextAttemptAt: retryAt },
        });
        if (m) {
          await tx.taskTry.updateMany({
            where: { taskInstanceId: z.id, tryNumber: z.tryNumber },
            data: { state: 'failed', endedAt: now, error: `worker ${z.workerId ?? '?'} stopped heartbeating (zombie try)` },
          });
        }
        return m;
      });
      if (!moved) continue;
      reaped++;
      events.push(taskEvent(moved));
      this.deps.logger.warn({ tenantId: z.tenantId, taskInstanceId: z.id, tryNumber: z.tryNumber, next }, 'reaped zombie try');
      if ((next as TaskState) === 'failed') await this.lifecycle.evaluateRun(moved.tenantId, moved.dagRunId);
    }
    await this.deps.events.publishMany(events);
    return reaped;
  }

  /**
   * Postgres is the truth, Redis only transport: a task queued in Postgres whose job is gone from
   * BullMQ (Redis flushed, or a crash between commit and enqueue) is enqueued again. The job id is
   * per try, and the worker's compare-and-set makes a duplicate harmless.
   */
  async requeueLostTasks(): Promise<number> {
    const cutoff = new Date(this.deps.clock().getTime() - this.opts.requeueAfterMs);
    const stale = await this.deps.prisma.taskInstance.findMany({
      where: { state: 'queued', queuedAt: { lt: cutoff } },
      select: { id: true, tenantId: true, dagRunId: true, tryNumber: true, priorityWeight: true },
      take: 1000,
    });
    let requeued = 0;
    for (const ti of stale) {
      if (await this.deps.queue.hasJob(ti.id, ti.tryNumber + 1)) continue;
      await this.deps.queue.enqueueRunTask({ tenantId: ti.tenantId, dagRunId: ti.dagRunId, taskInstanceId: ti.id, tryNumber: ti.tryNumber + 1 });
      requeued++;
    }
    if (requeued > 0) this.deps.logger.warn({ requeued }, 're-enqueued queued tasks missing from the queue');
    return requeued;
  }
}

function uniqueRuns(rows: Array<{ tenantId: string; dagRunId: string }>): Array<{ tenantId: string; dagRunId: string }> {
  const seen = new Map<string, { tenantId: string; dagRunId: string }>();
  for (const r of rows) seen.set(r.dagRunId, { tenantId: r.tenantId, dagRunId: r.dagRunId });
  return [...seen.values()];
}

