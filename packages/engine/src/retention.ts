import { FINISHED_RUN_STATES, retentionCutoffs, type RetentionPolicy } from '@tower/core';
import { sqlOf, type Sql, type TaskLog } from '@tower/db';
import type { EngineDeps } from './deps.js';
import { archivedLogKey, encodeLogLines, runArchivePrefix, type LogArchive } from './log-archive.js';

export interface RetentionOptions {
  /** Rows per DELETE statement (each its own short transaction). */
  batchSize: number;
  /** Pause after each statement, so retention takes a small share of the database. */
  pauseMs: number;
  /** Runs handled per step and tenant in one pass (archive, log retention, run retention). */
  runsPerPass: number;
  /**
   * Runs whose children one statement reaches (`dagRunId = ANY(…)`, still at most `batchSize` rows):
   * small runs are deleted many to a statement, not five statements and a pause each.
   */
  runsPerStatement: number;
  /** A run's logs are archived this long after it ended (Postgres keeps live and recent logs). */
  archiveAfterMs: number;
}

export const DEFAULT_RETENTION_OPTIONS: RetentionOptions = {
  batchSize: 1_000,
  pauseMs: 20,
  runsPerPass: 200,
  runsPerStatement: 100,
  archiveAfterMs: 3_600_000,
};

/** What one pass did: rows deleted per table, tries archived, archive objects deleted. */
export interface RetentionStats {
  triesArchived: number;
  runsArchived: number;
  runsLogsPurged: number;
  runsDeleted: number;
  objectsDeleted: number;
  deleted: { TaskLog: number; XCom: number; TaskTry: number; TaskInstance: number; StateChange: number; DagRun: number };
  /** Why archiving stopped in this pass (the object store failing); the other steps still ran. */
  archiveError?: string;
}

const FINISHED = FINISHED_RUN_STATES.map((s) => `'${s}'`).join(', ');

interface RunRef {
  id: string;
  tenantId: string;
  endedAt: Date;
  /** Set once the run's logs were (being) archived: only then has it objects in the store. */
  logsArchivedAt: Date | null;
  /** The `endedAt` whose logs the log retention deleted (lines and archive objects). */
  logsPurgedAt: Date | null;
}

/** A RunRef's columns, for the passes' reads of DagRun. */
const RUN_REF = `id, "tenantId", "endedAt", "logsArchivedAt", "logsPurgedAt"`;

/**
 * The runs chosen as `unnest($1, $2) AS c(id, "endedAt")` reads them: a statement that joins it on
 * id and endedAt touches only those runs still ended when they were chosen (a clear reopens one).
 */
const CHOSEN = `unnest($1::uuid[], $2::timestamptz[]) AS c(id, "endedAt")`;
const chosen = (runs: RunRef[]) => [runs.map((r) => r.id), runs.map((r) => r.endedAt)];

/** Whether the log retention already deleted the logs of this end of the run. */
const logsPurged = (run: RunRef) => run.logsPurgedAt !== null && run.logsPurgedAt.getTime() === run.endedAt.getTime();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Retention, run by the scheduler (docs/retention.md). Each pass, for every tenant and its policy:
 * 1. archives the logs of runs that ended more than `archiveAfterMs` ago to the object store (when
 *    one is configured) and deletes them from Postgres;
 * 2. deletes the logs (lines and archive objects) of runs that ended more than the tenant's
 *    `logRetentionDays` ago;
 * 3. deletes runs that ended more than `runRetentionDays` ago, children first (logs, XComs, tries,
 *    task instances, then the run), and journal rows older than that.
 * A run that has not ended is never touched. Every statement deletes at most `batchSize` rows,
 * reached by index, and commits on its own, then the pass pauses `pauseMs`: no statement holds a
 * lock the hot path waits on for long, and retention's share of the database stays small.
 */
export class Retention {
  private readonly sql: Sql;
  private readonly opts: RetentionOptions;

  constructor(
    private readonly deps: Pick<EngineDeps, 'prisma' | 'logArchive'>,
    opts: Partial<RetentionOptions> = {},
  ) {
    this.sql = sqlOf(deps.prisma);
    this.opts = { ...DEFAULT_RETENTION_OPTIONS, ...opts };
  }

  private signal: AbortSignal | undefined;
  /** Per run-retention policy (days), the journal id the next pass starts its walk from. */
  private readonly journalFrom = new Map<number, bigint>();
  /** Each tenant's run retention as the last pass saw it (a change resets its new policy's walk). */
  private readonly journalPolicy = new Map<string, number>();

