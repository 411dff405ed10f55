import { fairPriority, laneOf, nextScheduledRun, type DagSpec, type ScheduledRunInfo, type TaskState } from '@tower/core';
import { sqlOf, type DagRun, type Sql, type SqlQuery } from '@tower/db';
import type { TowerEvent } from '@tower/events';
import type { EngineDeps } from './deps.js';
import { decideFailedTry } from './retry-decision.js';
import { insertRunsSql, type RunToInsert } from './run-insert.js';
import type { EvaluationRequest, RunLifecycle } from './run-lifecycle.js';
import { defaultParams } from './schedule-info.js';
import { runEvent, taskEvent } from './snapshots.js';
import type { SpecCache } from './spec-cache.js';

export interface SchedulerOptions {
  /** How many due DAGs one transaction claims. */
  batchSize: number;
  /** How many of those transactions createDueRuns runs at once (each on its own connection). */
  createConcurrency: number;
  /** A running try whose heartbeat is older than this is a zombie (its worker died). */
  zombieAfterMs: number;
  /** A queued task older than this without a BullMQ job is re-enqueued (e.g. after a Redis flush). */
  requeueAfterMs: number;
  /**
   * The sweeps below are safety nets: a manual run queued, or a task scheduled, less than this long
   * ago is left to the process that queued it (the API starts its triggers' runs, evaluations queue
   * what they schedule). Sweeping them at once would only race that process for the same DAG and
   * tenant locks, in a scheduler that may be busy with other tenants' backlogs. The waiting-runs
   * and stalled-runs sweeps also run at most once per this interval.
   */
  sweepGraceMs: number;
}

export interface TickStats {
  runsCreated: number;
  retriesPromoted: number;
  runsEvaluated: number;
  zombiesReaped: number;
  requeued: number;
  runsTimedOut: number;
  stalledRuns: number;
}

/** A due DAG claimed with its latest version, as JSON (createDueRunBatch). */
interface DueDag {
  id: string;
  tenantId: string;
  dagId: string;
  /** ISO date-times. */
  nextLogicalDate: string;
  nextDueAt: string;
  versionId: string;
  version: number;
  /** The version's spec without its task list. */
  spec: Omit<DagSpec, 'tasks'>;
}

const DEFAULTS: SchedulerOptions = { batchSize: 1000, createConcurrency: 2, zombieAfterMs: 30_000, requeueAfterMs: 15_000, sweepGraceMs: 2_000 };

/**
 * The scheduler's periodic work. Everything here is safe with several replicas: due DAGs are
 * claimed with FOR UPDATE SKIP LOCKED, run creation is idempotent on (tenant, dag, logical date),
 * and every state change is a compare-and-set. Downstream readiness is NOT polled here: the worker
 * evaluates a run the moment a task finishes. The sweeps are the safety nets: runs waiting on
 * capacity, queued runs nobody started, tasks queued without a job, runs stalled by an evaluation
 * that failed, and tries whose worker died.
 */
export class Scheduler {
  private readonly opts: SchedulerOptions;

  private readonly sql: Sql;
  private lastSafetyNets = 0;
  // The first check waits a minute: workers started after the scheduler are not missing.
  private lastLaneCheck = Date.now();

  constructor(
    private readonly deps: EngineDeps,
    private readonly specs: SpecCache,
    private readonly lifecycle: RunLifecycle,
    opts: Partial<SchedulerOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
    this.sql = sqlOf(deps.prisma);
  }

  /**
   * One pass of every duty. A duty that fails (the database refused a statement) is logged and the
   * others still run: each is a safety net for the others, so none may hold the rest back.
   */
  async tick(): Promise<TickStats> {
    const step = async (name: string, duty: () => Promise<number>): Promise<number> => {
      try {
        return await duty();
      } catch (err) {
        this.deps.logger.error({ err, duty: name }, 'scheduler duty failed; retried next tick');
        return 0;
      }
    };
    const runsCreated = await step('createDueRuns', () => this.createDueRuns());
    await step('startQueuedRuns', () => this.startQueuedRunsSweep());
    const retriesPromoted = await step('promoteDueRetries', () => this.promoteDueRetries());
    const zombiesReaped = await step('reapZombies', () => this.reapZombies());
    // The safety nets that scan running runs and queued tasks go at most once per sweepGraceMs, not
    // every tick: nothing they find is younger than that anyway, and a tenant's backlog of
    // thousands of tasks made them the scheduler's costliest statements.
    const safetyNets = Date.now() - this.lastSafetyNets >= this.opts.sweepGraceMs;
    if (safetyNets) this.lastSafetyNets = Date.now();
    const runsEvaluated = safetyNets ? await step('evaluateWaitingRuns', () => this.evaluateWaitingRuns()) : 0;
    const requeued = safetyNets ? await step('requeueLostTasks', () => this.requeueLostTasks()) : 0;
    const runsTimedOut = await step('timeOutRuns', () => this.timeOutRuns());
    const stalledRuns = safetyNets ? await step('evaluateStalledRuns', () => this.evaluateStalledRuns()) : 0;
    if (Date.now() - this.lastLaneCheck >= 60_000) {
      this.lastLaneCheck = Date.now();
      await step('checkLanes', () => this.checkLanes());
    }
    return { runsCreated, retriesPromoted, runsEvaluated, zombiesReaped, requeued, runsTimedOut, stalledRuns };
  }

