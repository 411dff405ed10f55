import { intervalsBetween, TowerError, type DagSpec } from '@tower/core';
import { asSystem, type Backfill, type DagRun } from '@tower/db';
import type { DagService } from './dag-service.js';
import type { EngineDeps } from './deps.js';
import type { RunLifecycle } from './run-lifecycle.js';
import type { RunOperations } from './run-operations.js';
import { defaultParams } from './schedule-info.js';
import { runEvent } from './snapshots.js';

export type Reprocess = 'none' | 'failed' | 'all';

export interface BackfillResult {
  backfill: Backfill;
  created: DagRun[];
  reprocessed: DagRun[];
  skipped: number;
}

/** Backfill runs sort after every scheduled/manual run of the same DAG. */
export const BACKFILL_PRIORITY = -10;
export const MAX_BACKFILL_RUNS = 1000;
export const DEFAULT_BACKFILL_MAX_ACTIVE_RUNS = 4;

export type BackfillState = 'running' | 'completed' | 'canceled';

/**
 * backfillDag: one run per scheduled interval whose logical date lies in [from, to]. Existing
 * runs are left alone (none), re-run when failed (failed), or re-run whatever their outcome (all).
 * A backfill is a lane of its own: its runs start within its own maxActiveRuns (not the DAG's),
 * their tasks are queued at a lower priority and may use at most half of the tenant's concurrency
 * quota, so regular runs of every DAG keep flowing. cancelBackfill stops it.
 */
export class BackfillService {
  constructor(
    private readonly deps: EngineDeps,
    private readonly dags: DagService,
    private readonly lifecycle: RunLifecycle,
    private readonly operations: RunOperations,
  ) {}

  async backfill(
    tenantId: string,
    dagId: string,
    from: Date,
    to: Date,
    reprocess: Reprocess,
    maxActiveRuns = DEFAULT_BACKFILL_MAX_ACTIVE_RUNS,
    actor?: string,
  ): Promise<BackfillResult> {
    if (!Number.isInteger(maxActiveRuns) || maxActiveRuns < 1 || maxActiveRuns > 100) {
      throw new TowerError('BAD_USER_INPUT', 'maxActiveRuns must be an integer from 1 to 100', { path: 'maxActiveRuns' });
    }
    if (from > to) throw new TowerError('BAD_USER_INPUT', 'from must not be after to', { path: 'from' });
    const dag = await this.dags.get(tenantId, dagId);
    const version = await this.dags.latestVersion(tenantId, dag);
    const spec = version.spec as unknown as DagSpec;
    const intervals = intervalsBetween(
      { schedule: spec.schedule, timezone: spec.timezone, startDate: spec.startDate, endDate: spec.endDate, catchup: spec.catchup },
      from,
      to,
      MAX_BACKFILL_RUNS,
    );
    if (intervals.length === 0)
      throw new TowerError('BAD_USER_INPUT', `no scheduled interval of ${dagId} starts between ${from.toISOString()} and ${to.toISOString()}`, {
        path: 'from',
      });
    const existing = new Map(
      (
        await this.deps.prisma.dagRun.findMany({
          where: { tenantId, dagPk: dag.id, logicalDate: { gte: intervals[0].logicalDate, lte: intervals[intervals.length - 1].logicalDate } },
        })
      ).map((r) => [r.logicalDate.getTime(), r]),
    );
    const backfill = await this.deps.prisma.backfill.create({
      data: { tenantId, dagPk: dag.id, dagId, fromDate: from, toDate: to, reprocess, maxActiveRuns, createdBy: actor ?? null },
    });
    const result: BackfillResult = { backfill, created: [], reprocessed: [], skipped: 0 };
    // The missing runs in one statement and one commit; a run created meanwhile is skipped.
    const missing = intervals.filter((interval) => !existing.has(interval.logicalDate.getTime()));
    // A backfill run is a scheduled run of the past: it gets the params a scheduled run gets.
    const params = defaultParams(spec);
    const created = await this.lifecycle.insertRunsDurably(
      missing.map((interval) => ({
        tenantId,
        dagPk: dag.id,
        dagId,
        versionId: version.id,
        version: version.version,
        runType: 'backfill' as const,
        runId: `backfill__${interval.logicalDate.toISOString()}`,
        logicalDate: interval.logicalDate,
        dataIntervalStart: interval.dataIntervalStart,
        dataIntervalEnd: interval.dataIntervalEnd,
        params,
        priority: BACKFILL_PRIORITY,
        backfillId: backfill.id,
      })),
    );
    result.created.push(...created.sort((a, b) => a.logicalDate.getTime() - b.logicalDate.getTime()));
    result.skipped += missing.length - created.length;
    for (const interval of intervals) {
      const run = existing.get(interval.logicalDate.getTime());
      if (!run) continue;
      const finished = run.state === 'success' || run.state === 'failed';
      if ((reprocess === 'all' && finished) || (reprocess === 'failed' && run.state === 'failed')) {
        // The re-run belongs to the backfill's lane (and is stopped by cancelBackfill).
        await this.deps.prisma.dagRun.updateMany({ where: { id: run.id, tenantId }, data: { backfillId: backfill.id, priority: BACKFILL_PRIORITY } });
        await this.operations.clearTaskInstances(tenantId, run.id, { taskIds: [], includeDownstream: false, onlyFailed: reprocess === 'failed' });
        result.reprocessed.push(run);
      } else {
        result.skipped++;
      }
    }
    await this.deps.events.publishMany(result.created.map(runEvent));
    // Starting queued runs is the scheduler's work done at once: as the engine (docs/database.md, "Row-level security").
    await asSystem(() => this.lifecycle.startQueuedRuns(tenantId, dag.id));
    this.deps.logger.info(
      { tenantId, dagId, created: result.created.length, reprocessed: result.reprocessed.length, skipped: result.skipped },
      'backfill requested',
    );
    return result;
  }

