import type { DagRun, TaskInstance } from './generated/prisma/client.js';

/**
 * The columns of the tables the engine writes with hand-written SQL, derived from one definition:
 * each record is checked against Prisma's model type (generated from schema.prisma), so a column
 * added to or dropped from the schema fails the type check here until it is listed, instead of
 * drifting from a list kept by hand. `date` columns come back from JSON (`json_agg`, `to_jsonb`)
 * as text and are revived as Date, as Prisma returns them.
 */
type ColumnKinds<Row> = { readonly [K in keyof Row]-?: 'date' | 'value' };

export const DAG_RUN_COLUMNS = {
  id: 'value',
  tenantId: 'value',
  dagPk: 'value',
  dagId: 'value',
  dagVersionId: 'value',
  dagVersion: 'value',
  runId: 'value',
  runType: 'value',
  state: 'value',
  logicalDate: 'date',
  dataIntervalStart: 'date',
  dataIntervalEnd: 'date',
  params: 'value',
  priority: 'value',
  queuedAt: 'date',
  startedAt: 'date',
  endedAt: 'date',
  timeoutAt: 'date',
  backfillId: 'value',
  logsArchivedAt: 'date',
  logsPurgedAt: 'date',
  updatedAt: 'date',
} as const satisfies ColumnKinds<DagRun>;

export const TASK_INSTANCE_COLUMNS = {
  id: 'value',
  tenantId: 'value',
  dagRunId: 'value',
  dagId: 'value',
  taskId: 'value',
  operator: 'value',
  state: 'value',
  tryNumber: 'value',
  maxTries: 'value',
  pool: 'value',
  priorityWeight: 'value',
  queuedAt: 'date',
  startedAt: 'date',
  endedAt: 'date',
  nextAttemptAt: 'date',
  workerId: 'value',
  heartbeatAt: 'date',
  sensorStartedAt: 'date',
  rescheduleCount: 'value',
  updatedAt: 'date',
} as const satisfies ColumnKinds<TaskInstance>;

/** `"a", "b", …` in the definition's order (optionally qualified: `r."a", r."b"`). */
export function columnList(columns: object, alias?: string): string {
  return Object.keys(columns)
    .map((c) => (alias ? `${alias}."${c}"` : `"${c}"`))
    .join(', ');
}

function reviver<Row>(columns: ColumnKinds<Row>): (json: Record<string, unknown>) => Row {
  const dates = Object.entries(columns)
    .filter(([, kind]) => kind === 'date')
    .map(([name]) => name);
  return (json) => {
    const row = { ...json };
    for (const key of dates) row[key] = row[key] == null ? null : new Date(row[key] as string);
    return row as Row;
  };
}

/** A DagRun row read as JSON: its dates come back as Date, as Prisma returns them. */
export const dagRunFromJson: (json: Record<string, unknown>) => DagRun = reviver<DagRun>(DAG_RUN_COLUMNS);

/** A TaskInstance row read as JSON: its dates come back as Date, as Prisma returns them. */
export const taskInstanceFromJson: (json: Record<string, unknown>) => TaskInstance = reviver<TaskInstance>(TASK_INSTANCE_COLUMNS);
