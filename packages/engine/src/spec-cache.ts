import type { DagSpec } from '@tower/core';
import type { DbClient } from './deps.js';

/**
 * DAG versions are immutable, so their parsed specs can be cached forever by version id.
 * Bounded to keep a long-lived worker's memory flat.
 */
export class SpecCache {
  private readonly cache = new Map<string, DagSpec>();

  constructor(private readonly max = 2000) {}

  /** The spec if it is cached, without reading the database. */
  peek(versionId: string): DagSpec | undefined {
    return this.cache.get(versionId);
  }

  async get(db: DbClient, tenantId: string, versionId: string): Promise<DagSpec> {
    const hit = this.cache.get(versionId);
    if (hit) return hit;
    const version = await db.dagVersion.findFirstOrThrow({ where: { id: versionId, tenantId }, select: { spec: true } });
    const spec = version.spec as unknown as DagSpec;
    if (this.cache.size >= this.max) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(versionId, spec);
    return spec;
  }
}
