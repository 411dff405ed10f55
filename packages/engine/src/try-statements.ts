import type { TaskEventType } from '@tower/core';
import { journalTasks, runState, taskEntering, taskLeaving, taskState, taskStateIn } from './state-sql.js';

/** How a try ended, as the worker reports it. */
export type TryOutcome = (
  | { kind: 'success'; xcom: Record<string, unknown> }
  | { kind: 'failure'; error: string; retryable: boolean; timedOut: boolean }
  /** A sensor in reschedule mode: the slot is given back and the same try is poked again at `at`. */
  | { kind: 'reschedule'; at: Date; sensorStartedAt: Date }
  /** The task ends `skipped` (a sensor's softFail timeout); not retried. */
  | { kind: 'skipped'; reason: string }
) & {
  /** The task's `with` as rendered for this try; null or absent when rendering failed or never ran. */
  renderedWith?: Record<string, unknown> | null;
};

/*
 * The statements of a try's life, each a compare-and-set built from core's state machine and
 * journaled: the claim, the end, the close of a try whose instance moved on, and the heartbeat.
 * TaskExecution (task-execution.ts) batches and sends them.
 */

/**
 * A try's end is recorded on a running instance: every end event (succeed, fail, timeout,
 * reschedule, skip, defer) leaves it. A cleared instance (restarting) ends in closeMovedOn.
 */
const TRY_ENDS = (column: string) => taskLeaving(column, ['succeed', 'fail', 'timeout', 'reschedule', 'skip', 'defer'], { only: ['running'] });

/**
 * The end of a try whose instance no longer runs it, in one statement: a cleared instance
 * (restarting) starts over — whatever the try's end, core moves it to `none` — and its try is
 * closed as restarted; an instance moved on otherwise (marked, canceled) only has its try closed.
 */
const RESTART_ENDS = ['succeed', 'fail', 'timeout', 'reschedule', 'skip', 'defer'] as const;
export const CLOSE_MOVED_ON = `WITH r AS (
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

/**
 * Claims a batch of tries (queued → running), opening their TaskTry rows. $1 ids, $2 tenants,
 * $3 try numbers, $4 worker ids, $5 now. Returns each claimed instance with its run (`run`, JSON).
 */
export const CLAIM_TRIES = `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[]) AS v(id, tenant_id, try_number, worker_id)),
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
       SELECT c.*, to_jsonb(r) AS run FROM c JOIN "DagRun" r ON r.id = c."dagRunId"`;

/**
 * Ends a batch of tries: the instances' next states (per row), their TaskTry rows, the journal.
 * $1 ids, $2 try numbers, $3 next states, $4 retry times, $5 try numbers after, $6 rescheduled,
 * $7 sensor starts, $8 try states, $9 errors, $10 now, $11 events, $12 rendered `with`s (JSON text or null).
 */
export const END_TRIES = `WITH v AS (
           SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::int[], $6::bool[], $7::timestamptz[], $8::text[], $9::text[], $11::text[], $12::text[]::jsonb[])
             AS v(id, try_number, next_state, retry_at, try_after, rescheduled, sensor_started_at, try_state, error, event, rendered_with)),
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
         -- the try that ended: a reschedule hands its number back on the instance, the journal keeps it
         journal AS (${journalTasks('(SELECT m.id, m."tenantId", m."dagRunId", m."dagId", m."taskId", v.try_number AS "tryNumber", m.state, m."updatedAt", v.event FROM m JOIN v ON v.id = m.id)', { sql: 'j.event' })}),
         tt AS (
           UPDATE "TaskTry" tt SET state = v.try_state::"TaskState", "endedAt" = $10, error = v.error,
                                   "renderedWith" = COALESCE(v.rendered_with, tt."renderedWith")
           FROM m JOIN v ON v.id = m.id
           WHERE tt."taskInstanceId" = m.id AND tt."tryNumber" = v.try_number)
         SELECT * FROM m`;

/**
 * Extends the leases of running tries and names those no longer running under their number:
 * $1 ids, $2 try numbers, $3 now.
 */
export const HEARTBEAT = `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS v(id, try_number)),
         beat AS (
           UPDATE "TaskInstance" t SET "heartbeatAt" = $3, "updatedAt" = $3
           WHERE t.id IN (SELECT l.id FROM "TaskInstance" l JOIN v ON l.id = v.id AND l."tryNumber" = v.try_number
                          WHERE ${taskStateIn('l.state', ['running'])} FOR UPDATE OF l SKIP LOCKED)
           RETURNING t.id)
       SELECT v.id FROM v
       WHERE NOT EXISTS (SELECT 1 FROM "TaskInstance" t WHERE t.id = v.id AND t."tryNumber" = v.try_number AND ${taskStateIn('t.state', ['running'])})`;

/** The core event a try's end is (journaled with the change). */
export function endEvent(outcome: TryOutcome): TaskEventType {
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
