import { isFinished, transition, type DagSpec, type TaskSpec, type TaskState } from '@tower/core';
import type { DagRun, TaskInstance } from '@tower/db';
import type { JobPayload } from '@tower/queue';
import { dagRunFromJson, GroupCommit, sqlOf, type Sql, type SqlQuery } from '@tower/db';
import { publishCommitted, type EngineDeps } from './deps.js';

import { compareIds } from './lock-order.js';
import { decideFailedTry } from './retry-decision.js';
import type { EvaluationRequest, RunLifecycle } from './run-lifecycle.js';
import { taskEvent } from './snapshots.js';
import type { SpecCache } from './spec-cache.js';
import { CLAIM_TRIES, CLOSE_MOVED_ON, END_TRIES, endEvent, HEARTBEAT, type TryOutcome } from './try-statements.js';

export const XCOM_MAX_BYTES = 64 * 1024;

interface ClaimItem {
  payload: JobPayload<'runTask'>;
  workerId: string;
}

interface FinishItem {
  started: StartedTry;
  outcome: TryOutcome;
}

const readers = new WeakMap<TaskSpec, boolean>();

/** Whether a try needs its run's XCom and its upstream states: any task with upstream, or templates naming xcom. */
function readsUpstream(task: TaskSpec): boolean {
  let reads = readers.get(task);
  if (reads === undefined) {
    reads = task.dependsOn.length > 0 || JSON.stringify(task.with ?? {}).includes('xcom');
    readers.set(task, reads);
  }
  return reads;
}

export interface StartedTry {
  ti: TaskInstance;
  run: DagRun;
  spec: DagSpec;
  task: TaskSpec;
  tryNumber: number;
  /** XCom values of the run's finished tasks: taskId → key → value. */
  xcom: Record<string, Record<string, unknown>>;
  /** States of the task's direct upstream instances. */
  upstreamStates: Record<string, TaskState>;
}

export type { TryOutcome } from './try-statements.js';

/**
 * The worker's side of a try: claim it (queued → running, compare-and-set on the try number, so a
 * duplicate job or a second worker can never run the same try), and record how it ended.
 */
export class TaskExecution {
  /**
   * Only the claim statement is the batch in flight: what a claimed try needs next (spec, upstream
   * XCom) is read after the next batch's statement has gone out, so a try fetched meanwhile does not
   * wait for the reads of the tries claimed before it.
   */
  private readonly claims = new GroupCommit<ClaimItem, { started: Promise<StartedTry | null> }>((items) => this.claimMany(items));
  private readonly finishes = new GroupCommit<FinishItem, TaskState | null>((items) => this.finishMany(items));
  private readonly evaluations = new GroupCommit<EvaluationRequest[], undefined>(async (batches) => {
    await this.lifecycle.evaluateRuns(batches.flat());
    return batches.map(() => undefined);
  });

  private readonly sql: Sql;

  constructor(
    private readonly deps: EngineDeps,
    private readonly specs: SpecCache,
    private readonly lifecycle: RunLifecycle,
  ) {
    this.sql = sqlOf(deps.prisma);
  }

  /**
   * Claims a try (queued → running). Concurrent claims of one worker process are group-committed:
   * one statement claims the whole batch and opens its TaskTry rows.
   */
  startTry(payload: JobPayload<'runTask'>, workerId: string): Promise<StartedTry | null> {
    return this.claims.submit({ payload, workerId }).then((claim) => claim.started);
  }

