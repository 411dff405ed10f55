import { fairPriority, FINISHED_TASK_STATES, laneOf, evaluateTriggerRule, isFinished, type TaskState } from '@tower/core';
import { sqlOf, type DagRun, type Sql, type TaskInstance } from '@tower/db';
import type { TowerEvent } from '@tower/events';
import type { JobPayload, TaskLane } from '@tower/queue';
import { traceEnqueue } from '@tower/telemetry';
import { publishCommitted, type EngineDeps } from './deps.js';
import { graphOf, type RunContext } from './evaluation-context.js';
import { compareIds } from './lock-order.js';
import { finishDoneRuns } from './run-outcome.js';
import { runEvent, taskEvent } from './snapshots.js';
import type { SpecCache } from './spec-cache.js';
import { journaled, runStateIn, taskEventByTarget, taskLeaving, taskStateIn } from './state-sql.js';
import { queueScheduled } from './task-queueing.js';

/** Trigger rules decide among these for a task awaiting its upstream. */
const DECISIONS = ['schedule', 'skip', 'upstream_failed'] as const;

/** The decisions of one round, one compare-and-set for all of them, journaled with the event each row took. */
const DECIDE_SQL = journaled(
  'task',
  `UPDATE "TaskInstance" t
   SET state = v.state::"TaskState", "endedAt" = CASE WHEN v.finished THEN $3 ELSE t."endedAt" END, "updatedAt" = $3
   FROM unnest($1::uuid[], $2::text[], $4::bool[]) AS v(id, state, finished)
   WHERE t.id = v.id AND ${taskLeaving('t.state', DECISIONS)}
   RETURNING t.*`,
  { sql: taskEventByTarget('j.state', 'none', DECISIONS) },
);

/**
 * The running runs asked for, each with what its evaluation may skip: whether it holds scheduled
 * tasks, whether its tenant has a backlog, whether every task is finished ($2: the finished states).
 */
const RUNS_TO_EVALUATE = `SELECT r.*,
         EXISTS (SELECT 1 FROM "TaskInstance" t WHERE t."dagRunId" = r.id AND ${taskStateIn('t.state', ['scheduled'], { text: true })}) AS "hasScheduled",
         EXISTS (SELECT 1 FROM "TaskInstance" t WHERE t."tenantId" = r."tenantId" AND ${taskStateIn('t.state', ['scheduled'])}) AS "tenantBacklog",
         NOT EXISTS (SELECT 1 FROM "TaskInstance" t WHERE t."dagRunId" = r.id AND NOT (t.state::text = ANY($2::text[]))) AS "allFinished"
  FROM "DagRun" r WHERE r.id = ANY($1::uuid[]) AND ${runStateIn('r.state', ['running'], { text: true })}`;

export interface EvaluationRequest {
  tenantId: string;
  dagRunId: string;
  /** Tasks that just finished (only their downstream is looked at); absent: the whole run. */
  finishedTaskIds?: readonly string[];
}

/**
 * Evaluating running runs: trigger rules to a fixpoint, queueing what is ready within the DAG's
 * and tenant's limits (task-queueing.ts), and the outcome of runs with nothing left to do
 * (run-outcome.ts).
 */
export class RunEvaluation {
  private readonly sql: Sql;

  constructor(
    private readonly deps: EngineDeps,
    private readonly specs: SpecCache,
  ) {
    this.sql = sqlOf(deps.prisma);
  }

