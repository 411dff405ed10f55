import { alertsForChange, runEndResolutions, SENSOR_TASK_TYPES, type AlertChange, type AlertRuleConfig } from '@tower/core';
import { sqlOf, type AlertRule, type Sql, type SqlQuery } from '@tower/db';
import { AlertStore, EVALUATOR_LOCK, mergeWrites, noWrites, type AlertWrites } from './alert-store.js';
import type { AlertsDeps } from './deps.js';
import { sweepTimers } from './timer-sweep.js';

export { EVALUATOR_LOCK };

/**
 * BEGIN's first statement: the lock, the cursor, and the horizon — the oldest transaction still in
 * progress. Every journal row below the horizon has committed or never will, so nothing can appear
 * under the cursor once it has moved past.
 */
const START = `SELECT pg_try_advisory_xact_lock(hashtext('${EVALUATOR_LOCK}')) AS locked,
  pg_snapshot_xmin(pg_current_snapshot())::text AS horizon, c.xid::text AS xid, c."lastId"::text AS "lastId", c."sweptAt" AS "sweptAt"
  FROM (SELECT 1) one LEFT JOIN "AlertCursor" c ON c.name = 'journal'`;

/** The journal rows alert rules watch, in commit-safe order. The predicate is the partial index's. */
const READ_JOURNAL = `SELECT sc.id::text AS id, sc.xid::text AS xid, sc."tenantId", sc.entity::text AS entity, sc."entityId", sc."dagRunId",
    sc."dagId", sc."taskId", sc."tryNumber", sc.state, sc.event, sc.at
  FROM "StateChange" sc
  WHERE (sc.xid, sc.id) > ($1::xid8, $2::bigint) AND sc.xid < $3::xid8
    AND ((sc.entity = 'run' AND sc.state = ANY (ARRAY['failed', 'success', 'canceled'])) OR (sc.entity = 'task' AND sc.state = ANY (ARRAY['failed', 'up_for_retry'])))
  ORDER BY sc.xid, sc.id
  LIMIT $4`;

/**
 * Moves the cursor: a compare-and-set on where this batch started. START's snapshot is taken before
 * its lock call, so a replica that got the lock just as another committed may have read the old
 * cursor; its move then matches no row and its batch rolls back (the other replica did it).
 */
const MOVE_CURSOR = `UPDATE "AlertCursor" SET xid = $1::numeric, "lastId" = $2::bigint, "sweptAt" = $3, "updatedAt" = now()
  WHERE name = 'journal' AND xid = $4::numeric AND "lastId" = $5::bigint RETURNING name`;
const CREATE_CURSOR = `INSERT INTO "AlertCursor" (name, xid, "lastId", "sweptAt", "updatedAt") VALUES ('journal', $1::numeric, $2::bigint, $3, now())
  ON CONFLICT (name) DO NOTHING RETURNING name`;

class CursorMoved extends Error {}

const RULES_OF = `SELECT * FROM "AlertRule" WHERE "tenantId" = ANY($1::uuid[]) AND enabled AND event <> ALL (ARRAY['RUN_DURATION', 'RUN_DEADLINE', 'FRESHNESS']::"AlertEvent"[])`;
/** Which events fire now per DAG: a resolution is only sent where something of its kind fires. */
const FIRING = `SELECT DISTINCT "tenantId", "dagId", event::text AS event FROM "Alert" WHERE state = 'FIRING' AND "tenantId" = ANY($1::uuid[])`;
const DAG_TAGS = `SELECT d."tenantId", d."dagId", d.tags FROM "Dag" d JOIN unnest($1::uuid[], $2::text[]) AS k(t, id) ON d."tenantId" = k.t AND d."dagId" = k.id`;
const RUNS = `SELECT id, "runId", "logicalDate" FROM "DagRun" WHERE id = ANY($1::uuid[])`;
/** Each run's earlier finished runs of its DAG by logical date, newest first. */
const HISTORY = `SELECT k.id, coalesce(h.states, ARRAY[]::text[]) AS states
  FROM unnest($1::uuid[]) AS k(id) JOIN "DagRun" r ON r.id = k.id
  CROSS JOIN LATERAL (SELECT array_agg(p.state::text ORDER BY p."logicalDate" DESC) AS states FROM (
    SELECT state, "logicalDate" FROM "DagRun" p WHERE p."tenantId" = r."tenantId" AND p."dagPk" = r."dagPk" AND p."logicalDate" < r."logicalDate"
      AND p.state = ANY (ARRAY['success', 'failed', 'canceled']::"RunState"[]) ORDER BY p."logicalDate" DESC LIMIT $2) p) h`;