  /** One pass at `now`; `signal` (the process stopping) ends it between two statements. */
  async sweep(now: Date, signal?: AbortSignal): Promise<RetentionStats> {
    this.signal = signal;
    const stats: RetentionStats = {
      triesArchived: 0,
      runsArchived: 0,
      runsLogsPurged: 0,
      runsDeleted: 0,
      objectsDeleted: 0,
      deleted: { TaskLog: 0, XCom: 0, TaskTry: 0, TaskInstance: 0, StateChange: 0, DagRun: 0 },
    };
    const archive = this.deps.logArchive;
    if (archive) {
      await this.archiveLogs(archive, now, stats).catch((err: unknown) => {
        stats.archiveError = (err as Error).message || String(err);
      });
    }
    const tenants = await this.sql.query<RetentionPolicy & { id: string }>(`SELECT id, "runRetentionDays", "logRetentionDays" FROM "Tenant" ORDER BY id`);
    for (const tenant of tenants) {
      if (signal?.aborted) return stats;
      const cutoffs = retentionCutoffs(tenant, now);
      await this.purgeLogs(tenant.id, cutoffs.logsEndedBefore, stats);
      await this.deleteRuns(tenant.id, cutoffs.runsEndedBefore, stats);
    }
    await this.deleteJournal(now, tenants, stats);
    return stats;
  }

  /** Logs of runs ended before `now - archiveAfterMs`, one object per try, then out of Postgres. */
  private async archiveLogs(archive: LogArchive, now: Date, stats: RetentionStats): Promise<void> {
    const runs = await this.sql.query<RunRef>(
      `SELECT ${RUN_REF} FROM "DagRun"
        WHERE "logsArchivedAt" IS DISTINCT FROM "endedAt" AND "endedAt" < $1 AND state IN (${FINISHED})
        ORDER BY "endedAt" LIMIT $2`,
      [new Date(now.getTime() - this.opts.archiveAfterMs), this.opts.runsPerPass],
    );
    for (const run of runs) {
      if (this.signal?.aborted) return;
      // Claimed first (a compare-and-set: one scheduler archives a run, and not one reopened by a
      // clear meanwhile). Readers merge the store's lines with Postgres's, so a try not uploaded
      // yet still reads whole; a crash after the claim leaves the lines in Postgres, read from
      // there until the log retention deletes them.
      const [claimed] = await this.sql.query(`UPDATE "DagRun" SET "logsArchivedAt" = "endedAt" WHERE id = $1 AND "endedAt" = $2 RETURNING id`, [
        run.id,
        run.endedAt,
      ]);
      if (!claimed) continue;
      const tries = await this.sql.query<{ taskInstanceId: string; tryNumber: number; maxId: string }>(
        `SELECT l."taskInstanceId", l."tryNumber", max(l.id)::text AS "maxId"
           FROM "TaskInstance" ti JOIN "TaskLog" l ON l."taskInstanceId" = ti.id
          WHERE ti."dagRunId" = $1
          GROUP BY 1, 2`,
        [run.id],
      );
      let moved = 0;
      try {
        for (const t of tries) {
          const lines = await this.sql.query<Pick<TaskLog, 'id' | 'ts' | 'level' | 'message'>>(
            `SELECT id, ts, level, message FROM "TaskLog" WHERE "taskInstanceId" = $1 AND "tryNumber" = $2 AND id <= $3 ORDER BY id`,
            [t.taskInstanceId, t.tryNumber, t.maxId],
          );
          await archive.store.put(
            archivedLogKey(archive, run.tenantId, run.id, t.taskInstanceId, t.tryNumber),
            encodeLogLines(lines.map((l) => ({ ...l, id: BigInt(l.id) }))),
          );
          stats.triesArchived++;
          // In the store: out of Postgres (only the lines archived).
          stats.deleted.TaskLog += await this.deleteInBatches(`SELECT id FROM "TaskLog" WHERE "taskInstanceId" = $1 AND "tryNumber" = $2 AND id <= $3`, [
            t.taskInstanceId,
            t.tryNumber,
            t.maxId,
          ]);
          moved++;
        }
      } catch (err) {
        // The store failed (S3 down, say). With nothing moved yet the claim is given back, so a
        // later pass archives the run; once a try moved, the claim stays (readers must look in the
        // store) and the run's other tries are read from Postgres until their log retention.
        if (moved === 0) {
          await this.sql.query(`UPDATE "DagRun" SET "logsArchivedAt" = $3 WHERE id = $1 AND "logsArchivedAt" = $2`, [run.id, run.endedAt, run.logsArchivedAt]);
        }
        throw err;
      }
      stats.runsArchived++;
    }
  }