  /**
   * Evaluates many runs at once, set-based: a handful of statements for a whole batch of
   * finished tasks, whatever their runs. No lock is taken for the trigger rules: every change is
   * a compare-and-set committed at once, evaluation starts after the finished tasks were
   * committed, and each round decides on fresh reads of every state not already seen finished —
   * so whichever evaluation changes a task last re-reads its downstream's upstream afterwards,
   * and a downstream task is not left waiting. Queueing takes the tenant's lock (quota, pools,
   * maxActiveTasks). A failed evaluation is caught up by the scheduler's sweeps. Returns the DAGs
   * whose runs finished (their next queued runs may start).
   */
  async evaluate(
    requests: readonly EvaluationRequest[],
    /** Runs this process just started, with every task as committed: nothing to read for them. */
    justStarted?: Array<{ run: DagRun; tasks: TaskInstance[] }>,
  ): Promise<Array<{ tenantId: string; dagPk: string }>> {
    const knownTasks = new Map(justStarted?.map((s) => [s.run.id, s.tasks]));
    const wanted = new Map<string, { tenantId: string; full: boolean; finished: Set<string> }>();
    for (const r of requests) {
      const w = wanted.get(r.dagRunId) ?? { tenantId: r.tenantId, full: false, finished: new Set<string>() };
      if (!r.finishedTaskIds) w.full = true;
      else for (const id of r.finishedTaskIds) w.finished.add(id);
      wanted.set(r.dagRunId, w);
    }
    // In the callers' order (oldest run first, as startQueuedRuns passes them): queueing keeps it.
    const order = new Map([...wanted.keys()].map((id, i) => [id, i]));
    // With each run, what its evaluation may skip: whether it already holds scheduled tasks (else
    // nothing but what this pass schedules can be queued) and whether every task is finished.
    const runs = (
      justStarted?.map(({ run }) => ({ run, hasScheduled: false, allFinished: false, tenantBacklog: false })) ??
      (
        await this.sql.query<DagRun & { hasScheduled: boolean; allFinished: boolean; tenantBacklog: boolean }>(RUNS_TO_EVALUATE, [
          [...wanted.keys()],
          [...FINISHED_TASK_STATES],
        ])
      ).map(({ hasScheduled, allFinished, tenantBacklog, ...run }) => ({ run: run as DagRun, hasScheduled, allFinished, tenantBacklog }))
    )
      .filter((r) => r.run.tenantId === wanted.get(r.run.id)!.tenantId)
      .sort((a, b) => order.get(a.run.id)! - order.get(b.run.id)!);
    if (runs.length === 0) return [];
    const now = this.deps.clock();
    const events: TowerEvent[] = [];
    const jobs: Array<{ payload: JobPayload<'runTask'>; priority?: number; lane: TaskLane }> = [];
    const ctx = new Map<string, RunContext>();
    const backlogTenants = new Set(runs.filter((r) => r.tenantBacklog).map((r) => r.run.tenantId));
    for (const { run, hasScheduled, allFinished } of runs) {
      const spec = await this.specs.get(run.tenantId, run.dagVersionId);
      ctx.set(run.id, {
        run,
        spec,
        graph: graphOf(spec),
        states: new Map(),
        fresh: new Set(),
        full: wanted.get(run.id)!.full,
        hasScheduled,
        allFinished,
        changed: new Set(),
      });
    }

    // 1. Trigger rules to a fixpoint: a task skipped or upstream_failed makes its downstream candidates.
    let candidates = new Map<string, string[]>();
    const fullRuns = runs.filter((r) => wanted.get(r.run.id)!.full).map((r) => r.run.id);
    if (fullRuns.length) {
      const toRead = fullRuns.filter((id) => !knownTasks.has(id));
      const read = toRead.length ? await this.sql.query<TaskInstance>(`SELECT * FROM "TaskInstance" WHERE "dagRunId" = ANY($1::uuid[])`, [toRead]) : [];
      const all = [...read, ...fullRuns.flatMap((id) => knownTasks.get(id) ?? [])];
      for (const ti of all) {
        const c = ctx.get(ti.dagRunId)!;
        c.states.set(ti.taskId, ti);
        c.fresh.add(ti.taskId);
      }
      for (const id of fullRuns) {
        candidates.set(
          id,
          [...ctx.get(id)!.states.values()].filter((t) => t.state === 'none').map((t) => t.taskId),
        );
      }
    }
    for (const { run } of runs) {
      const w = wanted.get(run.id)!;
      if (w.full || w.finished.size === 0) continue;
      const { graph } = ctx.get(run.id)!;
      candidates.set(run.id, [...new Set([...w.finished].flatMap((id) => graph.downstream.get(id) ?? []))]);
    }
    while ([...candidates.values()].some((c) => c.length > 0)) {
      await this.loadStates(ctx, candidates);
      // What this round read is fresh for this round only.
      for (const c of ctx.values()) c.fresh.clear();
      const decisions: Array<{ id: string; state: TaskState }> = [];
      for (const [runId, ids] of candidates) {
        const { graph, states } = ctx.get(runId)!;
        for (const taskId of ids) {
          const task = graph.tasks.get(taskId);
          const ti = states.get(taskId);
          if (!task || !ti || ti.state !== 'none') continue;
          const upstream = task.dependsOn.map((id) => (states.get(id)?.state ?? 'removed') as TaskState);
          const verdict = evaluateTriggerRule(task.triggerRule, upstream);
          if (verdict === 'wait') continue;
          decisions.push({ id: ti.id, state: verdict === 'ready' ? 'scheduled' : verdict === 'skip' ? 'skipped' : 'upstream_failed' });
        }
      }
      const next = new Map<string, string[]>();
      if (decisions.length) {
        // Rows are locked in id order (lock-order.ts): two evaluations of one run (two upstream
        // tasks ending on two workers) then queue on the same first row instead of deadlocking.
        decisions.sort((a, b) => compareIds(a.id, b.id));
        const moved = await this.sql.query<TaskInstance>(DECIDE_SQL, [
          decisions.map((d) => d.id),
          decisions.map((d) => d.state),
          now,
          decisions.map((d) => isFinished(d.state)),
        ]);
        for (const m of moved) {
          const c = ctx.get(m.dagRunId)!;
          c.states.set(m.taskId, m);
          c.changed.add(m.state as TaskState);
          events.push(taskEvent(m));
          if (isFinished(m.state as TaskState)) next.set(m.dagRunId, [...(next.get(m.dagRunId) ?? []), ...(c.graph.downstream.get(m.taskId) ?? [])]);
        }
      }
      candidates = new Map([...next].map(([runId, ids]) => [runId, [...new Set(ids)]]));
    }

    // 2. Queue what is scheduled, per tenant, within the DAGs' and the tenant's limits.
    const queuedRuns = new Set<string>();
    const tenants = new Map<string, RunContext[]>();
    for (const c of ctx.values()) tenants.set(c.run.tenantId, [...(tenants.get(c.run.tenantId) ?? []), c]);
    for (const [tenantId, all] of tenants) {
      // Queueing is needed where these runs hold scheduled tasks, or where the tenant has a backlog
      // elsewhere that capacity freed by these runs' finished tasks can now take.
      const schedules = all.some((c) => c.full || c.hasScheduled || c.changed.has('scheduled'));
      if (!schedules && !backlogTenants.has(tenantId)) continue;
      const { queued, tenantDepth, backlog } = await queueScheduled(this.sql, tenantId, all, now, this.specs);
      queued.forEach((ti, i) => {
        const { backfill, ...instance } = ti;
        queuedRuns.add(ti.dagRunId);
        events.push(taskEvent(instance));
        jobs.push({
          payload: { tenantId, dagRunId: ti.dagRunId, taskInstanceId: ti.id, tryNumber: ti.tryNumber + 1 },
          priority: fairPriority({ tenantDepth: tenantDepth + i, backfill, repoke: ti.rescheduleCount > 0 }),
          lane: laneOf({ backlog, backfill }),
        });
      });
    }

    // The jobs go out as soon as their tasks are committed `queued`, before any run's outcome.
    // Redis is transport: jobs a failed enqueue lost (Redis down, or hung past the command
    // timeout) are enqueued again by the requeue sweep, so the failure must not stop the outcomes
    // and events below — thrown, it left finished runs running until the stalled-run sweep.
    await traceEnqueue(jobs, (traced) => this.deps.queue.enqueueRunTasks(traced)).catch((err: unknown) =>
      this.deps.logger.warn({ err, jobs: jobs.length }, 'enqueueing queued tasks failed; the requeue sweep enqueues them again'),
    );
    // 3. The outcome of runs with nothing left to do, decided by their leaves.
    const finishedRuns = await finishDoneRuns(this.sql, ctx, queuedRuns, now);
    events.push(...finishedRuns.map(runEvent));

    // Everything above is committed: its events are best-effort, as those of claims and ends.
    await publishCommitted(this.deps, events, 'evaluation');
    const restart = new Map<string, string>();
    for (const run of finishedRuns) {
      this.deps.logger.info({ tenantId: run.tenantId, dagId: run.dagId, runId: run.runId, state: run.state }, 'dag run finished');
      restart.set(run.dagPk, run.tenantId);
    }
    return [...restart].map(([dagPk, tenantId]) => ({ tenantId, dagPk }));
  }

