import { decideRunState, FINISHED_TASK_STATES, isFinished, runEventTarget, type TaskState } from '@tower/core';
import { sqlLiteral, sqlOf, type DagRun, type Sql, type TaskInstance } from '@tower/db';
import { compareIds } from './lock-order.js';
import type { TowerEvent } from '@tower/events';
import { publishCommitted, type EngineDeps } from './deps.js';
import type { RunContext } from './evaluation-context.js';
import { runEvent, taskEvent, tryStops } from './snapshots.js';
import { journaled, runEntering, runLeaving, taskLeaving, taskStateIn, taskTransitionCase } from './state-sql.js';

/** The cancel transition of every state it may leave, as a CASE over the row's state (core decides). */
const CANCEL_TO_SQL = taskTransitionCase('t.state', 'cancel');

/** The runs whose leaves decided, journaled. */
const FINISH_RUNS = journaled(
  'run',
  `UPDATE "DagRun" r SET state = v.state::"RunState", "endedAt" = $3, "updatedAt" = $3
   FROM unnest($1::uuid[], $2::text[]) AS v(id, state)
   WHERE r.id = v.id AND ${runLeaving('r.state', 'finish')}
     -- still nothing left to do: a clear committed since the leaves were read has its way
     AND NOT EXISTS (SELECT 1 FROM "TaskInstance" t WHERE t."dagRunId" = r.id AND NOT (${taskStateIn('t.state', FINISHED_TASK_STATES, { text: true })}))
   RETURNING r.*`,
  'finish',
);

/** Ends a run as canceled or failed (timeout): a compare-and-set per event, from core's run state machine. */
const STOP_RUN = Object.fromEntries(
  (['cancel', 'timeout'] as const).map((event) => [
    runEventTarget(event),
    journaled(
      'run',
      `UPDATE "DagRun" SET state = ${runEntering(event)}, "endedAt" = $3, "updatedAt" = $3
       WHERE id = $1 AND "tenantId" = $2 AND ${runLeaving('state', event)} RETURNING *`,
      event,
    ),
  ]),
) as Record<'canceled' | 'failed', string>;

/**
 * A stopped run's unfinished tasks ($1, tenant $2, at $3), locked in id order first (lock-order.ts:
 * a worker's end batch may hold some of them; the lock re-checks a row changed meanwhile and leaves
 * it out if it finished). Each row's new state is core's cancel of its state as locked, so the
 * statement is a compare-and-set per row.
 */
const STOP_TASKS = journaled(
  'task',
  `UPDATE "TaskInstance" t
   SET state = (${CANCEL_TO_SQL})::"TaskState", "endedAt" = $3, "nextAttemptAt" = NULL, "heartbeatAt" = NULL, "updatedAt" = $3
   WHERE t.id IN (SELECT l.id FROM "TaskInstance" l
                  WHERE l."dagRunId" = $1 AND l."tenantId" = $2 AND ${taskLeaving('l.state', 'cancel', { text: true })}
                  ORDER BY l.id FOR UPDATE)
   RETURNING t.*`,
  'cancel',
);

/**
 * The outcome of the evaluated runs with nothing left to do, decided by their leaves
 * (decideRunState), written as one compare-and-set: the runs that finished. Known without a query
 * for whole-run evaluations (every state is loaded) and for runs the evaluation left alone.
 */
