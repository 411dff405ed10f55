import { manualRunInterval, TowerError, type DagSpec, type DagTrigger } from '@tower/core';
import { sqlOf, type DagRun } from '@tower/db';
import type { ConnectionService, ResolvedConnectionRecord } from './connection-service.js';
import type { EngineDeps } from './deps.js';
import type { RunLifecycle } from './run-lifecycle.js';
import { defaultParams } from './schedule-info.js';
import { runEvent } from './snapshots.js';

/** An object as the lister reports it. */
export interface ListedObject {
  key: string;
  etag: string;
  size: number;
  lastModified?: Date | null;
}

/**
 * Lists the objects of `bucket` matching `pattern` (an exact key, or a glob with * ? [..]) with the
 * connection's credentials. Injected by the scheduler app, so the engine has no S3 SDK in it.
 */
export type ObjectLister = (conn: ResolvedConnectionRecord, bucket: string, pattern: string) => Promise<ListedObject[]>;

export interface TriggerPollStats {
  triggers: number;
  runs: number;
  errors: number;
}

type S3Trigger = Extract<DagTrigger, { type: 's3.objectCreated' }>;

/**
 * DAG-level `s3.objectCreated` triggers: one run per new matching object, deduplicated by
 * (DAG, bucket, key, ETag) in Postgres — the same object never starts a second run, across
 * restarts and scheduler replicas (the unique row and the run are written in one transaction);
 * an overwritten object (new ETag) is a new object. The run carries the object in
 * `params.s3_object`. Objects already present when the trigger is first polled also start runs
 * (as a sensor without a cursor would); see docs/connections.md.
 */
export class FileTriggers {
  constructor(
    private readonly deps: EngineDeps,
    private readonly connections: ConnectionService,
    private readonly lifecycle: RunLifecycle,
  ) {}

  async poll(lister: ObjectLister): Promise<TriggerPollStats> {
    const dags = await this.deps.prisma.dag.findMany({
      where: { paused: false, NOT: { triggers: { equals: [] } } },
      select: { id: true, tenantId: true, dagId: true, latestVersion: true, triggers: true },
    });
    const stats: TriggerPollStats = { triggers: 0, runs: 0, errors: 0 };
    for (const dag of dags) {
      for (const trigger of dag.triggers as unknown as DagTrigger[]) {
        if (trigger.type !== 's3.objectCreated') continue;
        stats.triggers++;
        try {
          stats.runs += await this.pollOne(dag, trigger, lister);
        } catch (err) {
          stats.errors++;
          // A tenant's broken connection must not stop the other tenants' triggers.
          this.deps.logger.warn({ tenantId: dag.tenantId, dagId: dag.dagId, bucket: trigger.bucket, err: (err as Error).message }, 'file trigger poll failed');
        }
      }
    }
    return stats;
  }

  private async pollOne(
    dag: { id: string; tenantId: string; dagId: string; latestVersion: number },
    trigger: S3Trigger,
    lister: ObjectLister,
  ): Promise<number> {
    const conn = await this.connections.resolve(dag.tenantId, trigger.connection, 's3');
    const objects = await lister(conn, trigger.bucket, trigger.key);
    if (objects.length === 0) return 0;
    const seen = await this.deps.prisma.s3TriggerObject.findMany({
      where: { dagPk: dag.id, bucket: trigger.bucket, key: { in: objects.map((o) => o.key) } },
      select: { key: true, etag: true },
    });
    const known = new Set(seen.map((s) => `${s.key}\u0000${s.etag}`));
    const fresh = objects.filter((o) => !known.has(`${o.key}\u0000${o.etag}`)).sort((a, b) => a.key.localeCompare(b.key));
    let started = 0;
    for (const object of fresh) if (await this.startRun(dag, trigger, object)) started++;
    return started;
  }

  /** Claims the object and creates its run in one transaction; false when another poller won. */
  private async startRun(
    dag: { id: string; tenantId: string; dagId: string; latestVersion: number },
    trigger: S3Trigger,
    object: ListedObject,
  ): Promise<boolean> {
    const run = await sqlOf(this.deps.prisma).transaction(async (tx): Promise<DagRun | null> => {
      // (dagPk, bucket, key, etag) is unique: a second poller's claim of the same object inserts nothing.
      const [claimed] = await tx.query<{ id: string }>(
        `INSERT INTO "S3TriggerObject" ("tenantId", "dagPk", "connId", bucket, key, etag, size, "lastModified")
         VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::bigint, $8::timestamptz)
         ON CONFLICT DO NOTHING RETURNING id`,
        [dag.tenantId, dag.id, trigger.connection, trigger.bucket, object.key, object.etag, String(object.size), object.lastModified ?? null],
      );
      if (!claimed) return null;
      const [version] = await tx.query<{ id: string; version: number; spec: DagSpec }>(
        `SELECT id, version, spec FROM "DagVersion" WHERE "dagPk" = $1::uuid AND version = $2`,
        [dag.id, dag.latestVersion],
      );
      if (!version) throw new TowerError('NOT_FOUND', `DAG ${dag.dagId} has no version ${dag.latestVersion}`);
      const spec = version.spec;
      const s3Object = { connection: trigger.connection, bucket: trigger.bucket, key: object.key, etag: object.etag, size: object.size };
      // Logical dates are unique per DAG: objects found in the same millisecond step apart by 1 ms.
      let when = this.deps.clock();
      for (let attempt = 0; attempt < 1000; attempt++) {
        const interval = manualRunInterval(
          { schedule: spec.schedule, timezone: spec.timezone, startDate: spec.startDate, endDate: spec.endDate, catchup: spec.catchup },
          when,
        );
        const inserted = await this.lifecycle.insertRunIn(tx, {
          tenantId: dag.tenantId,
          dagPk: dag.id,
          dagId: dag.dagId,
          versionId: version.id,
          version: version.version,
          runType: 'triggered',
          runId: `triggered__${when.toISOString()}`,
          logicalDate: when,
          dataIntervalStart: interval.start,
          dataIntervalEnd: interval.end,
          params: { ...defaultParams(spec), s3_object: s3Object },
        });
        if (inserted) {
          await tx.query(`UPDATE "S3TriggerObject" SET "dagRunId" = $2::uuid WHERE id = $1::uuid`, [claimed.id, inserted.id]);
          return inserted;
        }
        when = new Date(when.getTime() + 1);
      }
      throw new Error(`no free logical date for a triggered run of ${dag.dagId}`);
    });
    if (!run) return false;
    this.deps.logger.info(
      { tenantId: dag.tenantId, dagId: dag.dagId, runId: run.runId, bucket: trigger.bucket, key: object.key },
      'file trigger started a run',
    );
    await this.deps.events.publish(runEvent(run));
    await this.lifecycle.startQueuedRuns(dag.tenantId, dag.id);
    return true;
  }
}
