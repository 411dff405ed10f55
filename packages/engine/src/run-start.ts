import { runTimeoutAt } from '@tower/core';
import { dagRunFromJson, GroupCommit, sqlLiteral, sqlOf, taskInstanceFromJson, type DagRun, type Sql, type TaskInstance } from '@tower/db';
import { publishCommitted, type EngineDeps } from './deps.js';
import type { RunEvaluation } from './run-evaluation.js';
import { runEvent, taskEvent } from './snapshots.js';
import type { SpecCache } from './spec-cache.js';
import { journalRuns, journalTasks, runEntering, runLeaving, runStateIn, taskEntering, taskLeaving } from './state-sql.js';

/** Runs waiting for a place within maxActiveRuns. */
const RUN_WAITS = (column: string) => runLeaving(column, 'start');

/** Which of these DAGs ($1, of tenants $2) have a run waiting to start. */
const DAGS_WITH_QUEUED = `SELECT DISTINCT "dagPk" FROM "DagRun" WHERE "tenantId" = ANY($2::uuid[]) AND "dagPk" = ANY($1::uuid[]) AND ${RUN_WAITS('state')}`;

/**
 * Starts the picked runs ($1, timeouts $2, at $3) and schedules their roots ($4 runs × $5 task
 * ids), journaled; returns the runs, the roots' ids and every task of the runs (see the call).
 */
const START_RUNS = `WITH moved AS (
    UPDATE "DagRun" r SET state = ${runEntering('start')}, "startedAt" = $3, "timeoutAt" = v.timeout_at, "updatedAt" = $3
    FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, timeout_at)
    WHERE r.id = v.id AND ${runLeaving('r.state', 'start')}
    RETURNING r.*),
  moved_journal AS (${journalRuns('moved', 'start')}),
  roots AS (
    UPDATE "TaskInstance" t SET state = ${taskEntering('schedule', 'none')}, "updatedAt" = $3
    FROM unnest($4::uuid[], $5::text[]) AS x(run_id, task_id)
    WHERE t."dagRunId" = x.run_id AND t."taskId" = x.task_id AND ${taskLeaving('t.state', 'schedule', { only: ['none'], text: true })}
      AND EXISTS (SELECT 1 FROM moved WHERE moved.id = x.run_id)
    RETURNING t.id, t."tenantId", t."dagRunId", t."dagId", t."taskId", t."tryNumber", t.state, t."updatedAt"),
  roots_journal AS (${journalTasks('roots', 'schedule')})
  SELECT (SELECT json_agg(m) FROM moved m) AS runs,
         (SELECT json_agg(rt.id) FROM roots rt) AS roots,
         (SELECT json_agg(t) FROM "TaskInstance" t WHERE t."dagRunId" = ANY($1::uuid[])) AS tasks`;

const WAITING_RUN = RUN_WAITS('r.state');
const RUNNING_RUN = runStateIn('state', ['running']);

/** Read with the DAGs' locks: their queued runs (64 per DAG, in start order) and how many run in each lane. */
const queuedAndRunning = (dagArray: string): string => `SELECT
  (SELECT coalesce(json_agg(q ORDER BY q."dagPk", q.rn), '[]'::json) FROM (
     SELECT r.*, (row_number() OVER (PARTITION BY r."dagPk" ORDER BY r.priority DESC, r."logicalDate"))::int AS rn
     FROM "DagRun" r JOIN "Dag" d ON d.id = r."dagPk"
     WHERE r."dagPk" = ANY(${dagArray}) AND ${WAITING_RUN} AND d.paused = false) AS q
   WHERE q.rn <= 64) AS queued,
  (SELECT coalesce(json_agg(x), '[]'::json) FROM (
     SELECT "dagPk", "backfillId", count(*)::int AS n FROM "DagRun"
     WHERE "dagPk" = ANY(${dagArray}) AND ${RUNNING_RUN} GROUP BY 1, 2) AS x) AS running`;

interface StartRequest {
  tenantId: string;
  dagPk: string;
  /** The caller just queued a run of this DAG (no need to look). */
  knownQueued: boolean;
}

/** Starting queued runs within maxActiveRuns, then evaluating them (their roots are ready). */
export class RunStarts {
  private readonly sql: Sql;

  constructor(
    private readonly deps: EngineDeps,
    private readonly specs: SpecCache,
    private readonly evaluation: RunEvaluation,
  ) {
    this.sql = sqlOf(deps.prisma);
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
      ? await this.sql.query<{ dagPk: string }>(DAGS_WITH_QUEUED, [unknown, [...new Set(unknown.map((pk) => tenantOf.get(pk)!))]])
      : [];
    const dagPks = [...known, ...withQueued.map((d) => d.dagPk)].sort();
    if (dagPks.length === 0) return items.map(() => []);
    const dagArray = `ARRAY[${dagPks.map(sqlLiteral).join(', ')}]::uuid[]`;
    const starts = await this.sql.transaction(
      async ({ query: q, first: [read], commitWith }) => {
        // Read with the locks, in the same round trip: the queued runs (64 per DAG, in start order)
        // and how many run in each lane.
        const { queued: queuedJson, running } = read as {
          queued: Array<Record<string, unknown>>;
          running: Array<{ dagPk: string; backfillId: string | null; n: number }>;
        };
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
          const limit = backfill ? backfill.maxActiveRuns : (await this.specs.get(run.tenantId, first.get(run.dagPk)!.dagVersionId)).maxActiveRuns;
          if ((active.get(lane) ?? 0) >= limit) continue;
          const spec = await this.specs.get(run.tenantId, run.dagVersionId);
          picked.push({
            id: run.id,
            timeoutAt: runTimeoutAt(spec, now),
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
          START_RUNS,
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
        first: queuedAndRunning(dagArray),
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
      const ended = await this.evaluation.evaluate(
        started.map((run) => ({ tenantId: run.tenantId, dagRunId: run.id })),
        starts,
      );
      if (ended.length) await this.startQueuedRunsMany(ended.map((e) => ({ ...e, knownQueued: false })));
    }
    await published;
    return items.map((i) => started.filter((r) => r.dagPk === i.dagPk));
  }
}
