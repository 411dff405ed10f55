import {
  canRunTransition,
  canTransition,
  downstreamOf,
  runTimeoutAt,
  transition,
  TowerError,
  type DagSpec,
  type RunState,
  type TaskEffect,
  type TaskState,
} from '@tower/core';
import { asSystem, sqlOf, type DagRun, type Sql, type SqlQuery, type TaskInstance } from '@tower/db';
import type { TowerEvent } from '@tower/events';
import { publishCommitted, type EngineDeps } from './deps.js';
import type { RunLifecycle } from './run-lifecycle.js';
import type { RunService } from './run-service.js';
import { runEvent, taskEvent, tryStops } from './snapshots.js';
import type { SpecCache } from './spec-cache.js';
import { journaled, runEntering } from './state-sql.js';

export interface ClearOptions {
  taskIds: string[];
  includeDownstream: boolean;
  onlyFailed: boolean;
}

const FAILED_STATES: TaskState[] = ['failed', 'upstream_failed'];

const hasEffect = (effects: readonly TaskEffect[], type: TaskEffect['type']) => effects.some((e) => e.type === type);

/**
 * The operators' compare-and-sets, each on the state the row was read in (core validated the
 * transition from it) and journaled. A cleared instance that starts over (`none`) forgets its
 * last try's times and sensor progress.
 */
const CLEAR_TASK = journaled(
  'task',
  `UPDATE "TaskInstance" SET state = $4::"TaskState", "maxTries" = $5, "updatedAt" = $6,
     "startedAt" = CASE WHEN $7 THEN NULL ELSE "startedAt" END, "endedAt" = CASE WHEN $7 THEN NULL ELSE "endedAt" END,
     "queuedAt" = CASE WHEN $7 THEN NULL ELSE "queuedAt" END, "nextAttemptAt" = CASE WHEN $7 THEN NULL ELSE "nextAttemptAt" END,
     "rescheduleCount" = CASE WHEN $7 THEN 0 ELSE "rescheduleCount" END, "sensorStartedAt" = CASE WHEN $7 THEN NULL ELSE "sensorStartedAt" END
   WHERE id = $1 AND state = $2::"TaskState" AND "tryNumber" = $3 RETURNING *`,
  'clear',
);
const MARK_TASK = journaled(
  'task',
  `UPDATE "TaskInstance" SET state = $4::"TaskState", "endedAt" = $5, "nextAttemptAt" = NULL, "heartbeatAt" = NULL, "updatedAt" = $5
   WHERE id = $1 AND state = $2::"TaskState" AND "tryNumber" = $3 RETURNING *`,
  'mark',
);
const REOPEN_RUN = journaled(
  'run',
  `UPDATE "DagRun" SET state = ${runEntering('reopen')}, "endedAt" = NULL, "timeoutAt" = $4, "updatedAt" = $3
   WHERE id = $1 AND state = $2::"RunState" RETURNING *`,
  'reopen',
);

/** The run, locked: an operation locks its run before its tasks (as stopRun does; finishing a run locks it too). */
const LOCK_RUN = `SELECT * FROM "DagRun" WHERE id = $1 FOR UPDATE`;

/**
 * A finished run whose task a user cleared or marked runs again (core's run "reopen"), with its
 * dagRunTimeoutSeconds counted afresh; a queued or running run is left as it is. `run` was read
 * locked in the caller's transaction, so a run finishing meanwhile is seen finished.
 */
async function reopen(q: SqlQuery, run: DagRun, by: 'clear' | 'mark', spec: DagSpec, now: Date): Promise<DagRun | null> {
  if (!canRunTransition(run.state as RunState, { type: 'reopen', by })) return null;
  const [reopened] = await q<DagRun>(REOPEN_RUN, [run.id, run.state, now, runTimeoutAt(spec, now)]);
  return reopened ?? null;
}

/**
 * Operator actions on runs, as in Airflow's UI: clear, mark, cancel. Each change is a
 * compare-and-set; a running try that is moved away is stopped by its worker, which watches
 * its tries' state (a notice on the try-stops channel, and its heartbeat as the fallback).
 */
export class RunOperations {
  constructor(
    private readonly deps: EngineDeps,
    private readonly specs: SpecCache,
    private readonly lifecycle: RunLifecycle,
    private readonly runs: RunService,
  ) {
    this.sql = sqlOf(deps.prisma);
  }

  private readonly sql: Sql;

