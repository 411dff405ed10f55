import { fairPriority, laneOf, taskEventSources, taskEventTarget, UNFINISHED_TASK_STATES, type TaskState } from '@tower/core';
import { sqlOf, type DagRun, type Sql, type TaskInstance } from '@tower/db';
import type { TowerEvent } from '@tower/events';
import type { EngineDeps } from './deps.js';
import { decideFailedTry } from './retry-decision.js';
import type { EvaluationRequest, RunLifecycle } from './run-lifecycle.js';
import { taskEvent } from './snapshots.js';
import type { SpecCache } from './spec-cache.js';
import { journaled, journalTasks, runLeaving, runStateIn, taskEntering, taskLeaving, taskState, taskStateIn } from './state-sql.js';

export interface SweepOptions {
  zombieAfterMs: number;
  requeueAfterMs: number;
  sweepGraceMs: number;
}

/** Tasks waiting for their retry delay or their next poke: what "schedule" moves on when due. */
const WAITING_TO_RETRY = taskEventSources('schedule').filter((s) => s !== 'none');
/** Due retries and re-pokes go back to scheduled, journaled. */
const PROMOTE_DUE = journaled(
  'task',
  `UPDATE "TaskInstance" SET state = ${taskEntering('schedule', 'up_for_retry')}, "nextAttemptAt" = NULL, "updatedAt" = $1
   WHERE ${taskLeaving('state', 'schedule', { only: WAITING_TO_RETRY })} AND "nextAttemptAt" <= $1
   RETURNING *`,
  'schedule',
);
/** A zombie's try fails (the retry policy decides what the instance becomes) while it is still running. */
const ZOMBIE_ENDS = taskLeaving('state', 'fail', { only: ['running'] });
/** A try that failed with no tries left: its run is evaluated at once (downstream may fail or run). */
const FAILED_FOR_GOOD: TaskState = taskEventTarget({ type: 'fail', retryable: false }, 'running');
/** Tasks with something in flight: every unfinished state but `none` (not yet ready). */
const IN_FLIGHT = UNFINISHED_TASK_STATES.filter((s) => s !== 'none');

/**
 * The scheduler's safety nets, each one statement over the whole fleet's rows (they run with no
 * tenant: the scheduler serves them all), every change a compare-and-set: starting queued runs
 * nobody started, timing out runs, promoting due retries, re-evaluating runs left waiting on
 * capacity or stalled by a failed evaluation, reaping tries whose worker died, and re-enqueueing
 * tasks whose job Redis lost.
 */
export class SchedulerSweeps {
  private readonly sql: Sql;

  constructor(
    private readonly deps: EngineDeps,
    private readonly specs: SpecCache,
    private readonly lifecycle: RunLifecycle,
    private readonly opts: SweepOptions,
  ) {
    this.sql = sqlOf(deps.prisma);
  }

  /** Evaluates the runs together; if that fails, one by one, so one bad run holds no other back. */
  async evaluateEach(requests: EvaluationRequest[]): Promise<void> {
    if (requests.length === 0) return;
    try {
      await this.lifecycle.evaluateRuns(requests);
    } catch (err) {
      this.deps.logger.warn({ err, runs: requests.length }, 'batched evaluation failed; evaluating runs one by one');
      for (const r of requests) {
        await this.lifecycle.evaluateRuns([r]).catch((one: unknown) => this.deps.logger.error({ err: one, dagRunId: r.dagRunId }, 'evaluating a run failed'));
      }
    }
  }

  /**
   * Starts queued runs (within each DAG's maxActiveRuns), oldest first, for up to `budgetMs`:
   * the runs cron just created, and any a crash left queued. Bounded so that thousands of runs
   * falling due together never hold back the next tick's run creation.
   */
  async startQueuedRunsSweep(budgetMs = 2_000): Promise<number> {
    const deadline = Date.now() + budgetMs;
    // Runs cron, file triggers and backfills queued are started here at once; a manual run only once
    // its trigger had sweepGraceMs to start it.
    const manualCutoff = new Date(this.deps.clock().getTime() - this.opts.sweepGraceMs);
    const dags = await this.sql.query<{ dagPk: string; tenantId: string }>(
      `SELECT r."dagPk", r."tenantId" FROM "DagRun" r JOIN "Dag" d ON d.id = r."dagPk"
       WHERE ${runLeaving('r.state', 'start')} AND d.paused = false AND (r."runType" <> 'manual' OR r."queuedAt" < $1)
       GROUP BY r."dagPk", r."tenantId"
       ORDER BY min(r."queuedAt")
       LIMIT 1000`,
      [manualCutoff],
    );
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
    const due = await this.sql.query<{ id: string; tenantId: string }>(
      `SELECT id, "tenantId" FROM "DagRun" WHERE ${runStateIn('state', ['running'])} AND "timeoutAt" <= $1 LIMIT 500`,
      [now],
    );
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
    // Each running run is probed through its own tasks only: `state::text` keeps the state indexes
    // out, and a LATERAL … LIMIT 1 cannot be turned into a join (with stale statistics the planner
    // joined a scan of every task instance to the runs instead: 200 ms and more a sweep).
    const stalled = await this.sql.query<{ id: string; tenantId: string }>(
      `SELECT s.id, s."tenantId" FROM (
         SELECT r.id, r."tenantId" FROM "DagRun" r
         LEFT JOIN LATERAL (
           SELECT 1 AS found FROM "TaskInstance" t
           WHERE t."dagRunId" = r.id
             AND ${taskStateIn('t.state', IN_FLIGHT, { text: true })}
           LIMIT 1) a ON true
         WHERE ${runStateIn('r.state', ['running'])} AND r."updatedAt" < $1 AND a.found IS NULL
         LIMIT 100) s
       -- not a run whose last task just ended: its own evaluation is deciding it now
       WHERE NOT EXISTS (SELECT 1 FROM "TaskInstance" t WHERE t."dagRunId" = s.id AND t."updatedAt" >= $1)`,
      [cutoff],
    );
    await this.evaluateEach(stalled.map((run) => ({ tenantId: run.tenantId, dagRunId: run.id })));
    if (stalled.length > 0) this.deps.logger.warn({ runs: stalled.length, runIds: stalled.slice(0, 10).map((r) => r.id) }, 're-evaluated stalled runs');
    return stalled.length;
  }

