import { runEventSources, TowerError, specHash, validateDagSpec, type DagSpec, type SpecError } from '@tower/core';
import { asSystem, sqlOf, type Dag, type DagVersion } from '@tower/db';
import type { EngineDeps } from './deps.js';
import type { RunLifecycle } from './run-lifecycle.js';
import type { PoolService } from './pool-service.js';
import { nextRunFor } from './schedule-info.js';

export interface UpsertDagResult {
  dag: Dag;
  version: DagVersion;
  created: boolean;
  changed: boolean;
}

export interface DeleteDagResult {
  dag: Dag;
  /** Active runs canceled first (force). */
  canceledRuns: number;
  deletedRuns: number;
}

/** The run states a cancel may leave: the runs that make a DAG "active". */
const ACTIVE_RUN_STATES = runEventSources('cancel');
/** A forced delete cancels and retries at most this often when runs keep being created meanwhile. */
const DELETE_ATTEMPTS = 3;

export interface ListDagsFilter {
  tag?: string | null;
  paused?: boolean | null;
  offset: number;
  limit: number;
}

/** DAG definitions: validation, versioned upserts, listing, pause/unpause. Tenant id first, always. */
export class DagService {
  constructor(
    private readonly deps: EngineDeps,
    private readonly lifecycle: RunLifecycle,
    private readonly pools: PoolService,
  ) {}

  async validate(tenantId: string, input: unknown): Promise<{ valid: boolean; errors: SpecError[]; spec?: DagSpec }> {
    const connections = await this.deps.prisma.connection.findMany({ where: { tenantId }, select: { connId: true, type: true } });
    const result = validateDagSpec(input, { connections: new Map(connections.map((c) => [c.connId, c.type])) });
    if (!result.valid || !result.spec) return result;
    const poolErrors = await this.pools.specErrors(tenantId, result.spec);
    return poolErrors.length ? { valid: false, errors: poolErrors } : result;
  }

