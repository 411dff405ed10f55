import {
  decideRunState,
  evaluateTriggerRule,
  isFinished,
  transition,
  leafTaskIds,
  type DagSpec,
  type TaskState,
} from '@tower/core';
import type { DagRun, RunType, TaskInstance } from '@tower/db';
import type { TowerEvent } from '@tower/events';
import type { JobPayload } from '@tower/queue';
import type { EngineDeps, Tx } from './deps.js';
import { runEvent, taskEvent } from './snapshots.js';
import type { SpecCache } from './spec-cache.js';

export interface NewRun {
  tenantId: string;
  dagPk: string;
  dagId: string;
  versionId: string;
  version: number;
  spec: DagSpec;
  runType: RunType;
  runId: string;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  params: Record<string, unknown>;
  priority?: number;
  /** Runs of a backfill start in the backfill lane, within the backfill's own maxActiveRuns. */
  backfillId?: string;
}

const ACTIVE_TASK_STATES: TaskState[] = ['queued', 'running'];

/** Slots of a tenant's `default` pool until the tenant sets its own (setPool). */
export const DEFAULT_POOL_SLOTS = 128;

/** Serialises evaluation per DAG, so maxActiveRuns/maxActiveTasks counts cannot race. */
async function lockDag(tx: Tx, dagPk: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${dagPk}))`;
}

/**
 * The run lifecycle: creating runs, starting queued runs within maxActiveRuns, and evaluating a
 * run — trigger rules to a fixpoint, queueing ready tasks within the DAG's and tenant's limits,
 * and deciding the run's outcome from its leaves. Every state change is a compare-and-set
 * (`UPDATE … WHERE state = expected`); jobs are enqueued and events published only after commit,
 * and the scheduler's reconciler re-enqueues anything a crash between the two left behind.
 */
export class RunLifecycle {
  constructor(
    private readonly deps: EngineDeps,
    private readonly specs: SpecCache,
  ) {}

  /** Inserts a run and its task instances; null when the run (tenant, dag, logical date) exists. */
  async insertRun(tx: Tx, input: NewRun): Promise<DagRun | null> {
    const [run] = await tx.dagRun.createManyAndReturn({
      data: [
        {
          tenantId: input.tenantId,
          dagPk: input.dagPk,
          dagId: input.dagId,
          dagVersionId: input.versionId,
          dagVersion: input.version,
          runId: input.runId,
          runType: input.runType,
          state: 'queued',
          logicalDate: input.logicalDate,
          dataIntervalStart: input.dataIntervalStart,
          dataIntervalEnd: input.dataIntervalEnd,
          params: input.params as object,
          priority: input.priority ?? 0,
          backfillId: input.backfillId ?? null,
          queuedAt: this.deps.clock(),
        },
      ],
      skipDuplicates: true,
    });
    if (!run) return null;
    await tx.taskInstance.createMany({
      data: input.spec.tasks.map((t) => ({
        tenantId: input.tenantId,
        dagRunId: run.id,
        dagId: input.dagId,
        taskId: t.taskId,
        operator: t.type,
        maxTries: t.retries + 1,
        pool: t.pool,
        priorityWeight: t.priorityWeight,
      })),
    });
    return run;
  }

  /**
   * Moves queued runs of a DAG to running, in two lanes: regular runs (scheduled, manual,
   * triggered) within the DAG's maxActiveRuns, and each backfill's runs within that backfill's own
   * maxActiveRuns — a backfill never takes a regular run's place. Then evaluates them.
   */
  async startQueuedRuns(tenantId: string, dagPk: string): Promise<void> {
    const started: DagRun[] = [];
    await this.deps.prisma.$transaction(async (tx) => {
      const dag = await tx.dag.findFirst({ where: { id: dagPk, tenantId }, select: { paused: true } });
      if (!dag || dag.paused) return;
      await lockDag(tx, dagPk);
      const queued = await tx.dagRun.findMany({
        where: { tenantId, dagPk, state: 'queued' },
        orderBy: [{ priority: 'desc' }, { logicalDate: 'asc' }],
        take: 64,
      });
      if (queued.length === 0) return;
      const running = await tx.dagRun.groupBy({ by: ['backfillId'], where: { tenantId, dagPk, state: 'running' }, _count: true });
      const active = new Map(running.map((r) => [r.backfillId ?? '', r._count]));
      const backfillIds = [...new Set(queued.map((r) => r.backfillId).filter((id): id is string => id !== null))];
      const backfills = new Map(
        (await tx.backfill.findMany({ where: { id: { in: backfillIds } }, select: { id: true, maxActiveRuns: true, canceledAt: true } })).map((b) => [b.id, b]),
      );
      const latest = await this.specs.get(tx, tenantId, queued[0].dagVersionId);
      for (const run of queued) {
        const lane = run.backfillId ?? '';
        const backfill = run.backfillId ? backfills.get(run.backfillId) : undefined;
        if (backfill?.canceledAt) continue;
        const limit = backfill ? backfill.maxActiveRuns : latest.maxActiveRuns;
        if ((active.get(lane) ?? 0) >= limit) continue;
        const spec = await this.specs.get(tx, tenantId, run.dagVersionId);
        const now = this.deps.clock();
        const [moved] = await tx.dagRun.updateManyAndReturn({
          where: { id: run.id, state: 'queued' },
          data: { state: 'running', startedAt: now, timeoutAt: spec.dagRunTimeoutSeconds ? new Date(now.getTime() + spec.dagRunTimeoutSeconds * 1000) : null },
        });
        if (moved) {
          started.push(moved);
          active.set(lane, (active.get(lane) ?? 0) + 1);
        }
      }
    });
    await this.deps.events.publishMany(started.map(runEvent));
    for (const run of started) await this.evaluateRun(tenantId, run.id);
  }

  /**
   * Ends a queued or running run as `canceled` (cancelDagRun) or `failed` (dagRunTimeoutSeconds):
   * unfinished tasks are skipped, running tries are stopped by their workers on the events. Null
   * when the run had already finished (compare-and-set).
   */
  async stopRun(tenantId: string, runId: string, state: 'canceled' | 'failed', reason: string): Promise<DagRun | null> {
    const now = this.deps.clock();
    const events: TowerEvent[] = [];
    const stopped = await this.deps.prisma.$transaction(async (tx) => {
      const [run] = await tx.dagRun.updateManyAndReturn({
        where: { id: runId, tenantId, state: { in: ['queued', 'running'] } },
        data: { state, endedAt: now },
      });
      if (!run) return null;
      events.push(runEvent(run));
      const tis = await tx.taskInstance.findMany({ where: { tenantId, dagRunId: run.id } });
      for (const ti of tis) {
        if (isFinished(ti.state as TaskState)) continue;
        const { next } = transition(ti.state as TaskState, { type: 'cancel' });
        const [m] = await tx.taskInstance.updateManyAndReturn({
          where: { id: ti.id, state: ti.state, tryNumber: ti.tryNumber },
          data: { state: next, endedAt: now, nextAttemptAt: null, heartbeatAt: null },
        });
        if (m) events.push(taskEvent(m));
      }
      return run;
    });
    if (!stopped) return null;
    await this.deps.events.publishMany(events);
    this.deps.logger.info({ tenantId, dagId: stopped.dagId, runId: stopped.runId, state, reason }, 'dag run stopped');
    await this.startQueuedRuns(tenantId, stopped.dagPk);
    return stopped;
  }

  /**
   * Re-evaluates one running run. Called the moment a task finishes (event-driven downstream
   * readiness), when a run starts, and by the scheduler's sweep for runs waiting on capacity.
   */
  async evaluateRun(tenantId: string, dagRunId: string): Promise<void> {
    const events: TowerEvent[] = [];
    const jobs: Array<{ payload: JobPayload<'runTask'>; priority?: number }> = [];
    let finished: DagRun | null = null;

    await this.deps.prisma.$transaction(async (tx) => {
      const run = await tx.dagRun.findFirst({ where: { id: dagRunId, tenantId } });
      if (!run || run.state !== 'running') return;
      await lockDag(tx, run.dagPk);
      const spec = await this.specs.get(tx, tenantId, run.dagVersionId);
      const tis = await tx.taskInstance.findMany({ where: { dagRunId, tenantId } });
      const byTask = new Map(tis.map((t) => [t.taskId, t]));
      const now = this.deps.clock();

      const changed = await this.applyTriggerRules(tx, spec, byTask, now);
      events.push(...changed.map(taskEvent));

      const queued = await this.queueScheduled(tx, run, spec, byTask, now);
      for (const ti of queued) {
        events.push(taskEvent(ti));
        jobs.push({
          payload: { tenantId, dagRunId, taskInstanceId: ti.id, tryNumber: ti.tryNumber + 1 },
          // A sensor's re-poke yields to real work: a poke a little late costs nothing, a task
          // stuck behind hundreds of pokes does (sensors in reschedule mode hold no slot).
          priority: bullPriority(ti.priorityWeight, run.priority) + (ti.rescheduleCount > 0 ? RESCHEDULED_POKE_PENALTY : 0),
        });
      }

      const outcome = decideRunState(
        [...byTask.values()].map((t) => ({ taskId: t.taskId, state: t.state as TaskState })),
        leafTaskIds(spec),
      );
      if (outcome) {
        const [done] = await tx.dagRun.updateManyAndReturn({
          where: { id: run.id, state: 'running' },
          data: { state: outcome, endedAt: now },
        });
        if (done) {
          finished = done;
          events.push(runEvent(done));
        }
      }
    });

    await this.deps.queue.enqueueRunTasks(jobs);
    await this.deps.events.publishMany(events);
    const done = finished as DagRun | null;
    if (done) {
      this.deps.logger.info({ tenantId, dagId: done.dagId, runId: done.runId, state: done.state }, 'dag run finished');
      await this.startQueuedRuns(tenantId, done.dagPk);
    }
  }

  /** Applies trigger rules until nothing changes, so skips and upstream failures propagate in one pass. */
  private async applyTriggerRules(tx: Tx, spec: DagSpec, byTask: Map<string, TaskInstance>, now: Date): Promise<TaskInstance[]> {
    const changed: TaskInstance[] = [];
    let progress = true;
    while (progress) {
      progress = false;
      for (const task of spec.tasks) {
        const ti = byTask.get(task.taskId);
        if (!ti || ti.state !== 'none') continue;
        const upstream = task.dependsOn.map((id) => (byTask.get(id)?.state ?? 'removed') as TaskState);
        const verdict = evaluateTriggerRule(task.triggerRule, upstream);
        if (verdict === 'wait') continue;
        const next: TaskState = verdict === 'ready' ? 'scheduled' : verdict === 'skip' ? 'skipped' : 'upstream_failed';
        const [moved] = await tx.taskInstance.updateManyAndReturn({
          where: { id: ti.id, state: 'none' },
          data: { state: next, ...(isFinished(next) ? { endedAt: now } : {}) },
        });
        if (moved) {
          byTask.set(task.taskId, moved);
          changed.push(moved);
          progress = true;
        }
      }
    }
    return changed;
  }

  /** Queues scheduled tasks, highest priority weight first, within maxActiveTasks and the tenant quota. */
  private async queueScheduled(
    tx: Tx,
    run: DagRun,
    spec: DagSpec,
    byTask: Map<string, TaskInstance>,
    now: Date,
  ): Promise<TaskInstance[]> {
    const scheduled = [...byTask.values()]
      .filter((t) => t.state === 'scheduled')
      .sort((a, b) => b.priorityWeight - a.priorityWeight);
    if (scheduled.length === 0) return [];
    const [activeInDag, activeInTenant, tenant] = await Promise.all([
      tx.taskInstance.count({ where: { tenantId: run.tenantId, dagId: run.dagId, state: { in: ACTIVE_TASK_STATES } } }),
      tx.taskInstance.count({ where: { tenantId: run.tenantId, state: { in: ACTIVE_TASK_STATES } } }),
      tx.tenant.findUniqueOrThrow({ where: { id: run.tenantId }, select: { concurrencyQuota: true } }),
    ]);
    let capacity = Math.min(spec.maxActiveTasks - activeInDag, tenant.concurrencyQuota - activeInTenant);
    if (run.backfillId) {
      // The backfill lane may use at most half of the tenant's quota: regular runs always find room.
      const activeBackfill = await tx.taskInstance.count({
        where: { tenantId: run.tenantId, state: { in: ACTIVE_TASK_STATES }, dagRun: { backfillId: { not: null } } },
      });
      capacity = Math.min(capacity, Math.ceil(tenant.concurrencyQuota / 2) - activeBackfill);
    }
    // Pools: slots per tenant, shared by every DAG of the tenant that names the pool.
    const poolNames = [...new Set(scheduled.map((t) => t.pool))];
    const [pools, poolUse] = await Promise.all([
      tx.pool.findMany({ where: { tenantId: run.tenantId, name: { in: poolNames } }, select: { name: true, slots: true } }),
      tx.taskInstance.groupBy({ by: ['pool'], where: { tenantId: run.tenantId, pool: { in: poolNames }, state: { in: ACTIVE_TASK_STATES } }, _count: true }),
    ]);
    const poolFree = new Map<string, number>();
    for (const name of poolNames) {
      const slots = pools.find((p) => p.name === name)?.slots ?? (name === 'default' ? DEFAULT_POOL_SLOTS : 0);
      poolFree.set(name, slots - (poolUse.find((u) => u.pool === name)?._count ?? 0));
    }
    const queued: TaskInstance[] = [];
    for (const ti of scheduled) {
      if (capacity <= 0) break;
      if ((poolFree.get(ti.pool) ?? 0) <= 0) continue;
      const [moved] = await tx.taskInstance.updateManyAndReturn({
        where: { id: ti.id, state: 'scheduled' },
        data: { state: 'queued', queuedAt: now },
      });
      if (moved) {
        byTask.set(moved.taskId, moved);
        queued.push(moved);
        capacity--;
        poolFree.set(ti.pool, poolFree.get(ti.pool)! - 1);
      }
    }
    return queued;
  }
}

const RESCHEDULED_POKE_PENALTY = 500_000;

/** BullMQ priority: 1 is served first. Higher Tower priority weight → smaller BullMQ number. */
function bullPriority(priorityWeight: number, runPriority: number): number {
  const weight = priorityWeight + runPriority;
  return Math.max(1, Math.min(1_500_000, 1_000_000 - weight));
}
