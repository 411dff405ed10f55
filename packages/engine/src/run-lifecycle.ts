import {
  decideRunState,
  evaluateTriggerRule,
  isFinished,
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
}

const ACTIVE_TASK_STATES: TaskState[] = ['queued', 'running'];

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

  /** Moves the oldest queued runs of a DAG to running while below maxActiveRuns, then evaluates them. */
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
      const spec = await this.specs.get(tx, tenantId, queued[0].dagVersionId);
      let running = await tx.dagRun.count({ where: { tenantId, dagPk, state: 'running' } });
      for (const run of queued) {
        if (running >= spec.maxActiveRuns) break;
        const [moved] = await tx.dagRun.updateManyAndReturn({
          where: { id: run.id, state: 'queued' },
          data: { state: 'running', startedAt: this.deps.clock() },
        });
        if (moved) {
          started.push(moved);
          running++;
        }
      }
    });
    await this.deps.events.publishMany(started.map(runEvent));
    for (const run of started) await this.evaluateRun(tenantId, run.id);
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
          priority: bullPriority(ti.priorityWeight, run.priority),
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
    const queued: TaskInstance[] = [];
    for (const ti of scheduled) {
      if (capacity <= 0) break;
      const [moved] = await tx.taskInstance.updateManyAndReturn({
        where: { id: ti.id, state: 'scheduled' },
        data: { state: 'queued', queuedAt: now },
      });
      if (moved) {
        byTask.set(moved.taskId, moved);
        queued.push(moved);
        capacity--;
      }
    }
    return queued;
  }
}

/** BullMQ priority: 1 is served first. Higher Tower priority weight → smaller BullMQ number. */
function bullPriority(priorityWeight: number, runPriority: number): number {
  const weight = priorityWeight + runPriority;
  return Math.max(1, Math.min(2_000_000, 1_000_000 - weight));
}