/** A failed run's first failed task (by when it ended) with its last try's error. */
const FAILED_TASKS = `SELECT DISTINCT ON (ti."dagRunId") ti."dagRunId", ti."taskId", tt.error
  FROM "TaskInstance" ti LEFT JOIN "TaskTry" tt ON tt."taskInstanceId" = ti.id AND tt."tryNumber" = ti."tryNumber"
  WHERE ti."dagRunId" = ANY($1::uuid[]) AND ti.state = 'failed' ORDER BY ti."dagRunId", ti."endedAt" NULLS LAST`;
const TASKS = `SELECT ti.id, ti.operator, tt.error FROM unnest($1::uuid[], $2::int[]) AS k(id, try)
  JOIN "TaskInstance" ti ON ti.id = k.id LEFT JOIN "TaskTry" tt ON tt."taskInstanceId" = k.id AND tt."tryNumber" = k.try`;

interface JournalRow {
  id: string;
  xid: string;
  tenantId: string;
  entity: 'task' | 'run';
  entityId: string;
  dagRunId: string;
  dagId: string;
  taskId: string | null;
  tryNumber: number | null;
  state: string;
  event: string;
  at: Date;
}

export interface EvaluatorOptions {
  /** Journal rows read per transaction. */
  batchSize: number;
  /** How often the timer-driven rules (duration, deadline, freshness) are swept. */
  sweepMs: number;
}

export interface EvaluationResult {
  /** False when another replica held the evaluator lock. */
  ran: boolean;
  changes: number;
  swept: boolean;
  writes: AlertWrites;
  /** True when the batch was full: call again at once. */
  more: boolean;
}

/**
 * Evaluates alert rules from what Postgres committed: the state-change journal (an outbox) read
 * behind a cursor that moves in the same transaction as the alerts it produced, so a crash loses
 * no alert and produces none twice, and one replica at a time does it (advisory lock). Timer-driven
 * rules are swept in that transaction too, so they fire when nothing else happens and after a
 * restart (their state is the alerts already fired).
 */
export class AlertEvaluator {
  private readonly sql: Sql;
  private readonly store: AlertStore;

  constructor(
    private readonly deps: AlertsDeps,
    private readonly opts: EvaluatorOptions = { batchSize: 500, sweepMs: 5000 },
  ) {
    this.sql = sqlOf(deps.prisma);
    this.store = new AlertStore(this.sql, deps);
  }

  async evaluate(): Promise<EvaluationResult> {
    return this.sql
      .transaction(
        async (tx) => {
          const start = tx.first[0] as { locked: boolean; horizon: string; xid: string | null; lastId: string | null; sweptAt: Date | null };
          if (!start?.locked) return { ran: false, changes: 0, swept: false, writes: noWrites(), more: false };
          const now = this.deps.clock();
          // No cursor (a database restored without it): start at the present, as the migration does.
          const from = start.xid === null ? { xid: start.horizon, lastId: '0' } : { xid: start.xid, lastId: start.lastId ?? '0' };
          const rows = await tx.query<JournalRow>(READ_JOURNAL, [from.xid, from.lastId, start.horizon, this.opts.batchSize]);
          const writes = await this.apply(tx.query, rows);
          const more = rows.length === this.opts.batchSize;
          const last = rows[rows.length - 1];
          const cursor = more ? { xid: last.xid, lastId: last.id } : { xid: start.horizon, lastId: '0' };
          const swept = !start.sweptAt || now.getTime() - start.sweptAt.getTime() >= this.opts.sweepMs;
          if (swept) mergeWrites(writes, await sweepTimers(tx.query, this.store, now));
          // Nothing read and nothing swept: the cursor stays (below the horizon nothing new can
          // appear), so an idle evaluator writes a row every sweep, not every poll.
          if (rows.length === 0 && !swept && start.xid !== null) return { ran: true, changes: 0, swept, writes, more };
          const sweptAt = swept ? now : (start.sweptAt ?? now);
          const moved =
            start.xid === null
              ? await tx.query(CREATE_CURSOR, [cursor.xid, cursor.lastId, sweptAt])
              : await tx.query(MOVE_CURSOR, [cursor.xid, cursor.lastId, sweptAt, from.xid, from.lastId]);
          if (moved.length === 0) throw new CursorMoved();
          return { ran: true, changes: rows.length, swept, writes, more };
        },
        { first: START },
      )
      .catch((err: unknown) => {
        if (err instanceof CursorMoved) return { ran: false, changes: 0, swept: false, writes: noWrites(), more: true };
        throw err;
      });
  }

