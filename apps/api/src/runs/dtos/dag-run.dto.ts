import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import { RUN_STATES, TASK_STATES } from '@tower/core';
import { Connection } from '../../common/pagination.js';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const DagRunState = enumOf(RUN_STATES);
export type DagRunState = (typeof RUN_STATES)[number];
registerEnumType(DagRunState, { name: 'DagRunState' });

export const TaskInstanceState = enumOf(TASK_STATES);
export type TaskInstanceState = (typeof TASK_STATES)[number];
registerEnumType(TaskInstanceState, { name: 'TaskInstanceState' });

export const RunType = enumOf(['scheduled', 'manual', 'backfill', 'triggered'] as const);
export type RunType = keyof typeof RunType;
registerEnumType(RunType, { name: 'RunType' });

@ObjectType('TaskInstance')
export class TaskInstanceModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  dagRunId!: string;

  @Field()
  dagId!: string;

  @Field()
  taskId!: string;

  @Field({ description: 'The task type (operator)' })
  operator!: string;

  @Field(() => TaskInstanceState)
  state!: TaskInstanceState;

  @Field(() => Int, { description: 'Current (or last) try; 0 before the first try starts' })
  tryNumber!: number;

  @Field(() => Int)
  maxTries!: number;

  @Field(() => Date, { nullable: true })
  queuedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  endedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When an up_for_retry task is scheduled again' })
  nextAttemptAt!: Date | null;
}

@ObjectType('DagRun')
export class DagRunModel {
  @Field(() => ID)
  id!: string;

  @Field()
  dagId!: string;

  @Field({ description: 'Airflow-style run id, e.g. scheduled__2026-01-01T08:00:00.000Z' })
  runId!: string;

  @Field(() => RunType)
  runType!: RunType;

  @Field(() => DagRunState)
  state!: DagRunState;

  @Field()
  logicalDate!: Date;

  @Field()
  dataIntervalStart!: Date;

  @Field()
  dataIntervalEnd!: Date;

  @Field(() => GraphQLJSON)
  params!: unknown;

  @Field()
  queuedAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  endedAt!: Date | null;

  @Field(() => Int, { description: 'The DAG version this run executes' })
  dagVersion!: number;
}

@ObjectType('DagRunConnection')
export class DagRunConnection extends Connection(DagRunModel, 'DagRun') {}