  /**
   * Creates the DAG or, when the spec changed, a new version of it. Invalid specs are refused
   * whole: nothing is written. Runs already created keep the version they were created with.
   */
  async upsert(tenantId: string, input: unknown, actor?: string): Promise<UpsertDagResult> {
    const result = await this.validate(tenantId, input);
    if (!result.valid || !result.spec) {
      throw new TowerError('BAD_USER_INPUT', `invalid DAG spec: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, {
        details: { errors: result.errors },
        path: result.errors[0]?.path,
      });
    }
    const spec = result.spec;
    const hash = specHash(spec);
    const now = this.deps.clock();

    const outcome = await this.deps.prisma.$transaction(async (tx) => {
      const existing = await tx.dag.findUnique({ where: { tenantId_dagId: { tenantId, dagId: spec.dagId } } });
      const fields = {
        description: spec.description ?? null,
        schedule: spec.schedule,
        timezone: spec.timezone,
        tags: spec.tags,
        triggers: spec.triggers as object[],
      };
      if (!existing) {
        const next = nextRunFor(spec, null, now);
        const dag = await tx.dag.create({
          data: { tenantId, dagId: spec.dagId, ...fields, latestVersion: 1, nextLogicalDate: next?.logicalDate ?? null, nextDueAt: next?.dueAt ?? null },
        });
        const version = await tx.dagVersion.create({
          data: { tenantId, dagPk: dag.id, version: 1, spec: spec as object, specHash: hash, createdBy: actor ?? null },
        });
        return { dag, version, created: true, changed: true };
      }
      const latest = await tx.dagVersion.findUniqueOrThrow({
        where: { dagPk_version: { dagPk: existing.id, version: existing.latestVersion } },
      });
      if (latest.specHash === hash) return { dag: existing, version: latest, created: false, changed: false };
      const lastScheduled = await tx.dagRun.findFirst({
        where: { tenantId, dagPk: existing.id, runType: 'scheduled' },
        orderBy: { logicalDate: 'desc' },
        select: { logicalDate: true },
      });
      const next = nextRunFor(spec, lastScheduled?.logicalDate ?? null, now);
      const versionNumber = existing.latestVersion + 1;
      // Compare-and-set on latestVersion: two concurrent upserts cannot both claim the same number.
      const bumped = await tx.dag.updateMany({
        where: { id: existing.id, latestVersion: existing.latestVersion },
        data: { ...fields, latestVersion: versionNumber, nextLogicalDate: next?.logicalDate ?? null, nextDueAt: next?.dueAt ?? null },
      });
      if (bumped.count !== 1) throw new TowerError('CONFLICT', `DAG ${spec.dagId} was changed concurrently; retry`);
      const version = await tx.dagVersion.create({
        data: { tenantId, dagPk: existing.id, version: versionNumber, spec: spec as object, specHash: hash, createdBy: actor ?? null },
      });
      const dag = await tx.dag.findUniqueOrThrow({ where: { id: existing.id } });
      return { dag, version, created: false, changed: true };
    });
    return outcome;
  }

  async get(tenantId: string, dagId: string): Promise<Dag> {
    // Every trigger reads it: plain SQL, not Prisma's query layer (same row, same types).
    const [dag] = await sqlOf(this.deps.prisma).query<Dag>(`SELECT * FROM "Dag" WHERE "tenantId" = $1::uuid AND "dagId" = $2`, [tenantId, dagId]);
    if (!dag) throw new TowerError('NOT_FOUND', `DAG ${dagId} not found`);
    return dag;
  }

  /** The DAG's current version. Versions are immutable: kept in a small cache (triggers read them every time). */
  async latestVersion(tenantId: string, dag: Dag): Promise<DagVersion> {
    const key = `${tenantId}|${dag.id}|${dag.latestVersion}`;
    const hit = this.versionCache.get(key);
    if (hit) return hit;
    const version = await this.deps.prisma.dagVersion.findFirstOrThrow({ where: { tenantId, dagPk: dag.id, version: dag.latestVersion } });
    if (this.versionCache.size >= 500) this.versionCache.delete(this.versionCache.keys().next().value as string);
    this.versionCache.set(key, version);
    return version;
  }

  private readonly versionCache = new Map<string, DagVersion>();

  /** The latest version of each of these DAGs, in their order: one read for those not cached. */
  async latestVersions(tenantId: string, dags: readonly Pick<Dag, 'id' | 'latestVersion'>[]): Promise<DagVersion[]> {
    const keyOf = (d: Pick<Dag, 'id' | 'latestVersion'>) => `${tenantId}|${d.id}|${d.latestVersion}`;
    const found = new Map<string, DagVersion>();
    for (const d of dags) {
      const hit = this.versionCache.get(keyOf(d));
      if (hit) found.set(keyOf(d), hit);
    }
    const missing = dags.filter((d) => !found.has(keyOf(d)));
    if (missing.length) {
      const read = await this.deps.prisma.dagVersion.findMany({ where: { tenantId, OR: missing.map((d) => ({ dagPk: d.id, version: d.latestVersion })) } });
      for (const v of read) {
        const key = `${tenantId}|${v.dagPk}|${v.version}`;
        found.set(key, v);
        if (this.versionCache.size >= 500) this.versionCache.delete(this.versionCache.keys().next().value as string);
        this.versionCache.set(key, v);
      }
    }
    return dags.map((d) => {
      const version = found.get(keyOf(d));
      if (!version) throw new TowerError('NOT_FOUND', `version ${d.latestVersion} of DAG ${d.id} not found`);
      return version;
    });
  }

  /**
   * The DAG and its latest version, for a trigger: from a small cache unless `fresh`, saving the
   * trigger a round trip. A cached entry may be stale (another process changed or deleted the
   * DAG): the trigger's insert requires the version to be still the latest, and reads afresh when
   * it was not (RunService.trigger).
   */
  async current(tenantId: string, dagId: string, fresh = false): Promise<{ dag: Dag; version: DagVersion; cached: boolean }> {
    const key = `${tenantId}|${dagId}`;
    const hit = fresh ? undefined : this.currentCache.get(key);
    if (hit) return { ...hit, cached: true };
    const dag = await this.get(tenantId, dagId);
    const version = await this.latestVersion(tenantId, dag);
    this.currentCache.delete(key);
    if (this.currentCache.size >= 500) this.currentCache.delete(this.currentCache.keys().next().value as string);
    this.currentCache.set(key, { dag, version });
    return { dag, version, cached: false };
  }

  private readonly currentCache = new Map<string, { dag: Dag; version: DagVersion }>();

  async versions(tenantId: string, dagId: string): Promise<DagVersion[]> {
    const dag = await this.get(tenantId, dagId);
    return this.deps.prisma.dagVersion.findMany({ where: { tenantId, dagPk: dag.id }, orderBy: { version: 'desc' } });
  }

  async list(tenantId: string, filter: ListDagsFilter): Promise<{ items: Dag[]; totalCount: number }> {
    const where = {
      tenantId,
      ...(filter.tag ? { tags: { has: filter.tag } } : {}),
      ...(filter.paused != null ? { paused: filter.paused } : {}),
    };
    const [items, totalCount] = await Promise.all([
      this.deps.prisma.dag.findMany({ where, orderBy: { dagId: 'asc' }, skip: filter.offset, take: filter.limit }),
      this.deps.prisma.dag.count({ where }),
    ]);
    return { items, totalCount };
  }

  /**
   * Deletes the DAG with its versions, runs, task instances, logs, schedule and file triggers; the
   * tenant's audit log and state-change journal keep their rows. Refused (CONFLICT, details.reason
   * ACTIVE_RUNS) while runs are queued or running, unless `force`: then the DAG is paused (no new
   * scheduled run, no queued run starts) and each active run is canceled through the run lifecycle
   * (compare-and-set, running tries stopped) before the rows go. The rows go in one transaction that
   * holds the DAG's row lock and counts active runs again, so a run created meanwhile (a manual
   * trigger) is either seen — and canceled on the next of a few attempts — or fails its foreign key.
   */
  async delete(tenantId: string, dagId: string, force: boolean): Promise<DeleteDagResult> {
    const dag = await this.get(tenantId, dagId);
    let canceledRuns = 0;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.deleteIdle(tenantId, dag);
      if (outcome.deleted) {
        this.currentCache.delete(`${tenantId}|${dagId}`);
        for (const key of this.versionCache.keys()) if (key.startsWith(`${tenantId}|${dag.id}|`)) this.versionCache.delete(key);
        this.deps.logger.info({ tenantId, dagId, canceledRuns, deletedRuns: outcome.deletedRuns }, 'dag deleted');
        return { dag, canceledRuns, deletedRuns: outcome.deletedRuns };
      }
      if (!force || attempt === DELETE_ATTEMPTS) {
        throw new TowerError('CONFLICT', `DAG ${dagId} has ${outcome.activeRuns} active run(s): cancel them or delete with force: true`, {
          path: 'dagId',
          details: { reason: 'ACTIVE_RUNS', activeRuns: outcome.activeRuns },
        });
      }
      await this.deps.prisma.dag.updateMany({ where: { id: dag.id, tenantId, paused: false }, data: { paused: true } });
      const active = await this.deps.prisma.dagRun.findMany({
        where: { tenantId, dagPk: dag.id, state: { in: [...ACTIVE_RUN_STATES] } },
        select: { id: true, state: true },
      });
      // Queued runs first: canceling a running one would otherwise start the next queued one.
      active.sort((a, b) => Number(b.state === 'queued') - Number(a.state === 'queued'));
      for (const run of active) if (await this.lifecycle.stopRun(tenantId, run.id, 'canceled', `DAG ${dagId} deleted`)) canceledRuns++;
    }
  }

  /** Deletes the DAG's rows if it has no active run (under its row lock); else says how many it has. */
  private deleteIdle(tenantId: string, dag: Dag): Promise<{ deleted: true; deletedRuns: number } | { deleted: false; activeRuns: number }> {
    return this.deps.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Dag" WHERE id = ${dag.id}::uuid AND "tenantId" = ${tenantId}::uuid FOR UPDATE`;
      if (locked.length === 0) throw new TowerError('NOT_FOUND', `DAG ${dag.dagId} not found`);
      const activeRuns = await tx.dagRun.count({ where: { tenantId, dagPk: dag.id, state: { in: [...ACTIVE_RUN_STATES] } } });
      if (activeRuns > 0) return { deleted: false, activeRuns } as const;
      // Runs before versions: a run's version reference is RESTRICT.
      const { count } = await tx.dagRun.deleteMany({ where: { tenantId, dagPk: dag.id } });
      await tx.dag.deleteMany({ where: { id: dag.id, tenantId } });
      return { deleted: true, deletedRuns: count } as const;
    });
  }

