import {
  decideRunState,
  FINISHED_TASK_STATES,
  fairPriority,
  laneOf,
  evaluateTriggerRule,
  isFinished,
  transition,
  UNFINISHED_TASK_STATES,
  type DagSpec,
  type TaskState,
} from '@tower/core';
import { GroupCommit, sqlLiteral, sqlOf, type DagRun, type RunType, type Sql, type TaskInstance } from '@tower/db';
import type { TowerEvent } from '@tower/events';
import type { JobPayload, TaskLane } from '@tower/queue';
import { publishCommitted, type EngineDeps, type Tx } from './deps.js';

import { graphOf, type RunContext } from './evaluation-context.js';
import { compareIds } from './lock-order.js';
import { insertRunsSql } from './run-insert.js';
import { queueScheduled } from './task-queueing.js';
import { dagRunFromJson, runEvent, taskEvent, taskInstanceFromJson, tryStops } from './snapshots.js';
import type { SpecCache } from './spec-cache.js';

/** The cancel transition of every unfinished state, as a CASE over the row's state (core decides). */
const CANCEL_TO_SQL = `CASE t.state::text ${UNFINISHED_TASK_STATES.map((from) => `WHEN ${sqlLiteral(from)} THEN ${sqlLiteral(transition(from, { type: 'cancel' }).next)}`).join(' ')} END`;

const runKey = (tenantId: string, dagPk: string, logicalDate: Date) => `${tenantId}|${dagPk}|${logicalDate.getTime()}`;

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
  /** Insert only while `version` is still the DAG's latest (the caller read it from a cache). */
  requireLatest?: boolean;
}

/**
 * The run lifecycle: creating runs, starting queued runs within maxActiveRuns, and evaluating a
 * run — trigger rules to a fixpoint, queueing ready tasks within the DAG's and tenant's limits,
 * and deciding the run's outcome from its leaves. Every state change is a compare-and-set
 * (`UPDATE … WHERE state = expected`); jobs are enqueued and events published only after commit,
 * and the scheduler's reconciler re-enqueues anything a crash between the two left behind.
 */
export class RunLifecycle {
  private readonly sql: Sql;

  constructor(
    private readonly deps: EngineDeps,
    private readonly specs: SpecCache,
  ) {
    this.sql = sqlOf(deps.prisma);
  }

  /**
   * Inserts a run and its task instances; null when the run (tenant, dag, logical date) exists.
   * `tx`: a Prisma transaction to join (a file trigger's dedupe row and its run commit together);
   * null: the insert commits on its own, without waiting for the WAL flush, so the run can start at
   * once. A caller that tells anyone the run exists waits for `durable()` first (a trigger does).
   */
  async insertRun(tx: Tx | null, input: NewRun): Promise<DagRun | null> {
    if (!tx) return this.inserts.submit(input);
    const [run] = await this.insertRuns(tx, [input]);
    return run ?? null;
  }

  /**
   * Concurrent single inserts (API triggers) share one statement and one commit. Within a batch
   * the first input of a (tenant, dag, logical date) gets the run and a repeat gets null, as it
   * would one statement later.
   */
  private readonly inserts = new GroupCommit<NewRun, DagRun | null>(async (inputs) => {
    const created = new Map((await this.insertRuns(null, inputs)).map((run) => [runKey(run.tenantId, run.dagPk, run.logicalDate), run]));
    return inputs.map((input) => {
      const key = runKey(input.tenantId, input.dagPk, input.logicalDate);
      const run = created.get(key) ?? null;
      created.delete(key);
      return run;
    });
  });

  /**
   * Whether a run this process inserted (asynchronously) is durable: true once it is flushed with
   * the WAL, false if it is gone — a database crash lost it before the flush. Concurrent callers
   * share one barrier (`Sql.flushed`): a synchronous commit of its own, which carries the earlier
   * asynchronous ones with it, and which looks for the runs in the same transaction, since after a
   * crash and recovery in between the barrier's flush would say nothing of them.
   */
  durable(runId: string): Promise<boolean> {
    return this.barriers.submit(runId);
  }

