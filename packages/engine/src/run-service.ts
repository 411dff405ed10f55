import { TowerError, manualRunInterval, validateParams, type DagSpec } from '@tower/core';
import { rememberRunTrace, withSpan } from '@tower/telemetry';
import {
  asSystem,
  columnList,
  DAG_RUN_COLUMNS,
  dagRunFromJson,
  isUuid,
  sqlOf,
  type DagRun,
  type RunState,
  type RunType,
  type TaskInstance,
  type TaskLog,
  type TaskTry,
  type XCom,
} from '@tower/db';
import type { DagService } from './dag-service.js';
import { archivedLogKey, decodeLogLines } from './log-archive.js';
import { publishCommitted, type EngineDeps } from './deps.js';
import type { RunLifecycle } from './run-lifecycle.js';
import { runEvent } from './snapshots.js';

export interface ListRunsFilter {
  state?: RunState | null;
  runType?: RunType | null;
  /** Logical date ≥ this. */
  logicalDateFrom?: Date | null;
  /** Logical date < this. */
  logicalDateTo?: Date | null;
  /** Runs to skip from the newest; with `after`, skipped after it. */
  offset: number;
  limit: number;
  /** Only runs after this one in the list's order (newest logical date first; unique in a DAG): a keyset page, stable while runs are added. */
  after?: { logicalDate: Date; id: string } | null;
}

/** Manual triggers and run reads. */
export class RunService {
  constructor(
    private readonly deps: EngineDeps,
    private readonly dags: DagService,
    private readonly lifecycle: RunLifecycle,
  ) {}

  /** A span of its own (`run.trigger`), whose context the run's queueing and tries join. */
  trigger(tenantId: string, dagId: string, params: unknown, logicalDate?: Date | null): Promise<DagRun> {
    return withSpan('run.trigger', { 'tower.dag_id': dagId }, () => this.triggerRun(tenantId, dagId, params, logicalDate));
  }

