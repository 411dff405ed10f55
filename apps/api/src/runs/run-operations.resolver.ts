import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { TowerError } from '@tower/core';
import type { Engine } from '@tower/engine';
import type { Actor } from '../auth/actor.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { InjectEngine } from '../common/tokens.js';
import { DagRunModel, TaskInstanceModel } from './dtos/dag-run.dto.js';
import { BackfillDagArgs, BackfillResultModel, ClearTaskInstancesArgs, MarkState, TaskLogLineModel, XComEntryModel } from './dtos/run-operations.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Airflow's run operations (clear, mark, cancel, backfill) and a try's log and XCom. */
@Resolver()
export class RunOperationsResolver {
  constructor(@InjectEngine() private readonly engine: Engine) {}

  @Roles('OPERATOR')
  @Mutation(() => [TaskInstanceModel], { description: 'Cleared tasks run again with a new try number; the run goes back to running.' })
  clearTaskInstances(@CurrentActor() actor: Actor, @Args() args: ClearTaskInstancesArgs): Promise<TaskInstanceModel[]> {
    return this.engine.operations.clearTaskInstances(actor.tenantId, args.runId, {
      taskIds: args.taskIds ?? [],
      includeDownstream: args.includeDownstream,
      onlyFailed: args.onlyFailed,
    }) as Promise<TaskInstanceModel[]>;
  }

  @Roles('OPERATOR')
  @Mutation(() => TaskInstanceModel, { description: 'A running try is stopped; downstream tasks follow their trigger rules.' })
  markTaskInstance(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('state', { type: () => MarkState }) state: MarkState,
  ): Promise<TaskInstanceModel> {
    return this.engine.operations.markTaskInstance(actor.tenantId, id, state) as Promise<TaskInstanceModel>;
  }

  @Roles('OPERATOR')
  @Mutation(() => DagRunModel, { description: 'Unfinished tasks are skipped and running tries stopped.' })
  cancelDagRun(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<DagRunModel> {
    return this.engine.operations.cancelDagRun(actor.tenantId, id) as Promise<DagRunModel>;
  }

  @Roles('OPERATOR')
  @Mutation(() => BackfillResultModel, { description: 'One run per scheduled interval whose logical date lies in [from, to], at a lower priority.' })
  backfillDag(@CurrentActor() actor: Actor, @Args() args: BackfillDagArgs): Promise<BackfillResultModel> {
    return this.engine.backfills.backfill(actor.tenantId, args.dagId, args.from, args.to, args.reprocess) as Promise<BackfillResultModel>;
  }

  @Query(() => [TaskLogLineModel], { description: "A try's log lines, kept after the worker is gone (tryNumber defaults to the latest)." })
  async taskLog(
    @CurrentActor() actor: Actor,
    @Args('taskInstanceId', { type: () => ID }) taskInstanceId: string,
    @Args('tryNumber', { type: () => Int, nullable: true }) tryNumber?: number,
  ): Promise<TaskLogLineModel[]> {
    const ti = await this.taskInstance(actor, taskInstanceId);
    const lines = await this.engine.deps.prisma.taskLog.findMany({
      where: { tenantId: actor.tenantId, taskInstanceId: ti.id, tryNumber: tryNumber ?? ti.tryNumber },
      orderBy: { id: 'asc' },
      take: 10_000,
    });
    return lines.map((l) => ({ ...l, id: l.id.toString() }));
  }

  @Query(() => [XComEntryModel], { description: 'XCom values pushed by the task (the latest successful try).' })
  async xcom(@CurrentActor() actor: Actor, @Args('taskInstanceId', { type: () => ID }) taskInstanceId: string): Promise<XComEntryModel[]> {
    const ti = await this.taskInstance(actor, taskInstanceId);
    return this.engine.deps.prisma.xCom.findMany({ where: { tenantId: actor.tenantId, taskInstanceId: ti.id }, orderBy: { key: 'asc' } });
  }

  private async taskInstance(actor: Actor, id: string) {
    const ti = UUID.test(id) ? await this.engine.deps.prisma.taskInstance.findFirst({ where: { id, tenantId: actor.tenantId } }) : null;
    if (!ti) throw new TowerError('NOT_FOUND', `task instance ${id} not found`);
    return ti;
  }
}