  private readonly barriers = new GroupCommit<string, boolean>(async (runIds) => {
    const ids = [...new Set(runIds)].sort(compareIds);
    const rows = await this.sql.flushed(`SELECT id::text AS id FROM "DagRun" WHERE id = ANY(ARRAY[${ids.map(sqlLiteral).join(', ')}]::uuid[])`);
    const present = new Set(rows.map((r) => r.id as string));
    return runIds.map((id) => present.has(id));
  });

  /**
   * Inserts many runs and their task instances in one statement (insertRunsSql). Runs whose
   * (tenant, dag, logical date) already exists are skipped; the created ones are returned. In `tx`,
   * or (null) in a transaction of its own that commits without waiting for the flush (insertRun).
   */
  private async insertRuns(tx: Tx | null, inputs: NewRun[]): Promise<DagRun[]> {
    if (inputs.length === 0) return [];
    const now = this.deps.clock();
    if (tx) return insertRunsSql(sqlOf(tx).query, inputs, now);
    return this.sql.transaction((query) => insertRunsSql(query, inputs, now), { asyncCommit: true });
  }

  /**
   * Moves queued runs of a DAG to running, in two lanes: regular runs (scheduled, manual,
   * triggered) within the DAG's maxActiveRuns, and each backfill's runs within that backfill's own
   * maxActiveRuns — a backfill never takes a regular run's place. Then evaluates them. Concurrent
   * calls of a process (many triggers, many runs finishing) are group-committed into one
   * transaction that holds the DAGs' locks, taken in a stable order.
   */
  startQueuedRuns(tenantId: string, dagPk: string, opts: { knownQueued?: boolean } = {}): Promise<DagRun[]> {
    return this.starts.submit({ tenantId, dagPk, knownQueued: opts.knownQueued ?? false });
  }

  private readonly starts = new GroupCommit<StartRequest, DagRun[]>((items) => this.startQueuedRunsMany(items));

