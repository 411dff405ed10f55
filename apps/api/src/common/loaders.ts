import { Injectable } from '@nestjs/common';
import type { DagRun, DagVersion, TaskInstance } from '@tower/db';
import type { Engine, TaskInstanceColumn } from '@tower/engine';
import DataLoader from 'dataloader';
import type { Actor } from '../auth/actor.js';
import type { GqlContext } from './graphql-context.js';
import { InjectEngine } from './tokens.js';

type DagRef = { id: string; latestVersion: number };
/** A task instance as a page reads it: the selected columns only. */
type TaskInstanceRow = Partial<TaskInstance> & Pick<TaskInstance, 'dagRunId' | 'taskId'>;

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string, keys: readonly string[]): T[][] {
  const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((k) => groups.get(k)!);
}

/**
 * The DataLoaders of one request and one tenant: nested lists of a page (its runs' task
 * instances, its DAGs' recent runs and specs) are read with one statement per kind, however long
 * the page. Every batch filters by the tenant the loaders were made for.
 */
export class RequestLoaders {
  readonly latestVersions: DataLoader<DagRef, DagVersion, string>;
  private readonly recentRunsByLimit = new Map<number, DataLoader<string, DagRun[]>>();
  private readonly taskInstancesBy = new Map<string, DataLoader<string, TaskInstanceRow[]>>();

  constructor(
    private readonly engine: Engine,
    readonly tenantId: string,
  ) {
    this.latestVersions = new DataLoader((dags) => engine.dags.latestVersions(tenantId, dags), { cacheKeyFn: (d) => `${d.id}|${d.latestVersion}` });
  }

  /**
   * A run's task instances (the first `first` by taskId; 0: all), batched with the other runs
   * asking for as many and the same `columns` (the GraphQL fields selected: only those are read).
   */
  taskInstances(first: number, columns: readonly TaskInstanceColumn[]): DataLoader<string, TaskInstanceRow[]> {
    const key = `${first}|${[...columns].sort().join(',')}`;
    let loader = this.taskInstancesBy.get(key);
    if (!loader) {
      loader = new DataLoader((runIds) => this.engine.batchReads.taskInstancesOfRuns(this.tenantId, runIds, first || undefined, columns));
      this.taskInstancesBy.set(key, loader);
    }
    return loader;
  }

  /** The newest `limit` runs of a DAG (by primary key), batched with the other DAGs asking for as many. */
  recentRuns(limit: number): DataLoader<string, DagRun[]> {
    let loader = this.recentRunsByLimit.get(limit);
    if (!loader) {
      loader = new DataLoader(async (dagPks) => groupBy(await this.engine.batchReads.recentRunsOfDags(this.tenantId, dagPks, limit), (r) => r.dagPk, dagPks));
      this.recentRunsByLimit.set(limit, loader);
    }
    return loader;
  }
}

/** Hands each GraphQL request (its context) its own RequestLoaders, made for the caller's tenant. */
@Injectable()
export class Loaders {
  private readonly perRequest = new WeakMap<GqlContext, RequestLoaders>();

  constructor(@InjectEngine() private readonly engine: Engine) {}

  of(ctx: GqlContext, actor: Actor): RequestLoaders {
    let loaders = this.perRequest.get(ctx);
    // A context has one caller; the check keeps a loader from ever serving another tenant's rows.
    if (!loaders || loaders.tenantId !== actor.tenantId) {
      loaders = new RequestLoaders(this.engine, actor.tenantId);
      this.perRequest.set(ctx, loaders);
    }
    return loaders;
  }
}
