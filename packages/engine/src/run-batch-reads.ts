import { columnList, DAG_RUN_COLUMNS, TASK_INSTANCE_COLUMNS, type DagRun, type Sql, type TaskInstance } from '@tower/db';

/** A column of TaskInstance (what `taskInstancesOfRuns` may be asked to read). */
export type TaskInstanceColumn = keyof typeof TASK_INSTANCE_COLUMNS;

/** The named columns, and dagRunId and taskId, in the definition's order; anything else is refused. */
function pickColumns(columns: readonly string[]): Partial<typeof TASK_INSTANCE_COLUMNS> {
  const wanted = new Set<string>([...columns, 'dagRunId', 'taskId']);
  for (const c of wanted) if (!Object.hasOwn(TASK_INSTANCE_COLUMNS, c)) throw new Error(`TaskInstance has no column ${JSON.stringify(c)}`);
  return Object.fromEntries(Object.entries(TASK_INSTANCE_COLUMNS).filter(([c]) => wanted.has(c)));
}

/**
 * Reads of many parents' children in one statement each, for the API's per-request batching
 * (DataLoader): a page of runs asks for its task instances once, a page of DAGs for its recent
 * runs once, however long the page. Hand-written SQL: the per-parent limit of recent runs is a
 * LATERAL join Prisma cannot express. Every statement filters by the tenant.
 */
export class RunBatchReads {
  constructor(private readonly sql: Sql) {}

  /**
   * The task instances of each of these runs of the tenant (the first `first` of each, all without
   * it), by taskId: one list per run id, in `runIds`' order (empty for a run not found).
   * `columns`: only these (with dagRunId, the run's id, and taskId), for a reader that needs a few
   * fields of many rows. Each run's list comes from Postgres as one JSON array of arrays (one per task instance,
   * the columns in the definition's order), turned into rows here: a page of 10 runs × 50 task
   * instances cost the API 0.3 ms of CPU a page this way against 1.1 ms as 500 rows, which pg parses
   * one by one, and Postgres about the same (bench/README.md, "API"). Dates are revived as Date.
   */
  taskInstancesOfRuns(tenantId: string, runIds: readonly string[], first?: number): Promise<TaskInstance[][]>;
  taskInstancesOfRuns<C extends TaskInstanceColumn>(
    tenantId: string,
    runIds: readonly string[],
    first: number | undefined,
    columns: readonly C[],
  ): Promise<Pick<TaskInstance, C | 'dagRunId' | 'taskId'>[][]>;
  async taskInstancesOfRuns(
    tenantId: string,
    runIds: readonly string[],
    first?: number,
    columns?: readonly TaskInstanceColumn[],
  ): Promise<Partial<TaskInstance>[][]> {
    if (!runIds.length) return [];
    // dagRunId is the run's own id: not read from each row.
    const selected = Object.entries(columns ? pickColumns(columns) : TASK_INSTANCE_COLUMNS).filter(([c]) => c !== 'dagRunId');
    // The first `first` of each run by taskId: the (dagRunId, taskId) index, LIMIT NULL being none.
    const rows = await this.sql.query<{ id: string; tis: unknown[][] | null }>(
      `SELECT r.id, (SELECT json_agg(json_build_array(${selected.map(([c]) => `t."${c}"`).join(', ')}) ORDER BY t."taskId")
                       FROM (SELECT ${selected.map(([c]) => `"${c}"`).join(', ')} FROM "TaskInstance" WHERE "tenantId" = $1::uuid AND "dagRunId" = r.id ORDER BY "taskId" LIMIT $3) t) AS tis
       FROM unnest($2::uuid[]) AS r(id)`,
      [tenantId, runIds, first ?? null],
    );
    const byRun = new Map(rows.map((r) => [r.id, r.tis ?? []]));
    return runIds.map((id) =>
      (byRun.get(id) ?? []).map((values) => {
        const row: Record<string, unknown> = { dagRunId: id };
        selected.forEach(([column, kind], i) => {
          const value = values[i];
          row[column] = kind === 'date' && value != null ? new Date(value as string) : value;
        });
        return row as Partial<TaskInstance>;
      }),
    );
  }

  /** The newest `limit` runs (by logical date) of each of these DAGs (primary keys) of the tenant. */
  recentRunsOfDags(tenantId: string, dagPks: readonly string[], limit: number): Promise<DagRun[]> {
    if (!dagPks.length || limit <= 0) return Promise.resolve([]);
    return this.sql.query<DagRun>(
      `SELECT ${columnList(DAG_RUN_COLUMNS, 'r')}
       FROM unnest($2::uuid[]) AS d(pk)
       CROSS JOIN LATERAL (
         SELECT * FROM "DagRun" WHERE "tenantId" = $1::uuid AND "dagPk" = d.pk ORDER BY "logicalDate" DESC, id DESC LIMIT $3
       ) r
       ORDER BY r."dagPk", r."logicalDate" DESC, r.id DESC`,
      [tenantId, dagPks, limit],
    );
  }
}