export async function finishDoneRuns(sql: Sql, ctx: Map<string, RunContext>, queuedRuns: ReadonlySet<string>, now: Date): Promise<DagRun[]> {
  const finishedRuns: DagRun[] = [];
  const done: Array<{ id: string }> = [];
  const toCheck: string[] = [];
  for (const c of ctx.values()) {
    if (queuedRuns.has(c.run.id) || c.changed.has('scheduled')) continue;
    if (c.full) {
      if ([...c.states.values()].every((t) => isFinished(t.state as TaskState))) done.push({ id: c.run.id });
    } else if (c.changed.size === 0) {
      if (c.allFinished) done.push({ id: c.run.id });
    } else toCheck.push(c.run.id);
  }
  if (toCheck.length) {
    done.push(
      ...(await sql.query<{ id: string }>(
        `SELECT r.id FROM unnest($1::uuid[]) AS r(id)
         WHERE NOT EXISTS (SELECT 1 FROM "TaskInstance" t WHERE t."dagRunId" = r.id AND NOT (t.state::text = ANY($2::text[])))`,
        [toCheck, [...FINISHED_TASK_STATES]],
      )),
    );
  }
  if (done.length) {
    const doneIds = done.map((d) => d.id);
    const leaves = await sql.query<{ dagRunId: string; taskId: string; state: string }>(
      `SELECT "dagRunId", "taskId", state FROM "TaskInstance" WHERE "dagRunId" = ANY($1::uuid[]) AND "taskId" = ANY($2::text[])`,
      [doneIds, [...new Set(doneIds.flatMap((id) => ctx.get(id)!.graph.leaves))]],
    );
    const outcomes: Array<{ id: string; state: string }> = [];
    for (const id of doneIds) {
      const { graph } = ctx.get(id)!;
      const outcome = decideRunState(
        leaves.filter((l) => l.dagRunId === id && graph.leaves.includes(l.taskId)).map((l) => ({ taskId: l.taskId, state: l.state as TaskState })),
        graph.leaves,
      );
      if (outcome) outcomes.push({ id, state: outcome });
    }
    if (outcomes.length) {
      // The runs are locked first (in id order, with BEGIN), so the finish's check of their tasks
      // is a statement that starts after any clear or mark holding them has committed: one that
      // reset a task is seen, and the run stays running for it.
      outcomes.sort((a, b) => compareIds(a.id, b.id));
      const ids = outcomes.map((o) => o.id);
      const finished = await sql.transaction(({ commitWith }) => commitWith<DagRun>(FINISH_RUNS, [ids, outcomes.map((o) => o.state), now]), {
        first: `SELECT id FROM "DagRun" WHERE id = ANY(ARRAY[${ids.map(sqlLiteral).join(', ')}]::uuid[]) ORDER BY id FOR UPDATE`,
      });
      finishedRuns.push(...finished);
    }
  }
  return finishedRuns;
}

/** Stopping runs before their tasks decide: cancelDagRun, a backfill's cancel, dagRunTimeoutSeconds. */
export class RunStops {
  private readonly sql: Sql;

  constructor(private readonly deps: EngineDeps) {
    this.sql = sqlOf(deps.prisma);
  }

  /**
   * Ends a queued or running run as `canceled` (cancelDagRun) or `failed` (dagRunTimeoutSeconds):
   * unfinished tasks are skipped, running tries are stopped by their workers on the events. Null
   * when the run had already finished (compare-and-set). Its place is not given to the next queued
   * run here: RunLifecycle.stopRun does that.
   */
  async stopRun(tenantId: string, runId: string, state: 'canceled' | 'failed', reason: string): Promise<DagRun | null> {
    const now = this.deps.clock();
    const events: TowerEvent[] = [];
    let moved: TaskInstance[] = [];
    const stopped = await this.sql.transaction(async ({ query: q }) => {
      const [run] = await q<DagRun>(STOP_RUN[state], [runId, tenantId, now]);
      if (!run) return null;
      events.push(runEvent(run));
      moved = await q<TaskInstance>(STOP_TASKS, [run.id, tenantId, now]);
      events.push(...moved.map(taskEvent));
      return run;
    });
    if (!stopped) return null;
    await publishCommitted(this.deps, events, state === 'canceled' ? 'cancel' : 'run timeout', tryStops(moved));
    this.deps.logger.info({ tenantId, dagId: stopped.dagId, runId: stopped.runId, state, reason }, 'dag run stopped');
    return stopped;
  }
}
