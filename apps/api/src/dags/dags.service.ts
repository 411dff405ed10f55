import { Injectable } from '@nestjs/common';
import type { Dag, DagVersion } from '@tower/db';
import type { Engine } from '@tower/engine';
import type { Actor } from '../auth/actor.js';
import { offsetConnection, offsetPageArgs } from '../common/pagination.js';
import { InjectEngine } from '../common/tokens.js';
import type { DagConnection, DagModel, DeleteDagPayload } from './dtos/dag.dto.js';
import type { DagsArgs } from './dtos/dags.args.js';

export function toDagModel(dag: Dag): DagModel {
  return {
    id: dag.id,
    dagId: dag.dagId,
    description: dag.description,
    schedule: dag.schedule,
    timezone: dag.timezone,
    tags: dag.tags,
    paused: dag.paused,
    latestVersion: dag.latestVersion,
    nextDagRunLogicalDate: dag.nextLogicalDate,
    nextDagRunDueAt: dag.nextDueAt,
    createdAt: dag.createdAt,
    updatedAt: dag.updatedAt,
  };
}

/** DAG definitions of the caller's tenant, through @tower/engine. */
@Injectable()
export class DagsService {
  constructor(@InjectEngine() private readonly engine: Engine) {}

  async list(actor: Actor, args: DagsArgs): Promise<DagConnection> {
    const page = offsetPageArgs(args);
    const { items, totalCount } = await this.engine.dags.list(actor.tenantId, { tag: args.tag ?? undefined, paused: args.paused ?? undefined, ...page });
    return offsetConnection(items.map(toDagModel), page, totalCount);
  }

  async get(actor: Actor, dagId: string): Promise<DagModel> {
    return toDagModel(await this.engine.dags.get(actor.tenantId, dagId));
  }

  versions(actor: Actor, dagId: string): Promise<DagVersion[]> {
    return this.engine.dags.versions(actor.tenantId, dagId);
  }

  /** Invalid specs store nothing: BAD_USER_INPUT with every error in extensions.details.errors. */
  async upsert(actor: Actor, spec: unknown): Promise<DagModel> {
    const { dag } = await this.engine.dags.upsert(actor.tenantId, spec, actor.userId ?? actor.apiKeyId);
    return toDagModel(dag);
  }

  async delete(actor: Actor, dagId: string, force: boolean): Promise<DeleteDagPayload> {
    const { dag, canceledRuns, deletedRuns } = await this.engine.dags.delete(actor.tenantId, dagId, force);
    return { id: dag.id, dagId: dag.dagId, canceledRuns, deletedRuns };
  }

  async setPaused(actor: Actor, dagId: string, paused: boolean): Promise<DagModel> {
    return toDagModel(await this.engine.dags.setPaused(actor.tenantId, dagId, paused));
  }
}
