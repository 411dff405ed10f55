import { isFinished, transition, type DagSpec, type TaskSpec, type TaskEventType, type TaskState } from '@tower/core';
import type { DagRun, TaskInstance } from '@tower/db';
import type { JobPayload } from '@tower/queue';
import { dagRunFromJson, GroupCommit, sqlOf, type Sql, type SqlQuery } from '@tower/db';
import { publishCommitted, type EngineDeps } from './deps.js';

import { compareIds } from './lock-order.js';
import { decideFailedTry } from './retry-decision.js';
import type { EvaluationRequest, RunLifecycle } from './run-lifecycle.js';
import { taskEvent } from './snapshots.js';
import type { SpecCache } from './spec-cache.js';
import { journalTasks, runState, taskEntering, taskLeaving, taskState, taskStateIn } from './state-sql.js';

/**
 * A try's end is recorded on a running instance: every end event (succeed, fail, timeout,
 * reschedule, skip, defer) leaves it. A cleared instance (restarting) ends in closeMovedOn.
 */
const TRY_ENDS = (column: string) => taskLeaving(column, ['succeed', 'fail', 'timeout', 'reschedule', 'skip', 'defer'], { only: ['running'] });

export const XCOM_MAX_BYTES = 64 * 1024;

/**
 * The end of a try whose instance no longer runs it, in one statement: a cleared instance
 * (restarting) starts over — whatever the try's end, core moves it to `none` — and its try is
 * closed as restarted; an instance moved on otherwise (marked, canceled) only has its try closed.
 */
const RESTART_ENDS = ['succeed', 'fail', 'timeout', 'reschedule', 'skip', 'defer'] as const;
const CLOSE_MOVED_ON = `WITH r AS (
    UPDATE "TaskInstance" SET state = ${taskEntering('succeed', 'restarting')}, "startedAt" = NULL, "endedAt" = NULL, "queuedAt" = NULL,
           "heartbeatAt" = NULL, "nextAttemptAt" = NULL, "updatedAt" = $4
    WHERE id = $1 AND "tenantId" = $2 AND ${taskLeaving('state', RESTART_ENDS, { only: ['restarting'] })} AND "tryNumber" = $3
    RETURNING *),
  journal AS (${journalTasks('r', { sql: '$5::text' })}),
  tt AS (
    UPDATE "TaskTry" SET state = (CASE WHEN EXISTS (SELECT 1 FROM r) THEN ${taskState('restarting')} ELSE ${taskState('failed')} END)::"TaskState",
           "endedAt" = $4,
           error = CASE WHEN EXISTS (SELECT 1 FROM r) THEN 'cleared while running' ELSE 'stopped: the task instance was moved on (marked, cleared or canceled)' END
    WHERE "taskInstanceId" = $1 AND "tryNumber" = $3 AND "endedAt" IS NULL)
  SELECT * FROM r`;

/** The core event a try's end is (journaled with the change). */
function endEvent(outcome: TryOutcome): TaskEventType {
  switch (outcome.kind) {
    case 'success':
      return 'succeed';
    case 'failure':
      return outcome.timedOut ? 'timeout' : 'fail';
    case 'reschedule':
      return 'reschedule';
    case 'skipped':
      return 'skip';
  }
}

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