  private async claimMany(items: ClaimItem[]): Promise<Array<{ started: Promise<StartedTry | null> }>> {
    const now = this.deps.clock();
    // One worker id per process, but keep it per item so the batch stays correct if not. Rows are
    // locked in id order (lock-order.ts); what comes back is matched to the items by id.
    const byId = [...items].sort((a, b) => compareIds(a.payload.taskInstanceId, b.payload.taskInstanceId));
    const rows = await this.sql.query<TaskInstance & { run: Record<string, unknown> }>(CLAIM_TRIES, [
      byId.map((i) => i.payload.taskInstanceId),
      byId.map((i) => i.payload.tenantId),
      byId.map((i) => i.payload.tryNumber),
      byId.map((i) => i.workerId),
      now,
    ]);
    if (rows.length === 0) return items.map(() => ({ started: Promise.resolve(null) }));
    const runs = new Map<string, DagRun>();
    const claimed = rows.map(({ run, ...ti }) => {
      runs.set(ti.dagRunId, dagRunFromJson(run));
      return ti as TaskInstance;
    });
    // The claims are committed: from here nothing may fail (a retry of the claim would find the
    // tries running and drop them), so what follows never rejects. Events are best-effort; the
    // reads are retried.
    const completed = (async (): Promise<Array<StartedTry | null>> => {
      await publishCommitted(this.deps, claimed.map(taskEvent), 'claim');
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.completeClaims(items, claimed, runs);
        } catch (err) {
          if (attempt >= 4) {
            // Left to the zombie reaper (no heartbeat): failed after ZOMBIE_AFTER_MS and retried per policy.
            this.deps.logger.error({ err, tries: claimed.map((c) => c.id) }, 'reading what claimed tries need failed; they will be reaped and retried');
            return items.map(() => null);
          }
          await new Promise((r) => setTimeout(r, 100 * attempt));
        }
      }
    })();
    return items.map((_, i) => ({ started: completed.then((all) => all[i]) }));
  }

  /** What claimed tries need besides their rows: spec, task, upstream XCom and states. */
  private async completeClaims(items: ClaimItem[], claimed: TaskInstance[], runs: Map<string, DagRun>): Promise<Array<StartedTry | null>> {
    const started = new Map<string, Omit<StartedTry, 'xcom' | 'upstreamStates'>>();
    for (const ti of claimed) {
      const run = runs.get(ti.dagRunId)!;
      const spec = await this.specs.get(ti.tenantId, run.dagVersionId);
      const task = spec.tasks.find((t) => t.taskId === ti.taskId);
      if (!task) {
        // Cannot happen (versions are immutable); if it did, only this try is left to the reaper.
        this.deps.logger.error(
          { taskInstanceId: ti.id, taskId: ti.taskId, dagId: run.dagId, version: run.dagVersion },
          'claimed task missing from its DAG version',
        );
        continue;
      }
      started.set(ti.id, { ti, run, spec, task, tryNumber: ti.tryNumber });
    }
    // Upstream XCom and states, only for the tasks that can use them (roots read nothing).
    const readers = [...started.values()].filter((s) => readsUpstream(s.task));
    const readerRuns = [...new Set(readers.map((s) => s.run.id))];
    const [xcoms, upstream] = readers.length
      ? await Promise.all([
          this.sql.query<{ dagRunId: string; taskId: string; key: string; value: unknown }>(
            `SELECT "dagRunId", "taskId", key, value FROM "XCom" WHERE "dagRunId" = ANY($1::uuid[])`,
            [readerRuns],
          ),
          this.sql.query<{ dagRunId: string; taskId: string; state: string }>(
            `SELECT "dagRunId", "taskId", state FROM "TaskInstance" WHERE "dagRunId" = ANY($1::uuid[]) AND "taskId" = ANY($2::text[])`,
            [readerRuns, [...new Set(readers.flatMap((s) => s.task.dependsOn))]],
          ),
        ])
      : [[], []];
    const xcomByRun = new Map<string, Record<string, Record<string, unknown>>>();
    for (const row of xcoms) {
      const byTask = xcomByRun.get(row.dagRunId) ?? {};
      xcomByRun.set(row.dagRunId, byTask);
      (byTask[row.taskId] ??= {})[row.key] = row.value;
    }
    const statesByRun = new Map<string, Map<string, TaskState>>();
    for (const u of upstream) {
      const states = statesByRun.get(u.dagRunId) ?? new Map<string, TaskState>();
      statesByRun.set(u.dagRunId, states);
      states.set(u.taskId, u.state as TaskState);
    }
    return items.map((item) => {
      const s = started.get(item.payload.taskInstanceId);
      if (!s || s.ti.tryNumber !== item.payload.tryNumber) return null;
      // The same try twice in one batch (a duplicate delivery): only the first runs it.
      started.delete(item.payload.taskInstanceId);
      const states = statesByRun.get(s.run.id);
      const upstreamStates = Object.fromEntries(s.task.dependsOn.filter((id) => states?.has(id)).map((id) => [id, states!.get(id)!]));
      return { ...s, xcom: readsUpstream(s.task) ? (xcomByRun.get(s.run.id) ?? {}) : {}, upstreamStates };
    });
  }

  /**
   * Records the end of a try. A try that was meanwhile moved on (marked, cleared, reaped) is left
   * alone. Concurrent ends of one worker process are group-committed: one statement closes the
   * batch's task instances and tries, then their runs are evaluated together.
   */
  finishTry(started: StartedTry, outcome: TryOutcome): Promise<TaskState | null> {
    return this.finishes.submit({ started, outcome });
  }

  private async finishMany(items: FinishItem[]): Promise<Array<TaskState | null>> {
    const now = this.deps.clock();
    const rows = items.map(({ started, outcome }) => {
      const next = this.nextState(started, outcome, now);
      const rescheduled = outcome.kind === 'reschedule';
      return {
        id: started.ti.id,
        tryNumber: started.tryNumber,
        state: next.state,
        retryAt: next.retryAt,
        // A reschedule hands the try number back (the next poke claims the same try) and keeps the
        // sensor's start so its timeout counts across reschedules; any other end resets both.
        tryAfter: rescheduled ? started.tryNumber - 1 : started.tryNumber,
        rescheduled,
        sensorStartedAt: rescheduled ? outcome.sensorStartedAt : null,
        tryState: next.state === 'up_for_retry' ? 'failed' : next.state,
        error: outcome.kind === 'failure' ? outcome.error : outcome.kind === 'skipped' ? outcome.reason : null,
        event: endEvent(outcome),
        renderedWith: outcome.renderedWith == null ? null : JSON.stringify(outcome.renderedWith),
      };
    });
    // Rows are locked in id order (lock-order.ts); what comes back is matched to the items by id.
    rows.sort((a, b) => compareIds(a.id, b.id));
    const xcoms = items.flatMap(({ started, outcome }) =>
      outcome.kind === 'success' ? Object.entries(outcome.xcom).map(([key, value]) => ({ started, key, value })) : [],
    );
    const close = (query: SqlQuery) =>
      query<TaskInstance>(END_TRIES, [
        rows.map((r) => r.id),
        rows.map((r) => r.tryNumber),
        rows.map((r) => r.state),
        rows.map((r) => r.retryAt),
        rows.map((r) => r.tryAfter),
        rows.map((r) => r.rescheduled),
        rows.map((r) => r.sensorStartedAt),
        rows.map((r) => r.tryState),
        rows.map((r) => r.error),
        now,
        rows.map((r) => r.event),
        rows.map((r) => r.renderedWith),
      ]);
    const movedRows = xcoms.length
      ? await this.sql.transaction(async ({ query: q }) => {
          const moved = await close(q);
          const ids = new Set(moved.map((m) => m.id));
          const kept = xcoms.filter((x) => ids.has(x.started.ti.id));
          if (kept.length) {
            await q(
              `INSERT INTO "XCom" ("tenantId", "taskInstanceId", "dagRunId", "taskId", "tryNumber", key, value)
               SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[]::jsonb[])
               ON CONFLICT ("taskInstanceId", key) DO UPDATE SET "tryNumber" = EXCLUDED."tryNumber", value = EXCLUDED.value`,
              [
                kept.map((x) => x.started.ti.tenantId),
                kept.map((x) => x.started.ti.id),
                kept.map((x) => x.started.run.id),
                kept.map((x) => x.started.task.taskId),
                kept.map((x) => x.started.tryNumber),
                kept.map((x) => x.key),
                kept.map((x) => JSON.stringify(x.value ?? null)),
              ],
            );
          }
          return moved;
        })
      : await close(this.sql.query);

    // The ends are committed: from here nothing may fail the batch (a retry would find the tries
    // no longer running and skip their runs' evaluation).
    const moved = new Map(movedRows.map((m) => [m.id, m]));
    const results: Array<TaskState | null> = [];
    const finished: TaskInstance[] = [];
    const restarted: TaskInstance[] = [];
    for (const { started, outcome } of items) {
      const m = moved.get(started.ti.id);
      if (m) {
        results.push(m.state as TaskState);
        if (isFinished(m.state as TaskState)) finished.push(m);
        continue;
      }
      // Not running under this try any more: cleared while running (restart) or moved on.
      const r = await this.closeMovedOn(started, outcome, now).catch((err: unknown) => {
        this.deps.logger.warn({ err, taskInstanceId: started.ti.id }, 'closing a try that was moved on failed');
        return null;
      });
      results.push((r?.state as TaskState | undefined) ?? null);
      if (r) restarted.push(r);
    }
    // A finished task: only its downstream can change. Restarted (cleared while running): the whole run.
    const byRun = new Map<string, { tenantId: string; dagRunId: string; finishedTaskIds?: string[] }>();
    for (const f of finished) {
      const e = byRun.get(f.dagRunId) ?? { tenantId: f.tenantId, dagRunId: f.dagRunId, finishedTaskIds: [] };
      e.finishedTaskIds?.push(f.taskId);
      byRun.set(f.dagRunId, e);
    }
    for (const r of restarted) byRun.set(r.dagRunId, { tenantId: r.tenantId, dagRunId: r.dagRunId });
    // Evaluated in the background: the worker slot is free as soon as the end is recorded, and the
    // evaluations of many ends are batched together. One that fails (the database refused it) is
    // caught up by the scheduler's stalled-run sweep.
    if (byRun.size) {
      this.evaluations
        .submit([...byRun.values()])
        .catch((err: unknown) => this.deps.logger.warn({ err, runs: byRun.size }, 'evaluating runs after tries ended failed; the scheduler will'));
    }
    await publishCommitted(this.deps, [...movedRows, ...restarted].map(taskEvent), 'end');
    return results;
  }

  /** Resolves once the evaluations started by recorded ends are done (a worker shutting down waits). */
  settle(): Promise<void> {
    return this.evaluations.idle();
  }

  /** The end of a try whose instance is no longer running it: a cleared instance starts over. */
  private async closeMovedOn(started: StartedTry, outcome: TryOutcome, now: Date): Promise<TaskInstance | null> {
    const { ti, tryNumber } = started;
    const [restarted] = await this.sql.query<TaskInstance>(CLOSE_MOVED_ON, [ti.id, ti.tenantId, tryNumber, now, endEvent(outcome)]);
    return restarted ?? null;
  }

  /**
   * Extends the lease of running tries (the scheduler reaps tries whose heartbeat stops) and
   * returns the ids of tries that are no longer running — cleared, marked or canceled — so the
   * worker stops them.
   */
  async heartbeat(tries: Array<{ taskInstanceId: string; tryNumber: number }>): Promise<string[]> {
    if (tries.length === 0) return [];
    // Never waits on a row lock: a row locked by another statement (this worker's own end batch,
    // an operation moving it on) is skipped, not waited for — a multi-row update waiting on rows
    // another multi-row update holds, in another order, was a deadlock that Postgres breaks only
    // after `deadlock_timeout` (1 s), stalling the end batch too. A skipped row is not reported:
    // the reply names only tries the statement's snapshot shows not running under their number.
    const gone = await this.sql.query<{ id: string }>(HEARTBEAT, [tries.map((t) => t.taskInstanceId), tries.map((t) => t.tryNumber), this.deps.clock()]);
    return gone.map((g) => g.id);
  }

  private nextState(started: StartedTry, outcome: TryOutcome, now: Date): { state: TaskState; retryAt: Date | null } {
    if (outcome.kind === 'success') return { state: transition('running', { type: 'succeed' }).next, retryAt: null };
    if (outcome.kind === 'reschedule') return { state: transition('running', { type: 'reschedule', at: outcome.at }).next, retryAt: outcome.at };
    if (outcome.kind === 'skipped') return { state: transition('running', { type: 'skip' }).next, retryAt: null };
    const { task, run, tryNumber, ti } = started;
    return decideFailedTry({
      task,
      dagId: run.dagId,
      taskId: task.taskId,
      logicalDate: run.logicalDate,
      tryNumber,
      maxTries: ti.maxTries,
      timedOut: outcome.timedOut,
      retryable: outcome.retryable,
      now,
    });
  }
}
