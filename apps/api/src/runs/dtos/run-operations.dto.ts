import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import { DagRunModel, TaskInstanceState } from './dag-run.dto.js';

export const Reprocess = { none: 'none', failed: 'failed', all: 'all' } as const;
export type Reprocess = keyof typeof Reprocess;
registerEnumType(Reprocess, { name: 'Reprocess', description: 'Which existing runs a backfill re-runs' });

export const MarkState = { success: 'success', failed: 'failed' } as const;
export type MarkState = keyof typeof MarkState;
registerEnumType(MarkState, { name: 'MarkState' });

@ArgsType()
export class ClearTaskInstancesArgs {
  @Field(() => ID, { description: 'DagRun.id' })
  runId!: string;

  @Field(() => [String], { nullable: true, description: 'Empty or null = every task of the run' })
  taskIds?: string[] | null;

  @Field({ defaultValue: false })
  includeDownstream!: boolean;

  @Field({ defaultValue: false })
  onlyFailed!: boolean;
}

@ArgsType()
export class BackfillDagArgs {
  @Field()
  dagId!: string;

  @Field(() => Date, { description: 'Logical dates from (inclusive)' })
  from!: Date;

  @Field(() => Date, { description: 'Logical dates to (inclusive)' })
  to!: Date;

  @Field(() => Reprocess, { defaultValue: 'none' })
  reprocess!: Reprocess;

  @Field(() => Int, { defaultValue: 4, description: "The backfill's own limit of running runs (1–100), apart from the DAG's maxActiveRuns" })
  maxActiveRuns!: number;
}

@ObjectType('Backfill', { description: 'A backfillDag request; its runs form a low-priority lane of their own.' })
export class BackfillModel {
  @Field(() => ID)
  id!: string;

  @Field()
  dagId!: string;

  @Field()
  fromDate!: Date;

  @Field()
  toDate!: Date;

  @Field()
  reprocess!: string;

  @Field(() => Int)
  maxActiveRuns!: number;

  @Field({ description: 'running (a run is queued or running), completed, or canceled' })
  state!: string;

  @Field(() => GraphQLJSON, { description: 'Number of its runs per run state' })
  runCounts!: Record<string, number>;

  @Field(() => Date, { nullable: true })
  canceledAt!: Date | null;

  @Field()
  createdAt!: Date;
}

@ObjectType('BackfillResult')
export class BackfillResultModel {
  @Field(() => BackfillModel)
  backfill!: BackfillModel;

  @Field(() => [DagRunModel])
  created!: DagRunModel[];

  @Field(() => [DagRunModel])
  reprocessed!: DagRunModel[];

  @Field(() => Int, { description: 'Existing runs left alone' })
  skipped!: number;
}

@ObjectType('TaskLogLine')
export class TaskLogLineModel {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  tryNumber!: number;

  @Field()
  ts!: Date;

  @Field()
  level!: string;

  @Field()
  message!: string;
}

@ObjectType('XComEntry')
export class XComEntryModel {
  @Field()
  key!: string;

  @Field(() => GraphQLJSON)
  value!: unknown;

  @Field(() => Int)
  tryNumber!: number;

  @Field()
  createdAt!: Date;
}

@ObjectType('TaskTry', { description: 'One try of a task instance: its outcome, times and error' })
export class TaskTryModel {
  @Field(() => Int)
  tryNumber!: number;

  @Field(() => TaskInstanceState)
  state!: TaskInstanceState;

  @Field()
  startedAt!: Date;

  @Field(() => Date, { nullable: true })
  endedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the try failed' })
  error!: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: "The task's `with` with its templates as rendered for this try; null until the try ends, or when rendering failed",
  })
  renderedWith!: unknown;
}
