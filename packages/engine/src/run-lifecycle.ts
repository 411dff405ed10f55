import {
  decideRunState,
  FINISHED_TASK_STATES,
  fairPriority,
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
    const [run] = await this.insertRuns(tx, [input]);
    return run ?? null;
  }

  /**
   * Inserts many runs and their task instances in two statements (the scheduler's cron batch).
   * Runs whose (tenant, dag, logical date) already exists are skipped; the created ones are returned.
   */
  async insertRuns(tx: Tx, inputs: NewRun[]): Promise<DagRun[]> {
    if (inputs.length === 0) return [];
    const now = this.deps.clock();
    const runs = await tx.dagRun.createManyAndReturn({
      data: inputs.map((input) => ({
        tenantId: input.tenantId,
        dagPk: input.dagPk,
        dagId: input.dagId,
        dagVersionId: input.versionId,
        dagVersion: input.version,
        runId: input.runId,
        runType: input.runType,
        state: 'queued' as const,
        logicalDate: input.logicalDate,
        dataIntervalStart: input.dataIntervalStart,
        dataIntervalEnd: input.dataIntervalEnd,
        params: input.params as object,
        priority: input.priority ?? 0,
        backfillId: input.backfillId ?? null,
        queuedAt: now,
      })),
      skipDuplicates: true,
    });
    const byKey = new Map(inputs.map((i) => [`${i.dagPk}|${i.logicalDate.getTime()}`, i]));
    const tis = runs.flatMap((run) =>
      byKey.get(`${run.dagPk}|${run.logicalDate.getTime()}`)!.spec.tasks.map((t) => ({
        tenantId: run.tenantId,
        dagRunId: run.id,
        dagId: run.dagId,
        taskId: t.taskId,
        operator: t.type,
        maxTries: t.retries + 1,
        pool: t.pool,
        priorityWeight: t.priorityWeight,
      })),
    );
    for (let i = 0; i < tis.length; i += 10_000) await tx.taskInstance.createMany({ data: tis.slice(i, i + 10_000) });
    return runs;
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
   * Re-evaluates one running run: trigger rules, queueing within limits, and the run's outcome.
   * Called the moment a task finishes (event-driven downstream readiness) with the finished task
   * ids — then only their downstream tasks are looked at, so a wide run costs the same per task
   * as a small one — and with no ids (the whole run) when a run starts, after clear/mark, and by
   * the scheduler's sweep for runs waiting on capacity.
   */
  async evaluateRun(tenantId: string, dagRunId: string, finishedTaskIds?: readonly string[]): Promise<void> {
    const events: TowerEvent[] = [];
    const jobs: Array<{ payload: JobPayload<'runTask'>; priority?: number }> = [];
    let finished: DagRun | null = null;

    await this.deps.prisma.$transaction(async (tx) => {
      const run = await tx.dagRun.findFirst({ where: { id: dagRunId, tenantId } });
      if (!run || run.state !== 'running') return;
      await lockDag(tx, run.dagPk);
      const spec = await this.specs.get(tx, tenantId, run.dagVersionId);
      const graph = graphOf(spec);
      const now = this.deps.clock();

      const states = new Map<string, TaskInstance>();
      const load = async (taskIds: Iterable<string>) => {
        const missing = [...new Set(taskIds)].filter((id) => !states.has(id));
        if (missing.length === 0) return;
        const rows = await tx.taskInstance.findMany({ where: { dagRunId, tenantId, taskId: { in: missing } } });
        for (const row of rows) states.set(row.taskId, row);
      };
      let candidates: string[];
      if (finishedTaskIds) {
        candidates = [...new Set(finishedTaskIds.flatMap((id) => graph.downstream.get(id) ?? []))];
      } else {
        const all = await tx.taskInstance.findMany({ where: { dagRunId, tenantId } });
        for (const row of all) states.set(row.taskId, row);
        candidates = all.filter((t) => t.state === 'none').map((t) => t.taskId);
      }

      // Trigger rules to a fixpoint: a task skipped or upstream_failed makes its downstream candidates.
      while (candidates.length > 0) {
        await load(candidates.flatMap((id) => [id, ...(graph.tasks.get(id)?.dependsOn ?? [])]));
        const decided = new Map<TaskState, string[]>();
        for (const taskId of candidates) {
          const task = graph.tasks.get(taskId);
          const ti = states.get(taskId);
          if (!task || !ti || ti.state !== 'none') continue;
          const upstream = task.dependsOn.map((id) => (states.get(id)?.state ?? 'removed') as TaskState);
          const verdict = evaluateTriggerRule(task.triggerRule, upstream);
          if (verdict === 'wait') continue;
          const next: TaskState = verdict === 'ready' ? 'scheduled' : verdict === 'skip' ? 'skipped' : 'upstream_failed';
          decided.set(next, [...(decided.get(next) ?? []), ti.id]);
        }
        const next: string[] = [];
        for (const [state, ids] of decided) {
          const moved = await tx.taskInstance.updateManyAndReturn({
            where: { id: { in: ids }, state: 'none' },
            data: { state, ...(isFinished(state) ? { endedAt: now } : {}) },
          });
          for (const m of moved) {
            states.set(m.taskId, m);
            events.push(taskEvent(m));
            if (isFinished(state)) next.push(...(graph.downstream.get(m.taskId) ?? []));
          }
        }
        candidates = [...new Set(next)];
      }

      const { queued, tenantDepth } = await this.queueScheduled(tx, run, spec, graph, now);
      queued.forEach((ti, i) => {
        events.push(taskEvent(ti));
        jobs.push({
          payload: { tenantId, dagRunId, taskInstanceId: ti.id, tryNumber: ti.tryNumber + 1 },
          priority: fairPriority({ tenantDepth: tenantDepth + i, backfill: run.backfillId !== null, repoke: ti.rescheduleCount > 0 }),
        });
      });

      // The outcome, once nothing is left to do: decided by the leaves.
      const unfinished = await tx.taskInstance.count({ where: { dagRunId, tenantId, state: { notIn: [...FINISHED_TASK_STATES] } } });
      if (unfinished > 0) return;
      const leaves = await tx.taskInstance.findMany({ where: { dagRunId, tenantId, taskId: { in: graph.leaves } }, select: { taskId: true, state: true } });
      const outcome = decideRunState(
        leaves.map((t) => ({ taskId: t.taskId, state: t.state as TaskState })),
        graph.leaves,
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

  /**
   * Queues the run's scheduled tasks, highest priority weight first, within maxActiveTasks, the
   * tenant's quota (and the backfill lane's half of it) and pool slots — one batched
   * compare-and-set. Returns them with the tenant's backlog depth for fair priorities.
   */
  private async queueScheduled(tx: Tx, run: DagRun, spec: DagSpec, graph: RunGraph, now: Date): Promise<{ queued: TaskInstance[]; tenantDepth: number }> {
    const hasScheduled = await tx.taskInstance.findFirst({ where: { dagRunId: run.id, tenantId: run.tenantId, state: 'scheduled' }, select: { id: true } });
    if (!hasScheduled) return { queued: [], tenantDepth: 0 };
    // The tenant's quota and pools span its DAGs: evaluations of two DAGs of one tenant must not
    // both see the last free slot. (Lock order is always DAG, then tenant: no deadlock.)
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`tenant:${run.tenantId}`}))`;
    const [activeInDag, activeInTenant, tenant] = await Promise.all([
      tx.taskInstance.count({ where: { tenantId: run.tenantId, dagId: run.dagId, state: { in: ACTIVE_TASK_STATES } } }),
      tx.taskInstance.count({ where: { tenantId: run.tenantId, state: { in: ACTIVE_TASK_STATES } } }),
      tx.tenant.findUniqueOrThrow({ where: { id: run.tenantId }, select: { concurrencyQuota: true } }),
    ]);
    let capacity = Math.min(spec.maxActiveTasks - activeInDag, tenant.concurrencyQuota - activeInTenant);
    if (capacity > 0 && run.backfillId) {
      // The backfill lane may use at most half of the tenant's quota: regular runs always find room.
      const activeBackfill = await tx.taskInstance.count({
        where: { tenantId: run.tenantId, state: { in: ACTIVE_TASK_STATES }, dagRun: { backfillId: { not: null } } },
      });
      capacity = Math.min(capacity, Math.ceil(tenant.concurrencyQuota / 2) - activeBackfill);
    }
    if (capacity <= 0) return { queued: [], tenantDepth: activeInTenant };

    // Pools: slots per tenant, shared by every DAG of the tenant that names the pool.
    const [pools, poolUse] = await Promise.all([
      tx.pool.findMany({ where: { tenantId: run.tenantId, name: { in: graph.pools } }, select: { name: true, slots: true } }),
      tx.taskInstance.groupBy({ by: ['pool'], where: { tenantId: run.tenantId, pool: { in: graph.pools }, state: { in: ACTIVE_TASK_STATES } }, _count: true }),
    ]);
    const poolFree = new Map<string, number>();
    for (const name of graph.pools) {
      const slots = pools.find((p) => p.name === name)?.slots ?? (name === 'default' ? DEFAULT_POOL_SLOTS : 0);
      poolFree.set(name, slots - (poolUse.find((u) => u.pool === name)?._count ?? 0));
    }
    const open = graph.pools.filter((name) => poolFree.get(name)! > 0);
    if (open.length === 0) return { queued: [], tenantDepth: activeInTenant };
    const scheduled = await tx.taskInstance.findMany({
      where: { dagRunId: run.id, tenantId: run.tenantId, state: 'scheduled', pool: { in: open } },
      orderBy: [{ priorityWeight: 'desc' }, { taskId: 'asc' }],
      take: Math.min(capacity * (open.length > 1 ? 4 : 1), 5000),
      select: { id: true, pool: true },
    });
    const picked: string[] = [];
    for (const ti of scheduled) {
      if (picked.length >= capacity) break;
      if (poolFree.get(ti.pool)! <= 0) continue;
      picked.push(ti.id);
      poolFree.set(ti.pool, poolFree.get(ti.pool)! - 1);
    }
    if (picked.length === 0) return { queued: [], tenantDepth: activeInTenant };
    const moved = await tx.taskInstance.updateManyAndReturn({ where: { id: { in: picked }, state: 'scheduled' }, data: { state: 'queued', queuedAt: now } });
    // Keep the priority-weight order in which they were picked.
    const order = new Map(picked.map((id, i) => [id, i]));
    moved.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    return { queued: moved, tenantDepth: activeInTenant };
  }
}

/** What evaluation needs of a spec's graph, computed once per spec object. */
interface RunGraph {
  tasks: Map<string, DagSpec['tasks'][number]>;
  downstream: Map<string, string[]>;
  leaves: string[];
  pools: string[];
}

const graphs = new WeakMap<DagSpec, RunGraph>();

function graphOf(spec: DagSpec): RunGraph {
  let graph = graphs.get(spec);
  if (!graph) {
    const downstream = new Map<string, string[]>(spec.tasks.map((t) => [t.taskId, []]));
    for (const t of spec.tasks) for (const dep of new Set(t.dependsOn)) downstream.get(dep)?.push(t.taskId);
    graph = {
      tasks: new Map(spec.tasks.map((t) => [t.taskId, t])),
      downstream,
      leaves: leafTaskIds(spec),
      pools: [...new Set(spec.tasks.map((t) => t.pool))],
    };
    graphs.set(spec, graph);
  }
  return graph;
}
