import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Inject } from '@nestjs/common';
import { nextFireTimes, TowerError, type DagSpec } from '@tower/core';
import type { Dag } from '@tower/db';
import type { Engine } from '@tower/engine';
import { GraphQLJSON } from 'graphql-type-json';
import { CurrentActor, MinRole, type Actor } from '../auth/actor.js';
import { pageArgs, toConnection } from '../common/pagination.js';
import { ENGINE } from '../common/tokens.js';
import { DagRunModel } from '../runs/dag-run.model.js';
import { DagConnection, DagModel, DagVersionModel } from './dag.model.js';
import { ValidationResultModel } from './validation.model.js';

@Resolver(() => DagModel)
export class DagsResolver {
  constructor(@Inject(ENGINE) private readonly engine: Engine) {}

  @Query(() => DagConnection)
  async dags(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('tag', { type: () => String, nullable: true }) tag?: string,
    @Args('paused', { type: () => Boolean, nullable: true }) paused?: boolean,
  ): Promise<DagConnection> {
    const { offset, limit } = pageArgs(first, after);
    const { items, totalCount } = await this.engine.dags.list(actor.tenantId, { tag, paused, offset, limit });
    return toConnection(items.map(toDagModel), totalCount, offset) as DagConnection;
  }

  @Query(() => DagModel, { description: 'Errors with NOT_FOUND when the tenant has no such DAG.' })
  async dag(@CurrentActor() actor: Actor, @Args('dagId') dagId: string): Promise<DagModel> {
    return toDagModel(await this.engine.dags.get(actor.tenantId, dagId));
  }

  @Query(() => [DagVersionModel], { description: 'Newest first.' })
  dagVersions(@CurrentActor() actor: Actor, @Args('dagId') dagId: string): Promise<DagVersionModel[]> {
    return this.engine.dags.versions(actor.tenantId, dagId);
  }

  @Query(() => ValidationResultModel, { name: 'validateDagSpec' })
  validateQuery(@CurrentActor() actor: Actor, @Args('spec', { type: () => GraphQLJSON }) spec: unknown): Promise<ValidationResultModel> {
    return this.validate(actor, spec);
  }

  @Mutation(() => ValidationResultModel, { name: 'validateDagSpec', description: 'Same as the query; stores nothing.' })
  validateMutation(@CurrentActor() actor: Actor, @Args('spec', { type: () => GraphQLJSON }) spec: unknown): Promise<ValidationResultModel> {
    return this.validate(actor, spec);
  }

  private async validate(actor: Actor, spec: unknown): Promise<ValidationResultModel> {
    const res = await this.engine.dags.validate(actor.tenantId, spec);
    return { valid: res.valid, errors: res.errors };
  }

  @MinRole('EDITOR')
  @Mutation(() => DagModel, { description: 'Creates the DAG, or a new version when the spec changed. Invalid specs store nothing (BAD_USER_INPUT with every error in extensions.details.errors).' })
  async upsertDag(@CurrentActor() actor: Actor, @Args('spec', { type: () => GraphQLJSON }) spec: unknown): Promise<DagModel> {
    const { dag } = await this.engine.dags.upsert(actor.tenantId, spec, actor.userId ?? actor.apiKeyId ?? undefined);
    return toDagModel(dag);
  }

  @MinRole('OPERATOR')
  @Mutation(() => DagModel, { description: 'Paused DAGs create no runs and start no queued runs; running ones finish.' })
  async pauseDag(@CurrentActor() actor: Actor, @Args('dagId') dagId: string): Promise<DagModel> {
    return toDagModel(await this.engine.dags.setPaused(actor.tenantId, dagId, true));
  }

  @MinRole('OPERATOR')
  @Mutation(() => DagModel)
  async unpauseDag(@CurrentActor() actor: Actor, @Args('dagId') dagId: string): Promise<DagModel> {
    return toDagModel(await this.engine.dags.setPaused(actor.tenantId, dagId, false));
  }

  @Query(() => [Date], { description: 'The next `count` fire times of a cron in a time zone, after `after` (default now).' })
  schedulePreview(
    @Args('schedule') schedule: string,
    @Args('timezone', { defaultValue: 'UTC' }) timezone: string,
    @Args('after', { type: () => Date, nullable: true }) after?: Date,
    @Args('count', { type: () => Int, defaultValue: 5 }) count = 5,
  ): Date[] {
    if (count < 1 || count > 500) throw new TowerError('BAD_USER_INPUT', 'count must be between 1 and 500', { path: 'count' });
    return nextFireTimes(schedule, timezone, after ?? new Date(), count);
  }

  @ResolveField(() => GraphQLJSON, { description: 'The normalised spec of the latest version' })
  async spec(@CurrentActor() actor: Actor, @Parent() dag: DagModel): Promise<unknown> {
    return (await this.latest(actor, dag)).spec;
  }

  @ResolveField(() => [String])
  async taskIds(@CurrentActor() actor: Actor, @Parent() dag: DagModel): Promise<string[]> {
    return ((await this.latest(actor, dag)).spec as unknown as DagSpec).tasks.map((t) => t.taskId);
  }

  @ResolveField(() => [DagRunModel], { description: 'Newest first' })
  recentRuns(@CurrentActor() actor: Actor, @Parent() dag: DagModel, @Args('limit', { type: () => Int, defaultValue: 10 }) limit: number): Promise<DagRunModel[]> {
    return this.engine.runs.recent(actor.tenantId, dag.id, Math.min(Math.max(limit, 0), 100)) as Promise<DagRunModel[]>;
  }

  private latest(actor: Actor, dag: DagModel) {
    return this.engine.deps.prisma.dagVersion.findFirstOrThrow({ where: { tenantId: actor.tenantId, dagPk: dag.id, version: dag.latestVersion } });
  }
}

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