  private async triggerRun(tenantId: string, dagId: string, params: unknown, logicalDate?: Date | null): Promise<DagRun> {
    // The DAG as last seen by this process first; the insert refuses it if a newer version (or a
    // deletion) happened since, and the trigger then reads it afresh — as it does before refusing
    // params. At most two passes: the second reads fresh.
    for (let fresh = false; ; fresh = true) {
      const { dag, version, cached } = await this.dags.current(tenantId, dagId, fresh);
      const spec = version.spec as unknown as DagSpec;
      const checked = validateParams(spec.params, params ?? {});
      // Params a newer version accepts may be refused by a stale cached one: read afresh first.
      if (!checked.ok && cached) continue;
      if (!checked.ok) {
        const first = checked.errors[0];
        throw new TowerError('BAD_USER_INPUT', `invalid params: ${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, {
          path: first?.path,
          details: { errors: checked.errors },
        });
      }
      const when = logicalDate ?? this.deps.clock();
      const interval = manualRunInterval(
        { schedule: spec.schedule, timezone: spec.timezone, startDate: spec.startDate, endDate: spec.endDate, catchup: spec.catchup },
        when,
      );
      const run = await withSpan('run.create', { 'tower.dag_id': dagId }, async (span) => {
        const created = await this.lifecycle.insertRun({
          tenantId,
          dagPk: dag.id,
          dagId: dag.dagId,
          versionId: version.id,
          version: version.version,
          runType: 'manual',
          runId: `manual__${when.toISOString()}`,
          logicalDate: when,
          dataIntervalStart: interval.start,
          dataIntervalEnd: interval.end,
          params: checked.params,
          requireLatest: true,
        });
        span?.setAttribute('tower.run_id', created?.id ?? '');
        return created;
      });
      if (!run && cached) continue;
      if (!run) throw new TowerError('CONFLICT', `DAG ${dagId} already has a run with logical date ${when.toISOString()}`);
      // The run's start and queueing happen in batches shared with other runs: they find the
      // trigger's trace by the run's id.
      rememberRunTrace(run.id);
      // The `queued` event goes out first (one Redis connection: its publish precedes the start's
      // events), but the start does not wait for it, and the run exists whether or not it could be
      // published (best-effort, logged).
      const published = publishCommitted(this.deps, [runEvent(run)], 'run-queued');
      // The caller gets the run as created (`queued`, as Airflow's API answers) and does not wait for
      // it to start: starts of concurrent triggers are group-committed in the background, and the
      // scheduler's queued-runs sweep starts anything this process could not (crash, error).
      // It is the scheduler's work, done here a tick early: it runs as the engine does, outside the
      // request's tenant scope (docs/database.md, "Row-level security").
      asSystem(() => this.lifecycle.startQueuedRuns(tenantId, dag.id, { knownQueued: true })).catch((err: unknown) => {
        this.deps.logger.warn({ err, tenantId, dagId, runId: run.runId }, 'starting a triggered run failed; the scheduler will start it');
      });
      // The insert committed without waiting for the disk, so the start above runs meanwhile; the
      // caller is told the run exists only once it is durable (docs/database.md, "Durability").
      const [, durable] = await Promise.all([published, this.lifecycle.durable(run.id)]);
      if (!durable) {
        throw new TowerError(
          'INTERNAL',
          `the run of ${dagId} for ${when.toISOString()} was lost before it was stored durably (the database restarted); trigger it again`,
          {
            details: { runId: run.id },
          },
        );
      }
      return run;
    }
  }

  async get(tenantId: string, id: string): Promise<DagRun> {
    const run = isUuid(id) ? await this.deps.prisma.dagRun.findFirst({ where: { id, tenantId } }) : null;
    if (!run) throw new TowerError('NOT_FOUND', `DAG run ${id} not found`);
    return run;
  }

  /**
   * A page of a DAG's runs, newest logical date first, and how many match the filters, in one
   * statement (the DAG found by its id in the same round trip). Without a filter, how many is the
   * DAG's DagRunCount row rather than a count of its runs. Within a DAG the logical date is
   * unique (the (tenantId, dagPk, logicalDate) index), so it orders the list alone, and that index
   * serves the order, the range, the keyset and the count. The page is found on the index first
   * (`OFFSET` skips index entries, not rows: an index-only scan where the table is vacuumed) and
   * only its runs are then read whole.
   */
  async list(tenantId: string, dagId: string, filter: ListRunsFilter): Promise<{ items: DagRun[]; totalCount: number }> {
    const values: unknown[] = [tenantId, dagId];
    const param = (v: unknown, cast: string) => `$${values.push(v)}::${cast}`;
    const filters: string[] = [];
    if (filter.state) filters.push(`state = ${param(filter.state, '"RunState"')}`);
    if (filter.runType) filters.push(`"runType" = ${param(filter.runType, '"RunType"')}`);
    if (filter.logicalDateFrom) filters.push(`"logicalDate" >= ${param(filter.logicalDateFrom, 'timestamptz')}`);
    if (filter.logicalDateTo) filters.push(`"logicalDate" < ${param(filter.logicalDateTo, 'timestamptz')}`);
    const matching = ['"tenantId" = $1::uuid', '"dagPk" = (SELECT id FROM dag)', ...filters].join(' AND ');
    // Every run of the DAG: the count the database keeps (DagRunCount, kept by triggers on DagRun in
    // the runs' own transactions), read in the same snapshot as the page. With a filter, counted.
    const count = !filters.length
      ? `coalesce((SELECT runs FROM "DagRunCount" WHERE "dagPk" = (SELECT id FROM dag) AND "tenantId" = $1::uuid), 0)`
      : `(SELECT count(*) FROM "DagRun" WHERE ${matching})`;
    // (logicalDate, id) after the cursor's: the logical date alone, it being unique in the DAG.
    const after = filter.after ? ` AND "logicalDate" < ${param(filter.after.logicalDate, 'timestamptz')}` : '';
    const [row] = await sqlOf(this.deps.prisma).query<{ totalCount: number; runs: Record<string, unknown>[] }>(
      `WITH dag AS (SELECT id FROM "Dag" WHERE "tenantId" = $1::uuid AND "dagId" = $2),
            keys AS (SELECT "logicalDate" FROM "DagRun" WHERE ${matching}${after}
                      ORDER BY "logicalDate" DESC OFFSET ${param(filter.offset, 'int')} LIMIT ${param(filter.limit, 'int')}),
            page AS (SELECT ${columnList(DAG_RUN_COLUMNS, 'r')} FROM keys k
                       JOIN "DagRun" r ON r."tenantId" = $1::uuid AND r."dagPk" = (SELECT id FROM dag) AND r."logicalDate" = k."logicalDate")
       SELECT ${count}::int AS "totalCount",
              (SELECT coalesce(json_agg(p ORDER BY p."logicalDate" DESC), '[]') FROM page p) AS runs
         FROM dag`,
      values,
    );
    if (!row) throw new TowerError('NOT_FOUND', `DAG ${dagId} not found`);
    return { items: row.runs.map(dagRunFromJson), totalCount: row.totalCount };
  }

  async recent(tenantId: string, dagPk: string, limit: number): Promise<DagRun[]> {
    return this.deps.prisma.dagRun.findMany({ where: { tenantId, dagPk }, orderBy: { logicalDate: 'desc' }, take: limit });
  }

  async taskInstance(tenantId: string, id: string): Promise<TaskInstance> {
    const ti = isUuid(id) ? await this.deps.prisma.taskInstance.findFirst({ where: { id, tenantId } }) : null;
    if (!ti) throw new TowerError('NOT_FOUND', `task instance ${id} not found`);
    return ti;
  }

  /** A try's log lines (default: the latest try), kept in Postgres after the worker is gone. */
  async taskLog(tenantId: string, taskInstanceId: string, tryNumber?: number | null): Promise<TaskLog[]> {
    const ti = await this.taskInstance(tenantId, taskInstanceId);
    return this.taskLogAfter(tenantId, ti.id, 0n, tryNumber ?? ti.tryNumber, 10_000);
  }

  /**
   * Log lines of a task instance after line `afterId` (of one try, or of every try), oldest first:
   * what a live tail missed. The caller has checked the task instance belongs to the tenant.
   * Lines archived to the object store (docs/retention.md) are read back with the ones still in
   * Postgres, by the same ids, so a reader cannot tell where they were.
   */
  async taskLogAfter(tenantId: string, taskInstanceId: string, afterId: bigint, tryNumber: number | null, limit: number): Promise<TaskLog[]> {
    const [stored, archived] = await Promise.all([
      this.deps.prisma.taskLog.findMany({
        where: { tenantId, taskInstanceId, id: { gt: afterId }, ...(tryNumber == null ? {} : { tryNumber }) },
        orderBy: { id: 'asc' },
        take: limit,
      }),
      this.archivedLog(tenantId, taskInstanceId, tryNumber),
    ]);
    if (archived.length === 0) return stored;
    // While a try is being archived its lines are in both places for a moment: one of each id.
    const byId = new Map<bigint, TaskLog>();
    for (const l of [...archived, ...stored]) if (l.id > afterId) byId.set(l.id, l);
    return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, limit);
  }

  /** The archived lines of a try (or of every try), when the task instance's run had its logs archived. */
  private async archivedLog(tenantId: string, taskInstanceId: string, tryNumber: number | null): Promise<TaskLog[]> {
    const archive = this.deps.logArchive;
    if (!archive) return [];
    const ti = await this.deps.prisma.taskInstance.findFirst({
      where: { id: taskInstanceId, tenantId },
      select: { dagRunId: true, tryNumber: true, dagRun: { select: { logsArchivedAt: true } } },
    });
    if (!ti?.dagRun.logsArchivedAt) return [];
    const tries = tryNumber == null ? Array.from({ length: ti.tryNumber }, (_, i) => i + 1) : [tryNumber];
    const parts = await Promise.all(
      tries.map(async (n) => {
        // The key is built from the caller's tenant id, never from input (log-archive.ts).
        const body = await archive.store.get(archivedLogKey(archive, tenantId, ti.dagRunId, taskInstanceId, n));
        return body ? decodeLogLines(body, tenantId, taskInstanceId, n) : [];
      }),
    );
    return parts.flat();
  }

  /** The id of a task instance's last stored log line (0 when it has none). */
  async lastTaskLogId(tenantId: string, taskInstanceId: string): Promise<bigint> {
    const last = await this.deps.prisma.taskLog.aggregate({ where: { tenantId, taskInstanceId }, _max: { id: true } });
    return last._max.id ?? 0n;
  }

  /** Every try of a task instance (state, times, error), oldest first. */
  async taskTries(tenantId: string, taskInstanceId: string): Promise<TaskTry[]> {
    const ti = await this.taskInstance(tenantId, taskInstanceId);
    return this.deps.prisma.taskTry.findMany({ where: { tenantId, taskInstanceId: ti.id }, orderBy: { tryNumber: 'asc' } });
  }

  async xcom(tenantId: string, taskInstanceId: string): Promise<XCom[]> {
    const ti = await this.taskInstance(tenantId, taskInstanceId);
    return this.deps.prisma.xCom.findMany({ where: { tenantId, taskInstanceId: ti.id }, orderBy: { key: 'asc' } });
  }

  async taskInstances(tenantId: string, dagRunId: string): Promise<TaskInstance[]> {
    return this.deps.prisma.taskInstance.findMany({ where: { tenantId, dagRunId }, orderBy: { taskId: 'asc' } });
  }
}