  /** A tenant's runs ended before `before`: their log lines and archive objects deleted. */
  private async purgeLogs(tenantId: string, before: Date, stats: RetentionStats): Promise<void> {
    const runs = await this.sql.query<RunRef>(
      `SELECT ${RUN_REF} FROM "DagRun"
        WHERE "tenantId" = $1 AND "logsPurgedAt" IS DISTINCT FROM "endedAt" AND "endedAt" < $2 AND state IN (${FINISHED})
        ORDER BY "endedAt" LIMIT $3`,
      [tenantId, before, this.opts.runsPerPass],
    );
    for (const group of this.groups(runs)) {
      if (this.signal?.aborted) return;
      await this.deleteRunLogs(group, stats);
      // Recorded for the `endedAt` it was done for (a run reopened meanwhile is done again later).
      const done = await this.sql.query(
        `UPDATE "DagRun" r SET "logsPurgedAt" = r."endedAt" FROM ${CHOSEN} WHERE r.id = c.id AND r."endedAt" = c."endedAt" RETURNING r.id`,
        chosen(group),
      );
      stats.runsLogsPurged += done.length;
      await sleep(this.opts.pauseMs);
    }
  }

  /** The log lines of `runs` (in batches) and the archive objects of those of them ever archived. */
  private async deleteRunLogs(runs: RunRef[], stats: RetentionStats): Promise<void> {
    if (!runs.length) return;
    stats.deleted.TaskLog += await this.deleteInBatches(
      `SELECT l.id FROM "TaskInstance" ti JOIN "TaskLog" l ON l."taskInstanceId" = ti.id WHERE ti."dagRunId" = ANY($1::uuid[])`,
      [runs.map((r) => r.id)],
    );
    // A run never archived has nothing in the store (so an unreachable store does not hold it up).
    const archive = this.deps.logArchive;
    if (!archive) return;
    for (const run of runs) {
      if (run.logsArchivedAt) stats.objectsDeleted += await archive.store.deletePrefix(runArchivePrefix(archive, run.tenantId, run.id));
    }
  }

  /**
   * A tenant's runs ended before `before`, children first, `runsPerStatement` runs at a time: each
   * table's rows of those runs in statements of at most `batchSize` rows, then the runs.
   */
  private async deleteRuns(tenantId: string, before: Date, stats: RetentionStats): Promise<void> {
    const runs = await this.sql.query<RunRef>(
      `SELECT ${RUN_REF} FROM "DagRun"
        WHERE "tenantId" = $1 AND "endedAt" IS NOT NULL AND "endedAt" < $2 AND state IN (${FINISHED})
        ORDER BY "endedAt" LIMIT $3`,
      [tenantId, before, this.opts.runsPerPass],
    );
    for (const group of this.groups(runs)) {
      if (this.signal?.aborted) return;
      const ids = [group.map((r) => r.id)];
      // Logs the log retention has already deleted (usually earlier in this pass) are not looked for again.
      await this.deleteRunLogs(
        group.filter((r) => !logsPurged(r)),
        stats,
      );
      stats.deleted.XCom += await this.deleteInBatches(`SELECT id FROM "XCom" WHERE "dagRunId" = ANY($1::uuid[])`, ids, 'XCom');
      stats.deleted.TaskTry += await this.deleteInBatches(
        `SELECT tt."taskInstanceId", tt."tryNumber" FROM "TaskInstance" ti JOIN "TaskTry" tt ON tt."taskInstanceId" = ti.id WHERE ti."dagRunId" = ANY($1::uuid[])`,
        ids,
        'TaskTry',
      );
      stats.deleted.TaskInstance += await this.deleteInBatches(`SELECT id FROM "TaskInstance" WHERE "dagRunId" = ANY($1::uuid[])`, ids, 'TaskInstance');
      // The runs go last, and only those still the finished run chosen (a clear reopens one).
      const gone = await this.sql.query(
        `DELETE FROM "DagRun" r USING ${CHOSEN} WHERE r.id = c.id AND r."endedAt" = c."endedAt" AND r.state IN (${FINISHED}) RETURNING r.id`,
        chosen(group),
      );
      stats.deleted.DagRun += gone.length;
      stats.runsDeleted += gone.length;
      await sleep(this.opts.pauseMs);
    }
  }