export type TryOutcome =
  | { kind: 'success'; xcom: Record<string, unknown> }
  | { kind: 'failure'; error: string; retryable: boolean; timedOut: boolean }
  /** A sensor in reschedule mode: the slot is given back and the same try is poked again at `at`. */
  | { kind: 'reschedule'; at: Date; sensorStartedAt: Date }
  /** The task ends `skipped` (a sensor's softFail timeout); not retried. */
  | { kind: 'skipped'; reason: string };

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
    const rows = await this.sql.query<TaskInstance & { run: Record<string, unknown> }>(
      `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[]) AS v(id, tenant_id, try_number, worker_id)),
       c AS (
         UPDATE "TaskInstance" t
         SET state = ${taskEntering('start', 'queued')}, "tryNumber" = v.try_number, "startedAt" = $5, "endedAt" = NULL,
             "workerId" = v.worker_id, "heartbeatAt" = $5, "updatedAt" = $5
         FROM v
         -- Only the id may reach an index: state and tenant are compared as text. Statistics taken
         -- when little is queued make the queued state look rare, and the generic plan of this
         -- prepared statement then scanned the tenant's whole (tenantId, state) range per claimed
         -- row (17 ms per batch of 24 in the 500-run benchmark, the largest cost in Postgres).
         WHERE t.id = v.id AND t."tenantId"::text = v.tenant_id::text AND ${taskLeaving('t.state', 'start', { text: true })} AND t."tryNumber" = v.try_number - 1
           -- a run canceled or timed out meanwhile starts nothing more
           -- (a per-row subquery: the plan stays driven by the claimed ids)
           AND (SELECT r.state FROM "DagRun" r WHERE r.id = t."dagRunId") = ${runState('running')}
         RETURNING t.*),
       journal AS (${journalTasks('c', 'start')}),
       tt AS (
         -- A rescheduled sensor pokes again under the same try number: its try row is reopened.
         INSERT INTO "TaskTry" ("tenantId", "taskInstanceId", "tryNumber", state, "workerId", "startedAt")
         SELECT c."tenantId", c.id, c."tryNumber", ${taskState('running')}::"TaskState", c."workerId", $5 FROM c
         ON CONFLICT ("taskInstanceId", "tryNumber")
         DO UPDATE SET state = ${taskState('running')}::"TaskState", "workerId" = EXCLUDED."workerId", "endedAt" = NULL, error = NULL)
       SELECT c.*, to_jsonb(r) AS run FROM c JOIN "DagRun" r ON r.id = c."dagRunId"`,
      [byId.map((i) => i.payload.taskInstanceId), byId.map((i) => i.payload.tenantId), byId.map((i) => i.payload.tryNumber), byId.map((i) => i.workerId), now],
    );
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
      };
    });
    // Rows are locked in id order (lock-order.ts); what comes back is matched to the items by id.
    rows.sort((a, b) => compareIds(a.id, b.id));
    const xcoms = items.flatMap(({ started, outcome }) =>
      outcome.kind === 'success' ? Object.entries(outcome.xcom).map(([key, value]) => ({ started, key, value })) : [],
    );
    const close = (query: SqlQuery) =>
      query<TaskInstance>(
        `WITH v AS (
           SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::int[], $6::bool[], $7::timestamptz[], $8::text[], $9::text[], $11::text[])
             AS v(id, try_number, next_state, retry_at, try_after, rescheduled, sensor_started_at, try_state, error, event)),
         m AS (
           UPDATE "TaskInstance" t
           SET state = v.next_state::"TaskState", "endedAt" = $10, "nextAttemptAt" = v.retry_at, "heartbeatAt" = NULL,
               "tryNumber" = v.try_after, "sensorStartedAt" = v.sensor_started_at,
               "rescheduleCount" = CASE WHEN v.rescheduled THEN t."rescheduleCount" + 1 ELSE 0 END,
               "workerId" = CASE WHEN v.rescheduled THEN NULL ELSE t."workerId" END,
               "updatedAt" = $10
           FROM v
           WHERE t.id = v.id AND ${TRY_ENDS('t.state')} AND t."tryNumber" = v.try_number
           RETURNING t.*),
         journal AS (${journalTasks('(SELECT m.*, v.event FROM m JOIN v ON v.id = m.id)', { sql: 'j.event' })}),
         tt AS (
           UPDATE "TaskTry" tt SET state = v.try_state::"TaskState", "endedAt" = $10, error = v.error
           FROM m JOIN v ON v.id = m.id
           WHERE tt."taskInstanceId" = m.id AND tt."tryNumber" = v.try_number)
         SELECT * FROM m`,
        [
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
        ],
      );
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
    const gone = await this.sql.query<{ id: string }>(
      `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS v(id, try_number)),
         beat AS (
           UPDATE "TaskInstance" t SET "heartbeatAt" = $3, "updatedAt" = $3
           WHERE t.id IN (SELECT l.id FROM "TaskInstance" l JOIN v ON l.id = v.id AND l."tryNumber" = v.try_number
                          WHERE ${taskStateIn('l.state', ['running'])} FOR UPDATE OF l SKIP LOCKED)
           RETURNING t.id)
       SELECT v.id FROM v
       WHERE NOT EXISTS (SELECT 1 FROM "TaskInstance" t WHERE t.id = v.id AND t."tryNumber" = v.try_number AND ${taskStateIn('t.state', ['running'])})`,
      [tries.map((t) => t.taskInstanceId), tries.map((t) => t.tryNumber), this.deps.clock()],
    );
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
