import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import { DagRunModel } from './dag-run.dto.js';

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
}

@ObjectType('BackfillResult')
export class BackfillResultModel {
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