  /** `runs` in groups of `runsPerStatement`. */
  private *groups(runs: RunRef[]): Generator<RunRef[]> {
    for (let i = 0; i < runs.length; i += this.opts.runsPerStatement) yield runs.slice(i, i + this.opts.runsPerStatement);
  }

  /**
   * Journal rows older than their tenant's run retention, unless their run is kept (not ended, or
   * ended inside the policy): a kept run keeps its whole history. The journal has no index but its
   * id (docs/database.md: none on the hot path), and ids follow time, so it is walked in id ranges
   * of `batchSize`, once per distinct policy (tenants keeping D days): from where the previous
   * pass stopped for D (a tenant's rows expire in id order) to the first range holding a row newer
   * than D days. Where a row was kept only for its run, the next pass starts there again. The
   * first pass of a process walks from the oldest row; a tenant whose policy changed resets the
   * walk of its new policy.
   */
  private async deleteJournal(now: Date, tenants: ReadonlyArray<RetentionPolicy & { id: string }>, stats: RetentionStats): Promise<void> {
    for (const t of tenants) {
      const before = this.journalPolicy.get(t.id);
      if (before !== undefined && before !== t.runRetentionDays) this.journalFrom.delete(t.runRetentionDays);
      this.journalPolicy.set(t.id, t.runRetentionDays);
    }
    const [first] = await this.sql.query<{ id: string | null }>(`SELECT min(id)::text AS id FROM "StateChange"`);
    if (first?.id == null) return;
    const batch = BigInt(this.opts.batchSize);
    for (const days of [...new Set(tenants.map((t) => t.runRetentionDays))].sort((x, y) => y - x)) {
      const cutoff = retentionCutoffs({ runRetentionDays: days, logRetentionDays: 1 }, now).runsEndedBefore;
      const from = this.journalFrom.get(days);
      let lo = from !== undefined && from > BigInt(first.id) ? from : BigInt(first.id);
      let pinned: bigint | null = null;
      while (!this.signal?.aborted) {
        const [range] = await this.sql.query<{ deleted: number; newer: number; rows: number; kept: string | null }>(
          `WITH range AS (SELECT s.id, s.at, s."dagRunId", t."runRetentionDays" = $4 AS mine
                            FROM "StateChange" s LEFT JOIN "Tenant" t ON t.id = s."tenantId"
                           WHERE s.id >= $1::bigint AND s.id < $2::bigint),
                old AS (SELECT g.id, EXISTS (SELECT 1 FROM "DagRun" r WHERE r.id = g."dagRunId" AND (r."endedAt" IS NULL OR r."endedAt" >= $3::timestamptz)) AS kept
                          FROM range g WHERE g.mine AND g.at < $3::timestamptz),
                gone AS (DELETE FROM "StateChange" WHERE id IN (SELECT id FROM old WHERE NOT kept) RETURNING 1)
           SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM range WHERE at >= $3::timestamptz)::int AS newer,
                  (SELECT count(*) FROM range)::int AS rows, (SELECT min(id)::text FROM old WHERE kept) AS kept`,
          [lo.toString(), (lo + batch).toString(), cutoff, days],
        );
        stats.deleted.StateChange += range.deleted;
        if (pinned === null && range.kept !== null) pinned = BigInt(range.kept);
        if (range.newer > 0) break;
        if (range.rows === 0) {
          const [more] = await this.sql.query<{ id: string | null }>(`SELECT min(id)::text AS id FROM "StateChange" WHERE id >= $1`, [lo.toString()]);
          if (more?.id == null) break;
          lo = BigInt(more.id);
        } else {
          lo += batch;
        }
        await sleep(this.opts.pauseMs);
      }
      this.journalFrom.set(days, pinned !== null && pinned < lo ? pinned : lo);
    }
  }

  /**
   * Deletes the rows `select` finds (its first column the key: `id`, or the pair of a composite
   * key), `batchSize` per statement, until none is left. Returns how many.
   */
  private async deleteInBatches(select: string, values: unknown[], table: 'TaskLog' | 'XCom' | 'TaskTry' | 'TaskInstance' = 'TaskLog'): Promise<number> {
    const key = table === 'TaskTry' ? `("taskInstanceId", "tryNumber")` : 'id';
    let total = 0;
    for (;;) {
      const gone = await this.sql.query(`DELETE FROM "${table}" WHERE ${key} IN (${select} LIMIT ${this.opts.batchSize}) RETURNING 1`, values);
      total += gone.length;
      if (gone.length < this.opts.batchSize || this.signal?.aborted) return total;
      await sleep(this.opts.pauseMs);
    }
  }
}
