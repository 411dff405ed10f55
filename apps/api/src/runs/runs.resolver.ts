import { Inject } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import type { Engine } from '@tower/engine';
import type { DagRunSnapshot, TaskInstanceSnapshot } from '@tower/events';
import { GraphQLJSON } from 'graphql-type-json';
import { CurrentActor, MinRole, type Actor } from '../auth/actor.js';
import { pageArgs, toConnection } from '../common/pagination.js';
import { ENGINE } from '../common/tokens.js';
import { EventStreamService } from '../events/event-stream.service.js';
import { DagRunConnection, DagRunModel, DagRunState, TaskInstanceModel } from './dag-run.model.js';

const date = (s: string | null): Date | null => (s ? new Date(s) : null);

function runFromSnapshot(s: DagRunSnapshot): DagRunModel {
  return {
    id: s.id,
    dagId: s.dagId,
    runId: s.runId,
    runType: s.runType as DagRunModel['runType'],
    state: s.state as DagRunModel['state'],
    logicalDate: new Date(s.logicalDate),
    dataIntervalStart: new Date(s.dataIntervalStart),
    dataIntervalEnd: new Date(s.dataIntervalEnd),
    params: s.params,
    queuedAt: new Date(s.queuedAt),
    startedAt: date(s.startedAt),
    endedAt: date(s.endedAt),
    dagVersion: s.dagVersion,
  };
}

function taskFromSnapshot(s: TaskInstanceSnapshot): TaskInstanceModel {
  return {
    id: s.id,
    dagRunId: s.dagRunId,
    dagId: s.dagId,
    taskId: s.taskId,
    operator: s.operator,
    state: s.state as TaskInstanceModel['state'],
    tryNumber: s.tryNumber,
    maxTries: s.maxTries,
    queuedAt: date(s.queuedAt),
    startedAt: date(s.startedAt),
    endedAt: date(s.endedAt),
    nextAttemptAt: date(s.nextAttemptAt),
  };
}

@Resolver(() => DagRunModel)
export class RunsResolver {
  constructor(
    @Inject(ENGINE) private readonly engine: Engine,
    private readonly events: EventStreamService,
  ) {}

  @MinRole('OPERATOR')
  @Mutation(() => DagRunModel, { description: 'Params are validated against the DAG params spec; logicalDate defaults to now.' })
  triggerDagRun(
    @CurrentActor() actor: Actor,
    @Args('dagId') dagId: string,
    @Args('params', { type: () => GraphQLJSON, nullable: true }) params?: unknown,
    @Args('logicalDate', { type: () => Date, nullable: true }) logicalDate?: Date,
  ): Promise<DagRunModel> {
    return this.engine.runs.trigger(actor.tenantId, dagId, params ?? {}, logicalDate ?? null) as Promise<DagRunModel>;
  }

  @Query(() => DagRunConnection, { description: 'Newest logical date first.' })
  async dagRuns(
    @CurrentActor() actor: Actor,
    @Args('dagId') dagId: string,
    @Args('state', { type: () => DagRunState, nullable: true }) state?: DagRunState,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<DagRunConnection> {
    const { offset, limit } = pageArgs(first ?? 25, after);
    const { items, totalCount } = await this.engine.runs.list(actor.tenantId, dagId, { state, offset, limit });
    return toConnection(items, totalCount, offset) as DagRunConnection;
  }

  @Query(() => DagRunModel)
  dagRun(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<DagRunModel> {
    return this.engine.runs.get(actor.tenantId, id) as Promise<DagRunModel>;
  }

  @ResolveField(() => [TaskInstanceModel])
  taskInstances(@CurrentActor() actor: Actor, @Parent() run: DagRunModel): Promise<TaskInstanceModel[]> {
    return this.engine.runs.taskInstances(actor.tenantId, run.id) as Promise<TaskInstanceModel[]>;
  }

  @Subscription(() => DagRunModel, { description: "A run of the tenant changed state (all DAGs when dagId is null)." })
  dagRunUpdated(@CurrentActor() actor: Actor, @Args('dagId', { type: () => String, nullable: true }) dagId?: string) {
    return this.events.iterate(
      actor.tenantId,
      (e) => e.kind === 'dagRun' && (!dagId || e.dagId === dagId),
      (e) => ({ dagRunUpdated: runFromSnapshot((e as Extract<typeof e, { kind: 'dagRun' }>).run) }),
    );
  }

  @Subscription(() => TaskInstanceModel, { description: 'Task instances of one run (DagRun.id) changed state.' })
  async taskInstanceUpdated(@CurrentActor() actor: Actor, @Args('runId', { type: () => ID }) runId: string) {
    await this.engine.runs.get(actor.tenantId, runId); // NOT_FOUND for another tenant's run
    return this.events.iterate(
      actor.tenantId,
      (e) => e.kind === 'taskInstance' && e.dagRunId === runId,
      (e) => ({ taskInstanceUpdated: taskFromSnapshot((e as Extract<typeof e, { kind: 'taskInstance' }>).taskInstance) }),
    );
  }
}
