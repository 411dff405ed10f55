import { Args, Context, ID, Info, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { TowerError } from '@tower/core';
import { TASK_INSTANCE_COLUMNS } from '@tower/db';
import type { TaskInstanceColumn } from '@tower/engine';
import type { GraphQLResolveInfo } from 'graphql';
import { withSpan } from '@tower/telemetry';
import type { Actor } from '../auth/actor.js';
import { AnyRole, CurrentActor, Roles } from '../auth/auth.decorators.js';
import type { GqlContext } from '../common/graphql-context.js';
import { Loaders } from '../common/loaders.js';
import { selectedFieldNames } from '../common/selection.js';
import { DagRunConnection, DagRunModel, TaskInstanceModel } from './dtos/dag-run.dto.js';
import { DagRunsArgs, TriggerDagRunArgs } from './dtos/runs.args.js';
import { TaskLogLineModel } from './dtos/run-operations.dto.js';
import { RunsService } from './runs.service.js';

/** The most task instances one run's `taskInstances(first:)` returns (a DAG has at most 10,000 tasks). */
const TASK_INSTANCES_FIRST_MAX = 10_000;

@Resolver(() => DagRunModel)
export class RunsResolver {
  constructor(
    private readonly runs: RunsService,
    private readonly loaders: Loaders,
  ) {}

  @Roles('OPERATOR')
  @Mutation(() => DagRunModel, { description: 'Params are validated against the DAG params spec; logicalDate defaults to now.' })
  triggerDagRun(@CurrentActor() actor: Actor, @Args() args: TriggerDagRunArgs): Promise<DagRunModel> {
    return withSpan('graphql.triggerDagRun', { 'graphql.operation.type': 'mutation', 'tower.dag_id': args.dagId }, () => this.runs.trigger(actor, args));
  }

  @AnyRole()
  @Query(() => DagRunConnection, { description: 'Newest logical date first.' })
  dagRuns(@CurrentActor() actor: Actor, @Args() args: DagRunsArgs): Promise<DagRunConnection> {
    return this.runs.list(actor, args);
  }

  @AnyRole()
  @Query(() => DagRunModel)
  dagRun(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<DagRunModel> {
    return this.runs.get(actor, id);
  }

  @ResolveField(() => [TaskInstanceModel], { description: 'By taskId (the first `first` of them when given); read for a whole page of runs at once' })
  taskInstances(
    @CurrentActor() actor: Actor,
    @Parent() run: DagRunModel,
    @Context() ctx: GqlContext,
    @Info() info: GraphQLResolveInfo,
    @Args('first', { type: () => Int, nullable: true, description: `1 to ${TASK_INSTANCES_FIRST_MAX}` }) first?: number | null,
  ): Promise<TaskInstanceModel[]> {
    if (first != null && (first < 1 || first > TASK_INSTANCES_FIRST_MAX)) {
      throw new TowerError('BAD_USER_INPUT', `first must be 1 to ${TASK_INSTANCES_FIRST_MAX}`, { path: 'first' });
    }
    // Only the columns of the fields asked for (TaskInstance has no resolver of its own: every field is a column).
    const columns = [...selectedFieldNames(info)].filter((f): f is TaskInstanceColumn => Object.hasOwn(TASK_INSTANCE_COLUMNS, f));
    return this.loaders
      .of(ctx, actor)
      .taskInstances(first ?? 0, columns)
      .load(run.id) as Promise<TaskInstanceModel[]>;
  }

  @AnyRole()
  @Subscription(() => DagRunModel, { description: 'A run of the tenant changed state (all DAGs when dagId is null).' })
  dagRunUpdated(@CurrentActor() actor: Actor, @Args('dagId', { type: () => String, nullable: true }) dagId?: string) {
    return this.runs.runUpdates(actor, dagId);
  }

  @AnyRole()
  @Subscription(() => TaskInstanceModel, { description: 'Task instances of one run (DagRun.id) changed state.' })
  taskInstanceUpdated(@CurrentActor() actor: Actor, @Args('runId', { type: () => ID }) runId: string) {
    return this.runs.taskUpdates(actor, runId);
  }

  @AnyRole()
  @Subscription(() => [TaskLogLineModel], {
    description: "Log lines of a task instance as its tries write them (only tryNumber's when given), a batch per message; earlier lines come from taskLog.",
  })
  taskLogAppended(
    @CurrentActor() actor: Actor,
    @Args('taskInstanceId', { type: () => ID }) taskInstanceId: string,
    @Args('tryNumber', { type: () => Int, nullable: true }) tryNumber?: number,
  ) {
    return this.runs.logLines(actor, taskInstanceId, tryNumber);
  }
}