  /**
   * Loads the task instances (candidates and their upstream) that this round needs and evaluation
   * has not seen finished: a state read as unfinished may have changed since (another worker's end,
   * another evaluation), and each round must decide on fresh reads — that is what makes evaluation
   * safe without a lock (whoever changes a task last re-reads its downstream's upstream after).
   */
  private async loadStates(ctx: Map<string, RunContext>, candidates: Map<string, string[]>): Promise<void> {
    const runIds: string[] = [];
    const taskIds = new Set<string>();
    for (const [runId, ids] of candidates) {
      const { graph, states, fresh } = ctx.get(runId)!;
      const stale = (id: string) => {
        const ti = states.get(id);
        return !ti || (!isFinished(ti.state as TaskState) && !fresh.has(id));
      };
      const missing = ids.flatMap((id) => [id, ...(graph.tasks.get(id)?.dependsOn ?? [])]).filter(stale);
      if (missing.length === 0) continue;
      runIds.push(runId);
      for (const id of missing) taskIds.add(id);
    }
    if (runIds.length === 0) return;
    const rows = await this.sql.query<TaskInstance>(`SELECT * FROM "TaskInstance" WHERE "dagRunId" = ANY($1::uuid[]) AND "taskId" = ANY($2::text[])`, [
      runIds,
      [...taskIds],
    ]);
    for (const row of rows) {
      const c = ctx.get(row.dagRunId)!;
      c.states.set(row.taskId, row);
      c.fresh.add(row.taskId);
    }
  }
}
