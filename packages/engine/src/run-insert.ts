import { columnList, DAG_RUN_COLUMNS, dagRunFromJson, type DagRun, type RunType, type SqlQuery } from '@tower/db';
import { journalRuns, runState } from './state-sql.js';

/**
 * One statement for a whole batch. The runs come in as one JSON document ($1: one parameter costs
 * the driver far less than a dozen 10,000-element arrays; dates as epoch milliseconds, which
 * to_timestamp reads exactly and faster than ISO text). They are inserted in key order with
 * ON CONFLICT DO NOTHING: a run whose (tenant, dag, logical date) or (tenant, dag, runId) exists is
 * skipped, whoever inserted it. The runs actually inserted get one task instance per task of
 * their DagVersion's spec, read in SQL (no task list travels, whatever the DAG's width; each run
 * expands its version's list: linear in the task instances written). The inserted rows come back
 * as one JSON array.
 */
const INSERT_RUNS_SQL = `
WITH input AS (
  SELECT "tenantId", "dagPk", "dagId", "dagVersionId", "dagVersion", "runId", "runType",
         to_timestamp("logicalMs" / 1000) AS "logicalDate", to_timestamp("startMs" / 1000) AS "dataIntervalStart",
         to_timestamp("endMs" / 1000) AS "dataIntervalEnd", params, priority, "backfillId"
  FROM json_to_recordset($1::json) AS i(
    "tenantId" uuid, "dagPk" uuid, "dagId" text, "dagVersionId" uuid, "dagVersion" int, "runId" text, "runType" "RunType",
    "logicalMs" float8, "startMs" float8, "endMs" float8, params jsonb, priority int, "backfillId" uuid, "requireLatest" bool)
  WHERE NOT coalesce(i."requireLatest", false)
     OR EXISTS (SELECT 1 FROM "Dag" d WHERE d.id = i."dagPk" AND d."tenantId" = i."tenantId" AND d."latestVersion" = i."dagVersion")
), runs AS (
  INSERT INTO "DagRun" ("tenantId", "dagPk", "dagId", "dagVersionId", "dagVersion", "runId", "runType", state,
                        "logicalDate", "dataIntervalStart", "dataIntervalEnd", params, priority, "queuedAt",
                        "backfillId", "updatedAt")
  SELECT "tenantId", "dagPk", "dagId", "dagVersionId", "dagVersion", "runId", "runType", ${runState('queued')},
         "logicalDate", "dataIntervalStart", "dataIntervalEnd", params, priority, $2::timestamptz,
         "backfillId", $2::timestamptz
  FROM input ORDER BY "tenantId", "dagPk", "logicalDate"
  ON CONFLICT DO NOTHING
  RETURNING ${columnList(DAG_RUN_COLUMNS)}
), tis AS (
  INSERT INTO "TaskInstance" ("tenantId", "dagRunId", "dagId", "taskId", operator, "maxTries", pool, "priorityWeight", "updatedAt")
  SELECT r."tenantId", r.id, r."dagId", t."taskId", t.type, coalesce(t.retries, 0) + 1, coalesce(t.pool, 'default'),
         coalesce(t."priorityWeight", 1), $2::timestamptz
  FROM runs r
  JOIN "DagVersion" v ON v.id = r."dagVersionId" AND v."tenantId" = r."tenantId"
  CROSS JOIN LATERAL jsonb_to_recordset(v.spec->'tasks') AS t("taskId" text, type text, retries int, pool text, "priorityWeight" int)
), journal AS (
  ${journalRuns('runs', 'create')}
)
SELECT coalesce(json_agg(runs), '[]'::json) AS runs FROM runs`;

/** A run to insert. Its task instances are those of its version's stored spec (`versionId`). */
export interface RunToInsert {
  tenantId: string;
  dagPk: string;
  dagId: string;
  versionId: string;
  version: number;
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

/** A run's natural key: (tenant, dag, logical date). */
export const runKey = (run: { tenantId: string; dagPk: string; logicalDate: Date }): string => `${run.tenantId}|${run.dagPk}|${run.logicalDate.getTime()}`;

/**
 * Inserts runs and their task instances in one round trip (the scheduler's cron batch): runs whose
 * (tenant, dag, logical date) — or (tenant, dag, runId) — already exists are skipped, so a second
 * scheduler replica never creates a duplicate; the runs created are returned as complete DagRun
 * rows (every column, dates as Date, as Prisma returns them). A run's task instances are those of
 * its version's stored spec (`versionId`).
 * `now` is the runs' queuedAt and every new row's updatedAt. Inputs repeating a key count once
 * (the first wins). A run with `requireLatest` is inserted only while its version is still its DAG's
 * latest (and the DAG exists): a caller that read the DAG from a cache learns it was stale.
 */
export async function insertRuns(query: SqlQuery, inputs: readonly RunToInsert[], now: Date): Promise<DagRun[]> {
  const seen = new Set<string>();
  const runs: object[] = [];
  for (const input of inputs) {
    const key = runKey(input);
    if (seen.has(key)) continue;
    seen.add(key);
    runs.push({
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
      requireLatest: input.requireLatest ?? false,
    });
  }
  if (runs.length === 0) return [];
  const [row] = await query<{ runs: Array<Record<string, unknown>> }>(INSERT_RUNS_SQL, [JSON.stringify(runs), now]);
  return row.runs.map(dagRunFromJson);
}