  private async startQueuedRunsMany(items: StartRequest[]): Promise<DagRun[][]> {
    const tenantOf = new Map(items.map((i) => [i.dagPk, i.tenantId]));
    // Most calls (a run finished) find nothing queued: look before taking locks, unless the caller
    // just queued a run (a trigger). A run queued after this look is started by its own trigger's
    // call (or the scheduler's sweep).
    const known = new Set(items.filter((i) => i.knownQueued).map((i) => i.dagPk));
    const unknown = [...tenantOf.keys()].filter((pk) => !known.has(pk));
    const withQueued = unknown.length
      ? await this.sql.query<{ dagPk: string }>(
          `SELECT DISTINCT "dagPk" FROM "DagRun" WHERE "tenantId" = ANY($2::uuid[]) AND "dagPk" = ANY($1::uuid[]) AND state = 'queued'`,
          [unknown, [...new Set(unknown.map((pk) => tenantOf.get(pk)!))]],
        )
      : [];
    const dagPks = [...known, ...withQueued.map((d) => d.dagPk)].sort();
    if (dagPks.length === 0) return items.map(() => []);
    const dagArray = `ARRAY[${dagPks.map(sqlLiteral).join(', ')}]::uuid[]`;
    const starts = await this.sql.transaction(
      async (q, [read], commitWith) => {
      // Read with the locks, in the same round trip: the queued runs (64 per DAG, in start order)
      // and how many run in each lane.
      const { queued: queuedJson, running } = read as { queued: Array<Record<string, unknown>>; running: Array<{ dagPk: string; backfillId: string | null; n: number }> };
      const queued = queuedJson.map(dagRunFromJson).filter((r) => r.tenantId === tenantOf.get(r.dagPk));
      if (queued.length === 0) return [];
      const active = new Map(running.map((r) => [`${r.dagPk}|${r.backfillId ?? ''}`, r.n]));
      const backfillIds = [...new Set(queued.map((r) => r.backfillId).filter((id): id is string => id !== null))];
      const backfills = new Map(
        backfillIds.length
          ? (
              await q<{ id: string; maxActiveRuns: number; canceledAt: Date | null }>(
                `SELECT id, "maxActiveRuns", "canceledAt" FROM "Backfill" WHERE id = ANY($1::uuid[])`,
                [backfillIds],
              )
            ).map((b) => [b.id, b])
          : [],
      );
      const now = this.deps.clock();
      const picked: Array<{ id: string; timeoutAt: Date | null; roots: string[] }> = [];
      const first = new Map<string, DagRun>();
      for (const run of queued) {
        if (!first.has(run.dagPk)) first.set(run.dagPk, run);
        const lane = `${run.dagPk}|${run.backfillId ?? ''}`;
        const backfill = run.backfillId ? backfills.get(run.backfillId) : undefined;
        if (backfill?.canceledAt) continue;
        const limit = backfill ? backfill.maxActiveRuns : (await this.specs.get(this.deps.prisma, run.tenantId, first.get(run.dagPk)!.dagVersionId)).maxActiveRuns;
        if ((active.get(lane) ?? 0) >= limit) continue;
        const spec = await this.specs.get(this.deps.prisma, run.tenantId, run.dagVersionId);
        picked.push({
          id: run.id,
          timeoutAt: spec.dagRunTimeoutSeconds ? new Date(now.getTime() + spec.dagRunTimeoutSeconds * 1000) : null,
          roots: spec.tasks.filter((t) => (t.dependsOn ?? []).length === 0).map((t) => t.taskId),
        });
        active.set(lane, (active.get(lane) ?? 0) + 1);
      }
      if (picked.length === 0) return [];
      // The last statement commits in the same round trip. It also schedules each started run's
      // roots (a task without upstream is ready whatever its trigger rule) and returns every task of
      // the run, so the evaluation that follows needs neither a read nor a trigger-rule pass to
      // queue them. A statement's sub-selects see the rows as before its own updates: the roots the
      // update moved (their ids) are patched below.
      //
      // Every part is a single pass whatever the planner believes of the CTEs' sizes (it guesses
      // one row for each, and rarely-analyzed state counts made it worse): the roots are reached
      // through the (dagRunId, taskId) key only (`state::text` keeps the state index out; driven by
      // the state index, the update probed every root pair per TaskInstance row: 2 s for 140
      // runs), and the three results are aggregated apart rather than joined (a join of the runs
      // to their grouped tasks re-sorted the tasks once per run).
      const ids = picked.map((p) => p.id);
      const [out] = await commitWith<{ runs: Array<Record<string, unknown>> | null; roots: string[] | null; tasks: Array<Record<string, unknown>> | null }>(
        `WITH moved AS (
           UPDATE "DagRun" r SET state = 'running', "startedAt" = $3, "timeoutAt" = v.timeout_at, "updatedAt" = $3
           FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, timeout_at)
           WHERE r.id = v.id AND r.state = 'queued'
           RETURNING r.*),
         roots AS (
           UPDATE "TaskInstance" t SET state = 'scheduled', "updatedAt" = $3
           FROM unnest($4::uuid[], $5::text[]) AS x(run_id, task_id)
           WHERE t."dagRunId" = x.run_id AND t."taskId" = x.task_id AND t.state::text = 'none'
             AND EXISTS (SELECT 1 FROM moved WHERE moved.id = x.run_id)
           RETURNING t.id)
         SELECT (SELECT json_agg(m) FROM moved m) AS runs,
                (SELECT json_agg(rt.id) FROM roots rt) AS roots,
                (SELECT json_agg(t) FROM "TaskInstance" t WHERE t."dagRunId" = ANY($1::uuid[])) AS tasks`,
        [ids, picked.map((p) => p.timeoutAt), now, picked.flatMap((p) => p.roots.map(() => p.id)), picked.flatMap((p) => p.roots)],
      );
      // The roots' rows as the update wrote them: scheduled, at `now`.
      const roots = new Set(out.roots ?? []);
      const tasksOf = new Map<string, TaskInstance[]>();
      for (const json of out.tasks ?? []) {
        const ti = taskInstanceFromJson(json);
        if (roots.has(ti.id)) Object.assign(ti, { state: 'scheduled', updatedAt: now });
        const list = tasksOf.get(ti.dagRunId);
        if (list) list.push(ti);
        else tasksOf.set(ti.dagRunId, [ti]);
      }
      // In the order they were picked (priority, then logical date): evaluation queues them so.
      const order = new Map(ids.map((id, i) => [id, i]));
      return (out.runs ?? [])
        .map((json) => {
          const run = dagRunFromJson(json);
          return { run, tasks: tasksOf.get(run.id) ?? [] };
        })
        .sort((a, b) => order.get(a.run.id)! - order.get(b.run.id)!);
      },
      {
        lockKeys: dagPks,
        // A start lost with the database's last commits leaves the run queued: the queued-runs
        // sweep starts it again.
        asyncCommit: true,
        first: `SELECT
          (SELECT coalesce(json_agg(q ORDER BY q."dagPk", q.rn), '[]'::json) FROM (
             SELECT r.*, (row_number() OVER (PARTITION BY r."dagPk" ORDER BY r.priority DESC, r."logicalDate"))::int AS rn
             FROM "DagRun" r JOIN "Dag" d ON d.id = r."dagPk"
             WHERE r."dagPk" = ANY(${dagArray}) AND r.state = 'queued' AND d.paused = false) AS q
           WHERE q.rn <= 64) AS queued,
          (SELECT coalesce(json_agg(x), '[]'::json) FROM (
             SELECT "dagPk", "backfillId", count(*)::int AS n FROM "DagRun"
             WHERE "dagPk" = ANY(${dagArray}) AND state = 'running' GROUP BY 1, 2) AS x) AS running`,
      },
    );
    const started = starts.map((s) => s.run);
    // The runs' events go out while they are evaluated (first on the connection, so before their
    // tasks' events): their first tasks do not wait for the publish. The starts are committed, so
    // a publish that fails is logged, not thrown (a retry would not re-send them anyway).
    const published = publishCommitted(
      this.deps,
      [...starts.map((s) => runEvent(s.run)), ...starts.flatMap((s) => s.tasks.filter((t) => t.state === 'scheduled').map(taskEvent))],
      'run-started',
    );
    if (started.length) {
      // Runs that end at once (nothing to run) free their place: start the next ones here, not
      // through the group commit this call is part of.
      const ended = await this.evaluate(
        started.map((run) => ({ tenantId: run.tenantId, dagRunId: run.id })),
        starts,
      );
      if (ended.length) await this.startQueuedRunsMany(ended.map((e) => ({ ...e, knownQueued: false })));
    }
    await published;
    return items.map((i) => started.filter((r) => r.dagPk === i.dagPk));
  }

