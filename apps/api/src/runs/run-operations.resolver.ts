import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { TowerError } from '@tower/core';
import type { Backfill } from '@tower/db';
import type { Engine } from '@tower/engine';
import type { Actor } from '../auth/actor.js';
import { AnyRole, CurrentActor, Roles } from '../auth/auth.decorators.js';
import { InjectEngine } from '../common/tokens.js';
import { DagRunModel, TaskInstanceModel } from './dtos/dag-run.dto.js';
import {
  BackfillDagArgs,
  BackfillModel,
  BackfillResultModel,
  ClearTaskInstancesArgs,
  MarkState,
  TaskLogLineModel,
  TaskTryModel,
  XComEntryModel,
} from './dtos/run-operations.dto.js';

const LOG_PAGE_MAX = 10_000;

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
  @Mutation(() => BackfillResultModel, {
    description: 'One run per scheduled interval whose logical date lies in [from, to], in a lower-priority lane with its own maxActiveRuns.',
  })
  async backfillDag(@CurrentActor() actor: Actor, @Args() args: BackfillDagArgs): Promise<BackfillResultModel> {
    const result = await this.engine.backfills.backfill(
      actor.tenantId,
      args.dagId,
      args.from,
      args.to,
      args.reprocess,
      args.maxActiveRuns,
      actor.userId ?? actor.apiKeyId,
    );
    return { ...result, backfill: (await this.backfillModels(actor, [result.backfill]))[0]! } as BackfillResultModel;
  }

  @Roles('OPERATOR')
  @Mutation(() => BackfillModel, { description: 'Cancels the backfill: its queued and running runs are canceled and running tries stopped.' })
  async cancelBackfill(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<BackfillModel> {
    return (await this.backfillModels(actor, [await this.engine.backfills.cancel(actor.tenantId, id)]))[0]!;
  }

  @AnyRole()
  @Query(() => [BackfillModel], { description: 'Newest first (at most 100).' })
  async backfills(@CurrentActor() actor: Actor, @Args('dagId') dagId: string): Promise<BackfillModel[]> {
    return this.backfillModels(actor, await this.engine.backfills.list(actor.tenantId, dagId));
  }

  /** The backfills with their states and run counts, read for all of them at once. */
  private async backfillModels(actor: Actor, backfills: Backfill[]): Promise<BackfillModel[]> {
    const summaries = await this.engine.backfills.summaries(actor.tenantId, backfills);
    return backfills.map((b, i) => ({
      id: b.id,
      dagId: b.dagId,
      fromDate: b.fromDate,
      toDate: b.toDate,
      reprocess: b.reprocess,
      maxActiveRuns: b.maxActiveRuns,
      canceledAt: b.canceledAt,
      createdAt: b.createdAt,
      ...summaries[i]!,
    }));
  }

  @AnyRole()
  @Query(() => [TaskLogLineModel], {
    description:
      "A try's log lines, kept after the worker is gone (tryNumber defaults to the latest), oldest first, at most 10,000 per call: page with afterId.",
  })
  async taskLog(
    @CurrentActor() actor: Actor,
    @Args('taskInstanceId', { type: () => ID }) taskInstanceId: string,
    @Args('tryNumber', { type: () => Int, nullable: true }) tryNumber?: number,
    @Args('afterId', { type: () => ID, nullable: true, description: 'Only lines after this line id (the last id of the previous page)' }) afterId?: string,
    @Args('first', { type: () => Int, nullable: true, description: 'Page size, 1 to 10,000 (default 10,000)' }) first?: number,
  ): Promise<TaskLogLineModel[]> {
    const lines =
      afterId == null && first == null
        ? await this.engine.runs.taskLog(actor.tenantId, taskInstanceId, tryNumber)
        : await this.taskLogPage(actor, taskInstanceId, tryNumber ?? null, afterId ?? null, first ?? LOG_PAGE_MAX);
    return lines.map((l) => ({ ...l, id: l.id.toString() }));
  }

  private async taskLogPage(actor: Actor, taskInstanceId: string, tryNumber: number | null, afterId: string | null, first: number) {
    if (afterId != null && !/^\d{1,19}$/.test(afterId)) throw new TowerError('BAD_USER_INPUT', 'afterId is not a log line id', { path: 'afterId' });
    if (!Number.isInteger(first) || first < 1 || first > LOG_PAGE_MAX)
      throw new TowerError('BAD_USER_INPUT', `first must be 1 to ${LOG_PAGE_MAX}`, { path: 'first' });
    const ti = await this.engine.runs.taskInstance(actor.tenantId, taskInstanceId);
    return this.engine.runs.taskLogAfter(actor.tenantId, ti.id, BigInt(afterId ?? 0), tryNumber ?? ti.tryNumber, first);
  }

  @AnyRole()
  @Query(() => [TaskTryModel], { description: 'Every try of a task instance (state, times, error), oldest first.' })
  async taskTries(@CurrentActor() actor: Actor, @Args('taskInstanceId', { type: () => ID }) taskInstanceId: string): Promise<TaskTryModel[]> {
    return (await this.engine.runs.taskTries(actor.tenantId, taskInstanceId)) as TaskTryModel[];
  }

  @AnyRole()
  @Query(() => [XComEntryModel], { description: 'XCom values pushed by the task (the latest successful try).' })
  xcom(@CurrentActor() actor: Actor, @Args('taskInstanceId', { type: () => ID }) taskInstanceId: string): Promise<XComEntryModel[]> {
    return this.engine.runs.xcom(actor.tenantId, taskInstanceId);
  }
}
