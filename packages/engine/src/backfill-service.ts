import { intervalsBetween, TowerError, type DagSpec } from '@tower/core';
import type { DagRun } from '@tower/db';
import type { DagService } from './dag-service.js';
import type { EngineDeps } from './deps.js';
import type { RunLifecycle } from './run-lifecycle.js';
import type { RunOperations } from './run-operations.js';
import { runEvent } from './snapshots.js';

export type Reprocess = 'none' | 'failed' | 'all';

export interface BackfillResult {
  created: DagRun[];
  reprocessed: DagRun[];
  skipped: number;
}

/** Backfill runs sort after every scheduled/manual run of the same DAG. */
export const BACKFILL_PRIORITY = -10;
export const MAX_BACKFILL_RUNS = 1000;

/**
 * backfillDag: one run per scheduled interval whose logical date lies in [from, to]. Existing
 * runs are left alone (none), re-run when failed (failed), or re-run whatever their outcome (all).
 */
export class BackfillService {
  constructor(
    private readonly deps: EngineDeps,
    private readonly dags: DagService,
    private readonly lifecycle: RunLifecycle,
    private readonly operations: RunOperations,
  ) {}

  async backfill(tenantId: string, dagId: string, from: Date, to: Date, reprocess: Reprocess): Promise<BackfillResult> {
    const dag = await this.dags.get(tenantId, dagId);
    const version = await this.dags.latestVersion(tenantId, dag);
    const spec = version.spec as unknown as DagSpec;
    const intervals = intervalsBetween(
      { schedule: spec.schedule, timezone: spec.timezone, startDate: spec.startDate, endDate: spec.endDate, catchup: spec.catchup },
      from,
      to,
      MAX_BACKFILL_RUNS,
    );
    if (intervals.length === 0) throw new TowerError('BAD_USER_INPUT', `no scheduled interval of ${dagId} starts between ${from.toISOString()} and ${to.toISOString()}`, { path: 'from' });
    const existing = new Map(
      (await this.deps.prisma.dagRun.findMany({ where: { tenantId, dagPk: dag.id, logicalDate: { gte: intervals[0].logicalDate, lte: intervals[intervals.length - 1].logicalDate } } })).map((r) => [
        r.logicalDate.getTime(),
        r,
      ]),
    );
    const result: BackfillResult = { created: [], reprocessed: [], skipped: 0 };
    for (const interval of intervals) {
      const run = existing.get(interval.logicalDate.getTime());
      if (!run) {
        const created = await this.deps.prisma.$transaction((tx) =>
          this.lifecycle.insertRun(tx, {
            tenantId,
            dagPk: dag.id,
            dagId,
            versionId: version.id,
            version: version.version,
            spec,
            runType: 'backfill',
            runId: `backfill__${interval.logicalDate.toISOString()}`,
            logicalDate: interval.logicalDate,
            dataIntervalStart: interval.dataIntervalStart,
            dataIntervalEnd: interval.dataIntervalEnd,
            params: {},
            priority: BACKFILL_PRIORITY,
          }),
        );
        if (created) result.created.push(created);
        else result.skipped++;
        continue;
      }
      const finished = run.state === 'success' || run.state === 'failed';
      if ((reprocess === 'all' && finished) || (reprocess === 'failed' && run.state === 'failed')) {
        await this.operations.clearTaskInstances(tenantId, run.id, { taskIds: [], includeDownstream: false, onlyFailed: reprocess === 'failed' });
        result.reprocessed.push(run);
      } else {
        result.skipped++;
      }
    }
    await this.deps.events.publishMany(result.created.map(runEvent));
    await this.lifecycle.startQueuedRuns(tenantId, dag.id);
    this.deps.logger.info({ tenantId, dagId, created: result.created.length, reprocessed: result.reprocessed.length, skipped: result.skipped }, 'backfill requested');
    return result;
  }
}
