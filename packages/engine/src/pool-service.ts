import { TowerError, ID_PATTERN, type DagSpec, type SpecError } from '@tower/core';
import type { Pool } from '@tower/db';
import type { EngineDeps } from './deps.js';
import { DEFAULT_POOL_SLOTS } from './task-queueing.js';

export interface PoolView {
  name: string;
  slots: number;
  /** Task instances of the tenant queued or running in the pool now. */
  occupied: number;
}

/**
 * Pools: named slot counts per tenant (Airflow's pools). A task takes one slot of its pool while
 * queued or running; tasks of every DAG of the tenant share it. `default` exists implicitly with
 * DEFAULT_POOL_SLOTS slots; any other pool must be created before a DAG names it.
 */
export class PoolService {
  constructor(private readonly deps: EngineDeps) {}

  async list(tenantId: string): Promise<PoolView[]> {
    const [pools, use] = await Promise.all([
      this.deps.prisma.pool.findMany({ where: { tenantId }, orderBy: { name: 'asc' } }),
      this.deps.prisma.taskInstance.groupBy({ by: ['pool'], where: { tenantId, state: { in: ['queued', 'running'] } }, _count: true }),
    ]);
    const rows: Array<Pick<Pool, 'name' | 'slots'>> = pools.some((p) => p.name === 'default')
      ? pools
      : [{ name: 'default', slots: DEFAULT_POOL_SLOTS }, ...pools];
    return rows.map((p) => ({ name: p.name, slots: p.slots, occupied: use.find((u) => u.pool === p.name)?._count ?? 0 }));
  }

  async set(tenantId: string, name: string, slots: number): Promise<PoolView> {
    if (!ID_PATTERN.test(name)) throw new TowerError('BAD_USER_INPUT', 'pool names match [a-zA-Z0-9_.-]{1,200}', { path: 'name' });
    if (!Number.isInteger(slots) || slots < 0 || slots > 100_000)
      throw new TowerError('BAD_USER_INPUT', 'slots must be an integer from 0 to 100000', { path: 'slots' });
    await this.deps.prisma.pool.upsert({ where: { tenantId_name: { tenantId, name } }, create: { tenantId, name, slots }, update: { slots } });
    return (await this.list(tenantId)).find((p) => p.name === name)!;
  }

  async delete(tenantId: string, name: string): Promise<boolean> {
    if (name === 'default') throw new TowerError('BAD_USER_INPUT', 'the default pool cannot be deleted (set its slots instead)', { path: 'name' });
    const { count } = await this.deps.prisma.pool.deleteMany({ where: { tenantId, name } });
    if (count === 0) throw new TowerError('NOT_FOUND', `pool ${name} not found`);
    return true;
  }

  /** Spec errors for tasks naming a pool the tenant does not have. */
  async specErrors(tenantId: string, spec: DagSpec): Promise<SpecError[]> {
    const named = [...new Set(spec.tasks.map((t) => t.pool).filter((p) => p !== 'default'))];
    if (named.length === 0) return [];
    const known = new Set((await this.deps.prisma.pool.findMany({ where: { tenantId, name: { in: named } }, select: { name: true } })).map((p) => p.name));
    return spec.tasks.flatMap((t, i) =>
      t.pool !== 'default' && !known.has(t.pool) ? [{ path: `tasks[${i}].pool`, message: `unknown pool "${t.pool}" (create it with setPool)` }] : [],
    );
  }
}