  async get(tenantId: string, id: string): Promise<Backfill> {
    const backfill = await this.deps.prisma.backfill.findFirst({ where: { id, tenantId } });
    if (!backfill) throw new TowerError('NOT_FOUND', `backfill ${id} not found`);
    return backfill;
  }

  async list(tenantId: string, dagId: string): Promise<Backfill[]> {
    const dag = await this.dags.get(tenantId, dagId);
    return this.deps.prisma.backfill.findMany({ where: { tenantId, dagPk: dag.id }, orderBy: { createdAt: 'desc' }, take: 100 });
  }

  /**
   * Each backfill's run counts by state and its state — running while any of its runs is queued
   * or running, canceled once canceled, else completed — in one read however many backfills.
   */
  async summaries(tenantId: string, backfills: readonly Backfill[]): Promise<{ state: BackfillState; runCounts: Record<string, number> }[]> {
    const rows = backfills.length
      ? await this.deps.prisma.dagRun.groupBy({
          by: ['backfillId', 'state'],
          where: { tenantId, backfillId: { in: backfills.map((b) => b.id) } },
          _count: true,
        })
      : [];
    return backfills.map((b) => {
      const runCounts = Object.fromEntries(rows.filter((r) => r.backfillId === b.id).map((r) => [r.state, r._count]));
      const active = (runCounts.queued ?? 0) + (runCounts.running ?? 0);
      return { state: b.canceledAt ? 'canceled' : active > 0 ? 'running' : 'completed', runCounts };
    });
  }

  /** Cancels a backfill: its queued and running runs are canceled (running tries stopped). Idempotent. */
  async cancel(tenantId: string, id: string): Promise<Backfill> {
    const backfill = await this.get(tenantId, id);
    const canceled = backfill.canceledAt
      ? backfill
      : ((await this.deps.prisma.backfill.updateManyAndReturn({ where: { id, tenantId, canceledAt: null }, data: { canceledAt: this.deps.clock() } }))[0] ??
        (await this.get(tenantId, id)));
    const runs = await this.deps.prisma.dagRun.findMany({ where: { tenantId, backfillId: id, state: { in: ['queued', 'running'] } }, select: { id: true } });
    for (const run of runs) await this.lifecycle.stopRun(tenantId, run.id, 'canceled', `backfill ${id} canceled`);
    this.deps.logger.info({ tenantId, dagId: backfill.dagId, backfillId: id, runsCanceled: runs.length }, 'backfill canceled');
    return canceled;
  }
}
