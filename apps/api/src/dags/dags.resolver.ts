import { Args, Context, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { DagSpec } from '@tower/core';
import { GraphQLJSON } from 'graphql-type-json';
import type { Actor } from '../auth/actor.js';
import { AnyRole, CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { GqlContext } from '../common/graphql-context.js';
import { Loaders } from '../common/loaders.js';
import { DagRunModel } from '../runs/dtos/dag-run.dto.js';
import { DagsService } from './dags.service.js';
import { DagConnection, DagModel, DagVersionModel, DeleteDagPayload } from './dtos/dag.dto.js';
import { DagsArgs } from './dtos/dags.args.js';

@Resolver(() => DagModel)
export class DagsResolver {
  constructor(
    private readonly service: DagsService,
    private readonly loaders: Loaders,
  ) {}

  @AnyRole()
  @Query(() => DagConnection)
  dags(@CurrentActor() actor: Actor, @Args() args: DagsArgs): Promise<DagConnection> {
    return this.service.list(actor, args);
  }

  @AnyRole()
  @Query(() => DagModel, { description: 'Errors with NOT_FOUND when the tenant has no such DAG.' })
  dag(@CurrentActor() actor: Actor, @Args('dagId') dagId: string): Promise<DagModel> {
    return this.service.get(actor, dagId);
  }

  @AnyRole()
  @Query(() => [DagVersionModel], { description: 'Newest first.' })
  dagVersions(@CurrentActor() actor: Actor, @Args('dagId') dagId: string): Promise<DagVersionModel[]> {
    return this.service.versions(actor, dagId);
  }

  @Roles('EDITOR')
  @Mutation(() => DagModel, {
    description:
      'Creates the DAG, or a new version when the spec changed. Invalid specs store nothing (BAD_USER_INPUT with every error in extensions.details.errors).',
  })
  upsertDag(@CurrentActor() actor: Actor, @Args('spec', { type: () => GraphQLJSON }) spec: unknown): Promise<DagModel> {
    return this.service.upsert(actor, spec);
  }

  @Roles('EDITOR')
  @Mutation(() => DeleteDagPayload, {
    description:
      'Deletes the DAG with its versions, runs, logs, schedule and file triggers; the audit log keeps its rows. CONFLICT (details.reason ACTIVE_RUNS) while runs are queued or running, unless force: then they are canceled first.',
  })
  deleteDag(
    @CurrentActor() actor: Actor,
    @Args('dagId') dagId: string,
    @Args('force', { type: () => Boolean, defaultValue: false, description: 'Cancel active runs instead of refusing' }) force: boolean,
  ): Promise<DeleteDagPayload> {
    return this.service.delete(actor, dagId, force);
  }

  @Roles('OPERATOR')
  @Mutation(() => DagModel, { description: 'Paused DAGs create no runs and start no queued runs; running ones finish.' })
  pauseDag(@CurrentActor() actor: Actor, @Args('dagId') dagId: string): Promise<DagModel> {
    return this.service.setPaused(actor, dagId, true);
  }

  @Roles('OPERATOR')
  @Mutation(() => DagModel)
  unpauseDag(@CurrentActor() actor: Actor, @Args('dagId') dagId: string): Promise<DagModel> {
    return this.service.setPaused(actor, dagId, false);
  }

  // Nested fields are read for a whole page of DAGs at once (per-request DataLoaders).
  @ResolveField(() => GraphQLJSON, { description: 'The normalised spec of the latest version' })
  async spec(@CurrentActor() actor: Actor, @Parent() dag: DagModel, @Context() ctx: GqlContext): Promise<unknown> {
    return (await this.loaders.of(ctx, actor).latestVersions.load(dag)).spec;
  }

  @ResolveField(() => [String])
  async taskIds(@CurrentActor() actor: Actor, @Parent() dag: DagModel, @Context() ctx: GqlContext): Promise<string[]> {
    const spec = (await this.loaders.of(ctx, actor).latestVersions.load(dag)).spec as unknown as DagSpec;
    return spec.tasks.map((t) => t.taskId);
  }

  @ResolveField(() => [DagRunModel], { description: 'Newest first' })
  recentRuns(
    @CurrentActor() actor: Actor,
    @Parent() dag: DagModel,
    @Context() ctx: GqlContext,
    @Args('limit', { type: () => Int, defaultValue: 10 }) limit: number,
  ): Promise<DagRunModel[]> {
    return this.loaders
      .of(ctx, actor)
      .recentRuns(Math.min(Math.max(limit, 0), 100))
      .load(dag.id) as Promise<DagRunModel[]>;
  }
}