  /**
   * Ends a queued or running run as `canceled` (cancelDagRun) or `failed` (dagRunTimeoutSeconds):
   * unfinished tasks are skipped, running tries are stopped by their workers on the events. Null
   * when the run had already finished (compare-and-set).
   */
  async stopRun(tenantId: string, runId: string, state: 'canceled' | 'failed', reason: string): Promise<DagRun | null> {
    const now = this.deps.clock();
    const events: TowerEvent[] = [];
    let moved: TaskInstance[] = [];
    const stopped = await this.sql.transaction(async (q) => {
      const [run] = await q<DagRun>(
        `UPDATE "DagRun" SET state = $3::"RunState", "endedAt" = $4, "updatedAt" = $4
         WHERE id = $1 AND "tenantId" = $2 AND state IN ('queued', 'running') RETURNING *`,
        [runId, tenantId, state, now],
      );
      if (!run) return null;
      events.push(runEvent(run));
      // Every unfinished task instance in one statement, locked in id order first (lock-order.ts:
      // a worker's end batch may hold some of them; the lock re-checks a row changed meanwhile and
      // leaves it out if it finished). Each row's new state is computed from its state as locked,
      // so the statement is a compare-and-set per row.
      moved = await q<TaskInstance>(
        `UPDATE "TaskInstance" t
         SET state = (${CANCEL_TO_SQL})::"TaskState", "endedAt" = $3, "nextAttemptAt" = NULL, "heartbeatAt" = NULL, "updatedAt" = $3
         WHERE t.id IN (SELECT l.id FROM "TaskInstance" l
                        WHERE l."dagRunId" = $1 AND l."tenantId" = $2 AND l.state::text = ANY($4::text[])
                        ORDER BY l.id FOR UPDATE)
         RETURNING t.*`,
        [run.id, tenantId, now, [...UNFINISHED_TASK_STATES]],
      );
      events.push(...moved.map(taskEvent));
      return run;
    });
    if (!stopped) return null;
    await publishCommitted(this.deps, events, state === 'canceled' ? 'cancel' : 'run timeout', tryStops(moved));
    this.deps.logger.info({ tenantId, dagId: stopped.dagId, runId: stopped.runId, state, reason }, 'dag run stopped');
    await this.startQueuedRuns(tenantId, stopped.dagPk);
    return stopped;
  }

