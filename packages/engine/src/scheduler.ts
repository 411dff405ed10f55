import { nextScheduledRun, type DagSpec, type ScheduledRunInfo } from '@tower/core';
import { sqlOf, type DagRun, type Sql, type SqlQuery } from '@tower/db';
import { recordLag } from '@tower/telemetry';
import type { EngineDeps } from './deps.js';
import { insertRuns, type RunToInsert } from './run-insert.js';
import type { RunLifecycle } from './run-lifecycle.js';
import { defaultParams } from './schedule-info.js';
import { SchedulerSweeps } from './scheduler-sweeps.js';
import { runEvent } from './snapshots.js';
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
  /** The safety nets the tick runs (scheduler-sweeps.ts). */
  readonly sweeps: SchedulerSweeps;

  private readonly sql: Sql;
  private lastSafetyNets = 0;
  // The first check waits a minute: workers started after the scheduler are not missing.
  private lastLaneCheck = Date.now();

  constructor(
    private readonly deps: EngineDeps,
    specs: SpecCache,
    lifecycle: RunLifecycle,
    opts: Partial<SchedulerOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
    this.sql = sqlOf(deps.prisma);
    this.sweeps = new SchedulerSweeps(deps, specs, lifecycle, this.opts);
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
    await step('startQueuedRuns', () => this.sweeps.startQueuedRunsSweep());
    const retriesPromoted = await step('promoteDueRetries', () => this.sweeps.promoteDueRetries());
    const zombiesReaped = await step('reapZombies', () => this.sweeps.reapZombies());
    // The safety nets that scan running runs and queued tasks go at most once per sweepGraceMs, not
    // every tick: nothing they find is younger than that anyway, and a tenant's backlog of
    // thousands of tasks made them the scheduler's costliest statements.
    const safetyNets = Date.now() - this.lastSafetyNets >= this.opts.sweepGraceMs;
    if (safetyNets) this.lastSafetyNets = Date.now();
    const runsEvaluated = safetyNets ? await step('evaluateWaitingRuns', () => this.sweeps.evaluateWaitingRuns()) : 0;
    const requeued = safetyNets ? await step('requeueLostTasks', () => this.sweeps.requeueLostTasks()) : 0;
    const runsTimedOut = await step('timeOutRuns', () => this.sweeps.timeOutRuns());
    const stalledRuns = safetyNets ? await step('evaluateStalledRuns', () => this.sweeps.evaluateStalledRuns()) : 0;
    if (Date.now() - this.lastLaneCheck >= 60_000) {
      this.lastLaneCheck = Date.now();
      await step('checkLanes', () => this.sweeps.checkLanes());
    }
    return { runsCreated, retriesPromoted, runsEvaluated, zombiesReaped, requeued, runsTimedOut, stalledRuns };
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
          const { claimed, runs } = await this.sql.transaction((tx) => this.createDueRunBatch(tx.query, this.deps.clock()), { asyncCommit: true });
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
    for (const run of created) {
      // Due = the end of its data interval; created = the batch that wrote it (queuedAt).
      recordLag('due_to_created', (run.queuedAt.getTime() - run.dataIntervalEnd.getTime()) / 1000);
      this.deps.logger.info({ tenantId: run.tenantId, dagId: run.dagId, runId: run.runId }, 'scheduled run created');
    }
    const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) throw failed.reason;
    return created.length;
  }

  /**
   * One batch of createDueRuns, in the caller's transaction: claims up to batchSize due DAGs with
   * their latest version in one statement (FOR UPDATE OF the Dag rows, SKIP LOCKED), inserts their
   * runs and task instances in one more (insertRuns) and advances every claimed DAG in a third.
   */
  private async createDueRunBatch(query: SqlQuery, now: Date): Promise<{ claimed: number; runs: DagRun[] }> {
    // One JSON array, far cheaper to read than thousands of rows; the specs without their task
    // lists (insertRuns reads those in SQL), so a batch of wide DAGs stays small.
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
    const runs = await insertRuns(query, inputs, this.deps.clock());
    const targets = [...advances.keys()];
    await query(
      `UPDATE "Dag" AS d SET "nextLogicalDate" = ($3::timestamptz[])[v.i], "nextDueAt" = ($4::timestamptz[])[v.i], "updatedAt" = now()
       FROM unnest($1::uuid[], $2::int[]) AS v(id, i)
       WHERE d.id = v.id`,
      [ids, advanceTo, targets.map((n) => n?.logicalDate ?? null), targets.map((n) => n?.dueAt ?? null)],
    );
    return { claimed: due.length, runs };
  }
}