  /** The journal rows' alerts, in journal order (a failure opens before a later success resolves it). */
  private async apply(q: SqlQuery, rows: JournalRow[]): Promise<AlertWrites> {
    const writes = noWrites();
    if (rows.length === 0) return writes;
    const tenants = [...new Set(rows.map((r) => r.tenantId))];
    const rules = await q<AlertRule>(RULES_OF, [tenants]);
    const firing = new Set((await q<{ tenantId: string; dagId: string; event: string }>(FIRING, [tenants])).map((f) => `${f.tenantId}/${f.dagId}/${f.event}`));
    const rulesOf = groupBy(rules, (r) => r.tenantId);
    const watched = rows.filter((r) => rulesOf.has(r.tenantId));
    const context = await this.context(q, watched, rules);
    for (const row of rows) {
      const key = `${row.tenantId}/${row.dagId}`;
      const tenantRules = (rulesOf.get(row.tenantId) ?? []).filter((r) => r.createdAt <= row.at);
      const change = tenantRules.length > 0 ? context.changeOf(row) : null;
      const opens = change ? alertsForChange(tenantRules, change).open : [];
      // Resolutions need no rule: whatever fired for this DAG before is what a success resolves.
      // Each is sent only where an alert of its kind fires (most runs end with nothing to resolve).
      if (row.entity === 'run') {
        for (const r of runEndResolutions({ ...row, state: row.state as 'success' | 'failed' | 'canceled' })) {
          if (r.events.some((e) => firing.has(`${key}/${e}`))) mergeWrites(writes, await this.store.resolve(q, r));
        }
      }
      for (const opening of opens) {
        const opened = await this.store.open(q, opening);
        for (const c of opened.changes) if (c.alert.state === 'FIRING') firing.add(`${key}/${c.alert.event}`);
        mergeWrites(writes, opened);
      }
    }
    return writes;
  }

  /** What the rules need beside a journal row: DAG tags, run ids, run history, task operators and errors. */
  private async context(q: SqlQuery, rows: JournalRow[], rules: AlertRuleConfig[]) {
    const dagKeys = uniqueBy(rows, (r) => `${r.tenantId}/${r.dagId}`);
    const runIds = [...new Set(rows.map((r) => r.dagRunId))];
    const depth = Math.max(1, ...rules.filter((r) => r.event === 'CONSECUTIVE_FAILURES').map((r) => (r.consecutiveFailures ?? 1) - 1));
    const needsHistory = rules.some((r) => r.event === 'RUN_RECOVERED' || r.event === 'CONSECUTIVE_FAILURES');
    const runRows = rows.filter((r) => r.entity === 'run');
    const taskRows = rows.filter((r) => r.entity === 'task');
    const failedRuns = runRows.filter((r) => r.state === 'failed').map((r) => r.entityId);
    const [tags, runs, history, tasks, failedTasks] = await Promise.all([
      dagKeys.length ? q<{ tenantId: string; dagId: string; tags: string[] }>(DAG_TAGS, [dagKeys.map((r) => r.tenantId), dagKeys.map((r) => r.dagId)]) : [],
      runIds.length ? q<{ id: string; runId: string; logicalDate: Date }>(RUNS, [runIds]) : [],
      needsHistory && runRows.length ? q<{ id: string; states: string[] }>(HISTORY, [[...new Set(runRows.map((r) => r.entityId))], depth]) : [],
      taskRows.length
        ? q<{ id: string; operator: string; error: string | null }>(TASKS, [taskRows.map((r) => r.entityId), taskRows.map((r) => r.tryNumber ?? 1)])
        : [],
      failedRuns.length ? q<{ dagRunId: string; taskId: string; error: string | null }>(FAILED_TASKS, [failedRuns]) : [],
    ]);
    const failedTaskOf = new Map(failedTasks.map((f) => [f.dagRunId, { taskId: f.taskId, error: f.error }]));
    const tagsOf = new Map(tags.map((t) => [`${t.tenantId}/${t.dagId}`, t.tags]));
    const runOf = new Map(runs.map((r) => [r.id, r]));
    const historyOf = new Map(history.map((h) => [h.id, h.states]));
    const taskOf = new Map(tasks.map((t) => [t.id, t]));
    return {
      changeOf(row: JournalRow): AlertChange | null {
        const run = runOf.get(row.dagRunId);
        if (!run) return null; // the run was deleted since
        const base = {
          tenantId: row.tenantId,
          dagId: row.dagId,
          tags: tagsOf.get(`${row.tenantId}/${row.dagId}`) ?? [],
          dagRunId: row.dagRunId,
          runId: run.runId,
          at: row.at,
        };
        if (row.entity === 'run') {
          return {
            ...base,
            kind: 'run',
            logicalDate: run.logicalDate,
            state: row.state as 'success' | 'failed' | 'canceled',
            previous: (historyOf.get(row.entityId) ?? []) as Array<'success' | 'failed' | 'canceled'>,
            failedTask: failedTaskOf.get(row.entityId) ?? null,
          };
        }
        const task = taskOf.get(row.entityId);
        return {
          ...base,
          kind: 'task',
          taskId: row.taskId ?? '',
          tryNumber: row.tryNumber ?? 1,
          state: row.state as 'failed' | 'up_for_retry',
          event: row.event,
          sensor: task ? SENSOR_TASK_TYPES.has(task.operator) : false,
          error: task?.error ?? null,
        };
      },
    };
  }
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