  /** up_for_retry tries whose delay has passed go back to scheduled, and their run is evaluated. */
  async promoteDueRetries(): Promise<number> {
    const now = this.deps.clock();
    const promoted = await this.sql.query<TaskInstance>(PROMOTE_DUE, [now]);
    await this.deps.events.publishMany(promoted.map(taskEvent));
    // Promoted tasks are scheduled: queueing them needs no trigger-rule pass ([] = nothing finished).
    await this.evaluateEach(uniqueRuns(promoted).map((r) => ({ ...r, finishedTaskIds: [] })));
    return promoted.length;
  }

  /**
   * DAGs holding scheduled tasks that a limit deferred get another chance at capacity (tasks
   * scheduled within sweepGraceMs are still being queued by the evaluation that scheduled them).
   * Queueing is per tenant (quota, pools and each DAG's maxActiveTasks, over the top of the
   * tenant's backlog), so one run per DAG is enough: its oldest running run that holds such a task
   * is evaluated, and the queueing pass reads the rest of the backlog itself. The statement walks
   * the running runs, each probed through its own tasks only (`state::text` keeps the state
   * indexes out; a LATERAL … LIMIT 1 cannot become a join to a scan of every task). Listing
   * waiting runs from the scheduled tasks read a deep backlog whole every sweep (200 ms with
   * 50,000 tasks waiting, a stall for every other tenant).
   */
  async evaluateWaitingRuns(): Promise<number> {
    const cutoff = new Date(this.deps.clock().getTime() - this.opts.sweepGraceMs);
    const waiting = await this.sql.query<{ tenantId: string; dagRunId: string }>(
      `SELECT DISTINCT ON (r."dagPk") r."tenantId", r.id AS "dagRunId" FROM "DagRun" r
       CROSS JOIN LATERAL (
         SELECT 1 FROM "TaskInstance" t WHERE t."dagRunId" = r.id AND ${taskLeaving('t.state', 'queue', { text: true })} AND t."updatedAt" < $1 LIMIT 1) w
       WHERE ${runStateIn('r.state', ['running'])}
       ORDER BY r."dagPk", r."logicalDate"
       LIMIT 500`,
      [cutoff],
    );
    await this.evaluateEach(waiting.map((w) => ({ tenantId: w.tenantId, dagRunId: w.dagRunId, finishedTaskIds: [] })));
    return waiting.length;
  }