  /**
   * Clears task instances so they run again with a new try number (and the full retry budget);
   * the run goes back to running. A running try is asked to stop and restarts.
   */
  async clearTaskInstances(tenantId: string, runId: string, opts: ClearOptions): Promise<TaskInstance[]> {
    const run = await this.runs.get(tenantId, runId);
    const spec = await this.specs.get(tenantId, run.dagVersionId);
    const known = new Set(spec.tasks.map((t) => t.taskId));
    opts.taskIds.forEach((id, i) => {
      if (!known.has(id)) throw new TowerError('BAD_USER_INPUT', `run ${run.runId} has no task "${id}"`, { path: `taskIds[${i}]` });
    });
    const targets = new Set(opts.taskIds.length ? opts.taskIds : [...known]);
    if (opts.includeDownstream) for (const id of [...targets]) for (const d of downstreamOf(spec, id, true)) targets.add(d);

    const events: TowerEvent[] = [];
    const cleared: TaskInstance[] = [];
    const stopping: TaskInstance[] = [];
    const now = this.deps.clock();
    await this.sql.transaction(async ({ query: q }) => {
      const [locked] = await q<DagRun>(LOCK_RUN, [run.id]);
      const tis = await q<TaskInstance>(`SELECT * FROM "TaskInstance" WHERE "tenantId" = $1 AND "dagRunId" = $2 AND "taskId" = ANY($3::text[]) ORDER BY id`, [
        tenantId,
        run.id,
        [...targets],
      ]);
      for (const ti of tis) {
        const state = ti.state as TaskState;
        if (opts.onlyFailed && !FAILED_STATES.includes(state)) continue;
        // What may be cleared is core's rule (a task not yet run has nothing to clear).
        if (!canTransition(state, { type: 'clear' })) continue;
        // Core's effects say what the change does beyond the state: a reset try starts over, a
        // stopped one is told to its worker.
        const { next, effects } = transition(state, { type: 'clear' });
        const task = spec.tasks.find((t) => t.taskId === ti.taskId)!;
        const startsOver = hasEffect(effects, 'resetTry');
        const [moved] = await q<TaskInstance>(CLEAR_TASK, [ti.id, state, ti.tryNumber, next, ti.tryNumber + task.retries + 1, now, startsOver]);
        if (moved) {
          cleared.push(moved);
          if (hasEffect(effects, 'stopTry')) stopping.push(moved);
          events.push(taskEvent(moved));
        }
      }
      if (cleared.length) {
        const reopened = await reopen(q, locked, 'clear', spec, now);
        if (reopened) events.push(runEvent(reopened));
      }
    });
    // Committed: what follows is best-effort (the scheduler's sweeps evaluate a run left behind).
    await publishCommitted(this.deps, events, 'clear', tryStops(stopping));
    await this.evaluateCommitted(tenantId, run.id, 'clear');
    return cleared;
  }

  /** Marks a task instance success or failed (stopping a running try); downstream follows trigger rules. */
  async markTaskInstance(tenantId: string, taskInstanceId: string, state: 'success' | 'failed'): Promise<TaskInstance> {
    const ti = await this.runs.taskInstance(tenantId, taskInstanceId);
    const { next, effects } = transition(ti.state as TaskState, { type: 'mark', state });
    // The spec is read before the run is locked: a run's version never changes.
    const spec = await this.specs.get(tenantId, (await this.runs.get(tenantId, ti.dagRunId)).dagVersionId);
    const now = this.deps.clock();
    const events: TowerEvent[] = [];
    const moved = await this.sql.transaction(async ({ query: q }) => {
      const [run] = await q<DagRun>(LOCK_RUN, [ti.dagRunId]);
      const [m] = await q<TaskInstance>(MARK_TASK, [ti.id, ti.state, ti.tryNumber, next, now]);
      if (!m) throw new TowerError('CONFLICT', `task instance ${ti.taskId} changed state meanwhile; retry`);
      events.push(taskEvent(m));
      const reopened = await reopen(q, run, 'mark', spec, now);
      if (reopened) events.push(runEvent(reopened));
      return m;
    });
    await publishCommitted(this.deps, events, 'mark', tryStops(hasEffect(effects, 'stopTry') ? [moved] : []));
    await this.evaluateCommitted(tenantId, moved.dagRunId, 'mark');
    return moved;
  }

  /**
   * Evaluates a run after an operator's committed change. A failure is logged, not thrown: the
   * change stands, and the scheduler's stalled- and waiting-run sweeps evaluate the run again.
   */
  private async evaluateCommitted(tenantId: string, dagRunId: string, what: string): Promise<void> {
    // The scheduler's work, done here at once: as the engine does (docs/database.md, "Row-level security").
    await asSystem(() => this.lifecycle.evaluateRun(tenantId, dagRunId)).catch((err: unknown) =>
      this.deps.logger.warn({ err, tenantId, dagRunId }, `evaluating the run after ${what} failed; the scheduler's sweeps evaluate it again`),
    );
  }

  /** Cancels a queued or running run: unfinished tasks are skipped and running tries stopped. */
  async cancelDagRun(tenantId: string, runId: string): Promise<DagRun> {
    const run = await this.runs.get(tenantId, runId);
    const canceled = await this.lifecycle.stopRun(tenantId, run.id, 'canceled', 'canceled by a user');
    if (!canceled) throw new TowerError('CONFLICT', `run ${run.runId} is already ${run.state}`);
    return canceled;
  }
}