  async setPaused(tenantId: string, dagId: string, paused: boolean): Promise<Dag> {
    const dag = await this.get(tenantId, dagId);
    if (dag.paused === paused) return dag;
    const now = this.deps.clock();
    let nextFields = {};
    if (!paused) {
      // Unpausing recomputes the next run from now: a catchup=false DAG does not run the missed intervals.
      const version = await this.latestVersion(tenantId, dag);
      const lastScheduled = await this.deps.prisma.dagRun.findFirst({
        where: { tenantId, dagPk: dag.id, runType: 'scheduled' },
        orderBy: { logicalDate: 'desc' },
        select: { logicalDate: true },
      });
      const next = nextRunFor(version.spec as unknown as DagSpec, lastScheduled?.logicalDate ?? null, now);
      nextFields = { nextLogicalDate: next?.logicalDate ?? null, nextDueAt: next?.dueAt ?? null };
    }
    const [updated] = await this.deps.prisma.dag.updateManyAndReturn({
      where: { id: dag.id, tenantId, paused: !paused },
      data: { paused, ...nextFields },
    });
    // The scheduler's work done at once: as the engine (docs/database.md, "Row-level security").
    if (!paused) await asSystem(() => this.lifecycle.startQueuedRuns(tenantId, dag.id));
    return updated ?? (await this.get(tenantId, dagId));
  }
}