  /** A running try whose worker stopped heartbeating failed; retry policy decides what comes next. */
  async reapZombies(): Promise<number> {
    const now = this.deps.clock();
    const cutoff = new Date(now.getTime() - this.opts.zombieAfterMs);
    const zombies = await this.sql.query<TaskInstance & { dagRun: Pick<DagRun, 'logicalDate' | 'dagVersionId'> }>(
      `SELECT t.*, json_build_object('logicalDate', r."logicalDate", 'dagVersionId', r."dagVersionId") AS "dagRun"
       FROM "TaskInstance" t JOIN "DagRun" r ON r.id = t."dagRunId"
       WHERE ${taskStateIn('t.state', ['running'])} AND t."heartbeatAt" < $1 LIMIT 500`,
      [cutoff],
    );
    let reaped = 0;
    const events: TowerEvent[] = [];
    for (const z of zombies) {
      const spec = await this.specs.get(z.tenantId, z.dagRun.dagVersionId);
      const { state: next, retryAt } = decideFailedTry({
        task: spec.tasks.find((t) => t.taskId === z.taskId),
        dagId: z.dagId,
        taskId: z.taskId,
        logicalDate: new Date(z.dagRun.logicalDate),
        tryNumber: z.tryNumber,
        maxTries: z.maxTries,
        timedOut: false,
        retryable: true,
        now,
      });
      // The instance's end and its try's, in one statement: the try is closed only if the
      // compare-and-set moved the instance.
      const [moved] = await this.sql.query<TaskInstance>(
        `WITH m AS (
           UPDATE "TaskInstance" SET state = $4::"TaskState", "endedAt" = $5, "heartbeatAt" = NULL, "nextAttemptAt" = $6, "updatedAt" = $5
           WHERE id = $1 AND ${ZOMBIE_ENDS} AND "tryNumber" = $2 AND "heartbeatAt" < $3
           RETURNING *),
         journal AS (${journalTasks('m', 'fail')}),
         tt AS (
           UPDATE "TaskTry" tt SET state = ${taskState('failed')}, "endedAt" = $5, error = $7
           FROM m WHERE tt."taskInstanceId" = m.id AND tt."tryNumber" = $2)
         SELECT * FROM m`,
        [z.id, z.tryNumber, cutoff, next, now, retryAt, `worker ${z.workerId ?? '?'} stopped heartbeating (zombie try)`],
      );
      if (!moved) continue;
      reaped++;
      events.push(taskEvent(moved));
      this.deps.logger.warn({ tenantId: z.tenantId, taskInstanceId: z.id, tryNumber: z.tryNumber, next }, 'reaped zombie try');
      if (next === FAILED_FOR_GOOD) await this.lifecycle.evaluateRun(moved.tenantId, moved.dagRunId);
    }
    await this.deps.events.publishMany(events);
    return reaped;
  }

  /**
   * A lane with jobs waiting and no worker serving it (WORKER_LANES leaves it out everywhere) is
   * an operator's mistake nothing else would reveal: its tasks stay queued and hold their tenant's
   * quota. The tick checks once a minute (it lists Redis's clients).
   */
  async checkLanes(): Promise<number> {
    const unserved = await this.deps.queue.unservedLanes();
    for (const { lane, waiting } of unserved) {
      this.deps.logger.error({ lane, waiting }, `no worker serves the ${lane} lane: its jobs wait until one starts with WORKER_LANES including ${lane}`);
    }
    return unserved.length;
  }

  /**
   * Postgres is the truth, Redis only transport: a task queued in Postgres whose job is gone from
   * BullMQ (Redis flushed, or a crash between commit and enqueue) is enqueued again. The job id is
   * per try, and the worker's compare-and-set makes a duplicate harmless.
   */
  async requeueLostTasks(): Promise<number> {
    const cutoff = new Date(this.deps.clock().getTime() - this.opts.requeueAfterMs);
    // The queued range of the state index is read once, then joined to the runs. (As a join
    // driven by the running runs, the plan probed the whole queued range once per running run:
    // 22 ms a tick in the 500-run benchmark.)
    const stale = await this.sql.query<{
      id: string;
      tenantId: string;
      dagRunId: string;
      tryNumber: number;
      rescheduleCount: number;
      backfillId: string | null;
    }>(
      `WITH q AS MATERIALIZED (
         SELECT id, "tenantId", "dagRunId", "tryNumber", "rescheduleCount" FROM "TaskInstance"
         WHERE ${taskLeaving('state', 'start')} AND "queuedAt" < $1 LIMIT 5000)
       SELECT q.*, r."backfillId" FROM q JOIN "DagRun" r ON r.id = q."dagRunId" WHERE ${runStateIn('r.state', ['running'])} LIMIT 1000`,
      [cutoff],
    );
    // Only the tasks whose job is really gone are requeued (a job still waiting is left where it is).
    // (one pipelined round trip to Redis for the lot)
    const missing = (await this.deps.queue.missingJobs(stale.map((ti) => ({ taskInstanceId: ti.id, tryNumber: ti.tryNumber + 1, ti })))).map((j) => j.ti);
    // Lane and priority recomputed as queueing computes them: priority by each task's position among
    // its tenant's requeued tasks, lane by how many regular tasks the tenant has to requeue (a flushed
    // flood goes back to the bulk lane, a small tenant's task to interactive).
    const regular = new Map<string, number>();
    for (const ti of missing) if (ti.backfillId == null) regular.set(ti.tenantId, (regular.get(ti.tenantId) ?? 0) + 1);
    const depth = new Map<string, number>();
    let requeued = 0;
    for (const ti of missing) {
      const tenantDepth = depth.get(ti.tenantId) ?? 0;
      depth.set(ti.tenantId, tenantDepth + 1);
      const backfill = ti.backfillId != null;
      await this.deps.queue.enqueueRunTask(
        { tenantId: ti.tenantId, dagRunId: ti.dagRunId, taskInstanceId: ti.id, tryNumber: ti.tryNumber + 1 },
        {
          priority: fairPriority({ tenantDepth, backfill, repoke: ti.rescheduleCount > 0 }),
          lane: laneOf({ backlog: regular.get(ti.tenantId) ?? 0, backfill }),
        },
      );
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
