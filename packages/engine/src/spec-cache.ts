import { TowerError, type DagSpec } from '@tower/core';
import type { Sql } from '@tower/db';

/**
 * DAG versions are immutable, so their parsed specs can be cached forever by version id.
 * Bounded to keep a long-lived worker's memory flat. Each entry remembers its tenant: `get` for
 * another tenant misses, as its read would (the API shares the cache between tenants).
 */
export class SpecCache {
  private readonly cache = new Map<string, { tenantId: string; spec: DagSpec }>();

  constructor(
    private readonly sql: Sql,
    private readonly max = 2000,
  ) {}

  /** The spec if it is cached, without reading the database. */
  peek(versionId: string): DagSpec | undefined {
    return this.cache.get(versionId)?.spec;
  }

  /** Concurrent misses of one version share one read. */
  private readonly loading = new Map<string, Promise<DagSpec>>();

  async get(tenantId: string, versionId: string): Promise<DagSpec> {
    const hit = this.cache.get(versionId);
    if (hit?.tenantId === tenantId) return hit.spec;
    const key = `${tenantId}|${versionId}`;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(tenantId, versionId).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async load(tenantId: string, versionId: string): Promise<DagSpec> {
    // Plain SQL: a new DAG's first runs have every worker read its spec, and Prisma's query layer
    // cost several milliseconds of CPU per read of a large JSON document.
    const [version] = await this.sql.query<{ spec: DagSpec }>(`SELECT spec FROM "DagVersion" WHERE id = $1::uuid AND "tenantId" = $2::uuid`, [
      versionId,
      tenantId,
    ]);
    if (!version) throw new TowerError('NOT_FOUND', `DAG version ${versionId} not found`);
    const spec = version.spec;
    if (this.cache.size >= this.max) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(versionId, { tenantId, spec });
    return spec;
  }
}
