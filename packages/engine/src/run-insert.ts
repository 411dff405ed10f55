import type { DagSpec } from '@tower/core';
import type { DagRun, SqlQuery } from '@tower/db';
import type { NewRun } from './run-lifecycle.js';

/** DagRun's columns in the model's field order, and those holding a date (read back as Date). */
const RUN_COLUMNS = [
  'id',
  'tenantId',
  'dagPk',
  'dagId',
  'dagVersionId',
  'dagVersion',
  'runId',
  'runType',
  'state',
  'logicalDate',
  'dataIntervalStart',
  'dataIntervalEnd',
  'params',
  'priority',
  'queuedAt',
  'startedAt',
  'endedAt',
  'timeoutAt',
  'backfillId',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof DagRun>;
const DATE_COLUMNS = ['logicalDate', 'dataIntervalStart', 'dataIntervalEnd', 'queuedAt', 'startedAt', 'endedAt', 'timeoutAt', 'updatedAt'] as const satisfies ReadonlyArray<keyof DagRun>;

/**
 * One statement for a whole batch. The runs ($1) and the task lists of their specs ($2, one list
 * per distinct spec, keyed by its ordinal) come in as JSON documents: one parameter each, which
 * costs the driver far less than a dozen 10,000-element arrays. Runs are inserted in key order
 * with ON CONFLICT DO NOTHING (a run whose (tenant, dag, logical date) or (tenant, dag, runId)
 * exists is skipped, whoever inserted it); the runs actually inserted get their task instances;
 * the inserted rows come back as one JSON array (cheaper to read than 10,000 rows).
 */
const INSERT_RUNS_SQL = `
WITH raw AS (
  SELECT * FROM json_to_recordset($1::json) AS i(
    spec int, "tenantId" uuid, "dagPk" uuid, "dagId" text, "dagVersionId" uuid, "dagVersion" int, "runId" text, "runType" "RunType",
    "logicalMs" float8, "startMs" float8, "endMs" float8, params jsonb, priority int, "backfillId" uuid)
), input AS (
  SELECT i.*, to_timestamp("logicalMs" / 1000) AS "logicalDate", to_timestamp("startMs" / 1000) AS "dataIntervalStart",
         to_timestamp("endMs" / 1000) AS "dataIntervalEnd"
  FROM raw i
), runs AS (
  INSERT INTO "DagRun" ("tenantId", "dagPk", "dagId", "dagVersionId", "dagVersion", "runId", "runType", state,
                        "logicalDate", "dataIntervalStart", "dataIntervalEnd", params, priority, "queuedAt",
                        "backfillId", "updatedAt")
  SELECT "tenantId", "dagPk", "dagId", "dagVersionId", "dagVersion", "runId", "runType", 'queued',
         "logicalDate", "dataIntervalStart", "dataIntervalEnd", params, priority, $3::timestamptz,
         "backfillId", $3::timestamptz
  FROM input ORDER BY "tenantId", "dagPk", "logicalDate"
  ON CONFLICT DO NOTHING
  RETURNING ${RUN_COLUMNS.map((c) => `"${c}"`).join(', ')}
), tasks AS (
  SELECT * FROM json_to_recordset($2::json) AS t(spec int, "taskId" text, operator text, "maxTries" int, pool text, "priorityWeight" int)
), tis AS (
  INSERT INTO "TaskInstance" ("tenantId", "dagRunId", "dagId", "taskId", operator, "maxTries", pool, "priorityWeight", "updatedAt")
  SELECT r."tenantId", r.id, r."dagId", t."taskId", t.operator, t."maxTries", t.pool, t."priorityWeight", $3::timestamptz
  FROM runs r
  JOIN input i ON i."tenantId" = r."tenantId" AND i."dagPk" = r."dagPk" AND i."logicalDate" = r."logicalDate"
  JOIN tasks t ON t.spec = i.spec
)
SELECT coalesce(json_agg(runs), '[]'::json) AS runs FROM runs`;

/**
 * Inserts runs and their task instances in one round trip (the scheduler's cron batch): runs whose
 * (tenant, dag, logical date) — or (tenant, dag, runId) — already exists are skipped, so a second
 * scheduler replica never creates a duplicate; the runs created are returned as complete DagRun
 * rows (every column, dates as Date, as Prisma returns them). `now` is the runs' queuedAt (and
 * every new row's updatedAt). Inputs repeating a key count once (the first wins).
 */
export async function insertRunsSql(query: SqlQuery, inputs: readonly NewRun[], now: Date): Promise<DagRun[]> {
  const seen = new Set<string>();
  const runs: object[] = [];
  const tasks: object[] = [];
  // Runs sharing a spec object (a backfill's runs, say) share one task list.
  const specOrd = new Map<DagSpec, number>();
  for (const input of inputs) {
    const key = `${input.tenantId}|${input.dagPk}|${input.logicalDate.getTime()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let spec = specOrd.get(input.spec);
    if (spec === undefined) {
      spec = specOrd.size;
      specOrd.set(input.spec, spec);
      for (const t of input.spec.tasks) {
        tasks.push({ spec, taskId: t.taskId, operator: t.type, maxTries: t.retries + 1, pool: t.pool, priorityWeight: t.priorityWeight });
      }
    }
    runs.push({
      spec,
      tenantId: input.tenantId,
      dagPk: input.dagPk,
      dagId: input.dagId,
      dagVersionId: input.versionId,
      dagVersion: input.version,
      runId: input.runId,
      runType: input.runType,
      logicalMs: input.logicalDate.getTime(),
      startMs: input.dataIntervalStart.getTime(),
      endMs: input.dataIntervalEnd.getTime(),
      params: input.params,
      priority: input.priority ?? 0,
      backfillId: input.backfillId ?? null,
    });
  }
  if (runs.length === 0) return [];
  const [row] = await query<{ runs: Array<Record<string, unknown>> }>(INSERT_RUNS_SQL, [JSON.stringify(runs), JSON.stringify(tasks), now]);
  for (const run of row.runs) {
    for (const c of DATE_COLUMNS) if (run[c] !== null) run[c] = new Date(run[c] as string);
  }
  return row.runs as unknown as DagRun[];
}