  /**
   * Re-evaluates one running run: trigger rules, queueing within limits, and the run's outcome.
   * Called with the finished task ids when tasks finish (event-driven downstream readiness: only
   * their downstream tasks are looked at, so a wide run costs the same per task as a small one),
   * with `[]` when only queueing can change (a retry promoted, capacity freed), and with no ids
   * (the whole run) when a run starts, after clear/mark, and by the scheduler's stalled-run sweep.
   */
  async evaluateRun(tenantId: string, dagRunId: string, finishedTaskIds?: readonly string[]): Promise<void> {
    await this.evaluateRuns([{ tenantId, dagRunId, finishedTaskIds }]);
  }

  /**
   * Evaluates many runs at once, set-based: a handful of statements for a whole batch of
   * finished tasks, whatever their runs. No lock is taken for the trigger rules: every change is
   * a compare-and-set committed at once, evaluation starts after the finished tasks were
   * committed, and each round decides on fresh reads of every state not already seen finished —
   * so whichever evaluation changes a task last re-reads its downstream's upstream afterwards,
   * and a downstream task is not left waiting. Queueing takes the tenant's lock (quota, pools,
   * maxActiveTasks). A failed evaluation is caught up by the scheduler's sweeps.
   */
  async evaluateRuns(requests: readonly EvaluationRequest[]): Promise<void> {
    for (const { tenantId, dagPk } of await this.evaluate(requests)) await this.startQueuedRuns(tenantId, dagPk);
  }