  /** Evaluates the runs together; if that fails, one by one, so one bad run holds no other back. */
  private async evaluateEach(requests: EvaluationRequest[]): Promise<void> {
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
   * Creates the runs whose data interval has ended, one per due interval, and advances each DAG.
   * Batched: a transaction claims up to batchSize due DAGs with their latest version (FOR UPDATE
   * SKIP LOCKED, so replicas — and this replica's concurrent batches — split the work), inserts all
   * their runs and task instances in one statement and advances every DAG in one UPDATE. Up to
   * createConcurrency batches run at once (one connection each), so Postgres works on one while
   * this process prepares the next. Each batch takes its own clock, so queuedAt is when its runs
   * were written. Events are published once every due DAG has its run (and for the runs committed
   * even when a later batch fails); the runs are started after that, by the sweep.
   */
  async createDueRuns(): Promise<number> {
    const created: DagRun[] = [];
    let stop = false;
    // A lane claims batch after batch until it finds nothing due; the first failure stops them all.
    const lane = async () => {
      try {
        while (!stop) {
          // Runs lost with the database's last commits are created again: their DAGs' next run
          // goes back with them, and creation is idempotent.
          const { claimed, runs } = await this.sql.transaction((query) => this.createDueRunBatch(query, this.deps.clock()), { asyncCommit: true });
          created.push(...runs);
          // Catch-up DAGs are due again at once: keep going, within a bound per tick.
          if (claimed === 0) return;
          if (created.length >= 50_000) stop = true;
        }
      } catch (err) {
        stop = true;
        throw err;
      }
    };
    const lanes = await Promise.allSettled(Array.from({ length: Math.max(1, this.opts.createConcurrency) }, lane));
    await this.deps.events.publishMany(created.map(runEvent));
    for (const run of created) this.deps.logger.info({ tenantId: run.tenantId, dagId: run.dagId, runId: run.runId }, 'scheduled run created');
    const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) throw failed.reason;
    return created.length;
  }

  /**
   * One batch of createDueRuns, in the caller's transaction: claims up to batchSize due DAGs with
   * their latest version in one statement (FOR UPDATE OF the Dag rows, SKIP LOCKED), inserts their
   * runs and task instances in one more (insertRunsSql) and advances every claimed DAG in a third.
   */
  private async createDueRunBatch(query: SqlQuery, now: Date): Promise<{ claimed: number; runs: DagRun[] }> {
    // One JSON array, far cheaper to read than thousands of rows; the specs without their task
    // lists (insertRunsSql reads those in SQL), so a batch of wide DAGs stays small.
    const [{ due }] = await query<{ due: DueDag[] }>(
      `SELECT coalesce(json_agg(c), '[]'::json) AS due FROM (
         SELECT d.id, d."tenantId", d."dagId", d."nextLogicalDate", d."nextDueAt", v.id AS "versionId", v.version, v.spec - 'tasks' AS spec
         FROM "Dag" d JOIN "DagVersion" v ON v."dagPk" = d.id AND v.version = d."latestVersion"
         WHERE d.paused = false AND d."nextDueAt" IS NOT NULL AND d."nextDueAt" <= $1
         ORDER BY d."nextDueAt"
         LIMIT $2
         FOR UPDATE OF d SKIP LOCKED) AS c`,
      [now, this.opts.batchSize],
    );
    if (due.length === 0) return { claimed: 0, runs: [] };
    // DAGs sharing a schedule (thousands of "* * * * *") share the next-run computation.
    const nextRuns = new Map<string, ScheduledRunInfo | null>();
    const nextRunOf = (spec: DueDag['spec'], after: Date) => {
      const key = [spec.schedule, spec.timezone, spec.startDate, spec.endDate, spec.catchup, after.getTime()].join('|');
      let next = nextRuns.get(key);
      if (next === undefined) {
        next = nextScheduledRun(spec, after, now);
        nextRuns.set(key, next);
      }
      return next;
    };
    const inputs: RunToInsert[] = [];
    // Every claimed DAG moves to one of a few next (logical date, due) pairs: `advanceTo` indexes them.
    const ids: string[] = [];
    const advanceTo: number[] = [];
    const advances = new Map<ScheduledRunInfo | null, number>();
    for (const dag of due) {
      const logicalDate = new Date(dag.nextLogicalDate);
      inputs.push({
        tenantId: dag.tenantId,
        dagPk: dag.id,
        dagId: dag.dagId,
        versionId: dag.versionId,
        version: dag.version,
        runType: 'scheduled',
        runId: `scheduled__${logicalDate.toISOString()}`,
        logicalDate,
        dataIntervalStart: logicalDate,
        dataIntervalEnd: new Date(dag.nextDueAt),
        params: defaultParams({ ...dag.spec, tasks: [] }),
      });
      const next = nextRunOf(dag.spec, logicalDate);
      let to = advances.get(next);
      if (to === undefined) {
        to = advances.size + 1;
        advances.set(next, to);
      }
      ids.push(dag.id);
      advanceTo.push(to);
    }
    // queuedAt is the instant this batch's runs are written, not when the tick began.
    const runs = await insertRunsSql(query, inputs, this.deps.clock());
    const targets = [...advances.keys()];
    await query(
      `UPDATE "Dag" AS d SET "nextLogicalDate" = ($3::timestamptz[])[v.i], "nextDueAt" = ($4::timestamptz[])[v.i], "updatedAt" = now()
       FROM unnest($1::uuid[], $2::int[]) AS v(id, i)
       WHERE d.id = v.id`,
      [ids, advanceTo, targets.map((n) => n?.logicalDate ?? null), targets.map((n) => n?.dueAt ?? null)],
    );
    return { claimed: due.length, runs };
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
    const dags = await this.deps.prisma.$queryRaw<Array<{ dagPk: string; tenantId: string }>>`
      SELECT r."dagPk", r."tenantId" FROM "DagRun" r JOIN "Dag" d ON d.id = r."dagPk"
      WHERE r.state = 'queued' AND d.paused = false AND (r."runType" <> 'manual' OR r."queuedAt" < ${manualCutoff})
      GROUP BY r."dagPk", r."tenantId"
      ORDER BY min(r."queuedAt")
      LIMIT 1000`;
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
    const due = await this.deps.prisma.dagRun.findMany({
      where: { state: 'running', timeoutAt: { lte: now } },
      select: { id: true, tenantId: true },
      take: 500,
    });
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
             AND t.state::text IN ('scheduled', 'queued', 'running', 'up_for_retry', 'up_for_reschedule', 'deferred', 'restarting')
           LIMIT 1) a ON true
         WHERE r.state = 'running' AND r."updatedAt" < $1 AND a.found IS NULL
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
    const promoted = await this.deps.prisma.taskInstance.updateManyAndReturn({
      where: { state: { in: ['up_for_retry', 'up_for_reschedule'] }, nextAttemptAt: { lte: now } },
      data: { state: 'scheduled', nextAttemptAt: null },
    });
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
         SELECT 1 FROM "TaskInstance" t WHERE t."dagRunId" = r.id AND t.state::text = 'scheduled' AND t."updatedAt" < $1 LIMIT 1) w
       WHERE r.state = 'running'
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
    const zombies = await this.deps.prisma.taskInstance.findMany({
      where: { state: 'running', heartbeatAt: { lt: cutoff } },
      include: { dagRun: { select: { logicalDate: true, dagVersionId: true } } },
      take: 500,
    });
    let reaped = 0;
    const events: TowerEvent[] = [];
    for (const z of zombies) {
      const spec = await this.specs.get(this.deps.prisma, z.tenantId, z.dagRun.dagVersionId);
      const { state: next, retryAt } = decideFailedTry({
        task: spec.tasks.find((t) => t.taskId === z.taskId),
        dagId: z.dagId,
        taskId: z.taskId,
        logicalDate: z.dagRun.logicalDate,
        tryNumber: z.tryNumber,
        maxTries: z.maxTries,
        timedOut: false,
        retryable: true,
        now,
      });
      const moved = await this.deps.prisma.$transaction(async (tx) => {
        const [m] = await tx.taskInstance.updateManyAndReturn({
          where: { id: z.id, state: 'running', tryNumber: z.tryNumber, heartbeatAt: { lt: cutoff } },
          data: { state: next, endedAt: now, heartbeatAt: null, nextAttemptAt: retryAt },
        });
        if (m) {
          await tx.taskTry.updateMany({
            where: { taskInstanceId: z.id, tryNumber: z.tryNumber },
            data: { state: 'failed', endedAt: now, error: `worker ${z.workerId ?? '?'} stopped heartbeating (zombie try)` },
          });
        }
        return m;
      });
      if (!moved) continue;
      reaped++;
      events.push(taskEvent(moved));
      this.deps.logger.warn({ tenantId: z.tenantId, taskInstanceId: z.id, tryNumber: z.tryNumber, next }, 'reaped zombie try');
      if ((next as TaskState) === 'failed') await this.lifecycle.evaluateRun(moved.tenantId, moved.dagRunId);
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
    const stale = await this.sql.query<{ id: string; tenantId: string; dagRunId: string; tryNumber: number; rescheduleCount: number; backfillId: string | null }>(
      `WITH q AS MATERIALIZED (
         SELECT id, "tenantId", "dagRunId", "tryNumber", "rescheduleCount" FROM "TaskInstance"
         WHERE state = 'queued' AND "queuedAt" < $1 LIMIT 5000)
       SELECT q.*, r."backfillId" FROM q JOIN "DagRun" r ON r.id = q."dagRunId" WHERE r.state = 'running' LIMIT 1000`,
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
        { priority: fairPriority({ tenantDepth, backfill, repoke: ti.rescheduleCount > 0 }), lane: laneOf({ backlog: regular.get(ti.tenantId) ?? 0, backfill }) },
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

