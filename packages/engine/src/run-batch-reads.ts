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
   * The task instances of these runs of the tenant (the first `first` of each), by run then taskId.
   * `columns`: only these (with dagRunId and taskId, which group and order them), for a reader that
   * needs a few fields of many rows — parsing and allocating the other columns was most of the
   * cost of a page of runs with their task instances. Only TaskInstance's own column names.
   */
  taskInstancesOfRuns(tenantId: string, runIds: readonly string[], first?: number): Promise<TaskInstance[]>;
  taskInstancesOfRuns<C extends TaskInstanceColumn>(
    tenantId: string,
    runIds: readonly string[],
    first: number | undefined,
    columns: readonly C[],
  ): Promise<Pick<TaskInstance, C | 'dagRunId' | 'taskId'>[]>;
  taskInstancesOfRuns(tenantId: string, runIds: readonly string[], first?: number, columns?: readonly TaskInstanceColumn[]): Promise<Partial<TaskInstance>[]> {
    if (!runIds.length) return Promise.resolve([]);
    const selected = columns ? pickColumns(columns) : TASK_INSTANCE_COLUMNS;
    // The first `first` of each run by taskId: a LATERAL join on the (dagRunId, taskId) index.
    if (first !== undefined) {
      return this.sql.query<TaskInstance>(
        // The columns are picked inside the join: its sort then moves narrow rows (half the time).
        `SELECT ${columnList(selected, 't')}
         FROM unnest($2::uuid[]) AS r(id)
         CROSS JOIN LATERAL (
           SELECT ${columnList(selected)} FROM "TaskInstance" WHERE "tenantId" = $1::uuid AND "dagRunId" = r.id ORDER BY "taskId" LIMIT $3
         ) t
         ORDER BY t."dagRunId", t."taskId"`,
        [tenantId, runIds, first],
      );
    }
    return this.sql.query<TaskInstance>(
      `SELECT ${columnList(selected)} FROM "TaskInstance"
       WHERE "tenantId" = $1::uuid AND "dagRunId" = ANY($2::uuid[])
       ORDER BY "dagRunId", "taskId"`,
      [tenantId, runIds],
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