  /** evaluateRuns without starting the next queued runs: returns the DAGs whose runs finished. */
  private async evaluate(
    requests: readonly EvaluationRequest[],
    /** Runs this process just started, with every task as committed: nothing to read for them. */
    justStarted?: Array<{ run: DagRun; tasks: TaskInstance[] }>,
  ): Promise<Array<{ tenantId: string; dagPk: string }>> {
    const knownTasks = new Map(justStarted?.map((s) => [s.run.id, s.tasks]));
    const db = this.deps.prisma;
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
        await this.sql.query<DagRun & { hasScheduled: boolean; allFinished: boolean; tenantBacklog: boolean }>(
          `SELECT r.*,
                  EXISTS (SELECT 1 FROM "TaskInstance" t WHERE t."dagRunId" = r.id AND t.state::text = 'scheduled') AS "hasScheduled",
                  EXISTS (SELECT 1 FROM "TaskInstance" t WHERE t."tenantId" = r."tenantId" AND t.state = 'scheduled') AS "tenantBacklog",
                  NOT EXISTS (SELECT 1 FROM "TaskInstance" t WHERE t."dagRunId" = r.id AND NOT (t.state::text = ANY($2::text[]))) AS "allFinished"
           FROM "DagRun" r WHERE r.id = ANY($1::uuid[]) AND r.state::text = 'running'`,
          [[...wanted.keys()], [...FINISHED_TASK_STATES]],
        )
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
      const spec = await this.specs.get(db, run.tenantId, run.dagVersionId);
      ctx.set(run.id, { run, spec, graph: graphOf(spec), states: new Map(), fresh: new Set(), full: wanted.get(run.id)!.full, hasScheduled, allFinished, changed: new Set() });
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
        candidates.set(id, [...ctx.get(id)!.states.values()].filter((t) => t.state === 'none').map((t) => t.taskId));
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
        const moved = await this.sql.query<TaskInstance>(
          `UPDATE "TaskInstance" t
           SET state = v.state::"TaskState", "endedAt" = CASE WHEN v.finished THEN $3 ELSE t."endedAt" END, "updatedAt" = $3
           FROM unnest($1::uuid[], $2::text[], $4::bool[]) AS v(id, state, finished)
           WHERE t.id = v.id AND t.state = 'none'
           RETURNING t.*`, [decisions.map((d) => d.id), decisions.map((d) => d.state), now, decisions.map((d) => isFinished(d.state))]);
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
    await this.deps.queue.enqueueRunTasks(jobs);

    // 3. The outcome of runs with nothing left to do, decided by their leaves. Known without a
    // query for whole-run evaluations (every state is loaded) and for runs this pass left alone.
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
        ...(await this.sql.query<{ id: string }>(
          `SELECT r.id FROM unnest($1::uuid[]) AS r(id)
           WHERE NOT EXISTS (SELECT 1 FROM "TaskInstance" t WHERE t."dagRunId" = r.id AND NOT (t.state::text = ANY($2::text[])))`,
          [toCheck, [...FINISHED_TASK_STATES]],
        )),
      );
    }
    if (done.length) {
      const doneIds = done.map((d) => d.id);
      const leaves = await this.sql.query<{ dagRunId: string; taskId: string; state: string }>(
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
        const finished = await this.sql.query<DagRun>(
          `UPDATE "DagRun" r SET state = v.state::"RunState", "endedAt" = $3, "updatedAt" = $3
           FROM unnest($1::uuid[], $2::text[]) AS v(id, state)
           WHERE r.id = v.id AND r.state = 'running'
           RETURNING r.*`,
          [outcomes.map((o) => o.id), outcomes.map((o) => o.state), now],
        );
        for (const run of finished) {
          finishedRuns.push(run);
          events.push(runEvent(run));
        }
      }
    }

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
    const rows = await this.sql.query<TaskInstance>(`SELECT * FROM "TaskInstance" WHERE "dagRunId" = ANY($1::uuid[]) AND "taskId" = ANY($2::text[])`, [runIds, [...taskIds]]);
    for (const row of rows) {
      const c = ctx.get(row.dagRunId)!;
      c.states.set(row.taskId, row);
      c.fresh.add(row.taskId);
    }
  }

}

interface StartRequest {
  tenantId: string;
  dagPk: string;
  /** The caller just queued a run of this DAG (no need to look). */
  knownQueued: boolean;
}

export interface EvaluationRequest {
  tenantId: string;
  dagRunId: string;
  /** Tasks that just finished (only their downstream is looked at); absent: the whole run. */
  finishedTaskIds?: readonly string[];
}
