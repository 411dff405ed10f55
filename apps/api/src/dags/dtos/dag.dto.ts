import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import { Connection } from '../../common/pagination.js';

@ObjectType('Dag', { description: 'A DAG definition of the tenant (its latest version).' })
export class DagModel {
  @Field(() => ID)
  id!: string;

  @Field()
  dagId!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true, description: '5-field cron or preset, in `timezone`; null = manual only' })
  schedule!: string | null;

  @Field()
  timezone!: string;

  @Field(() => [String])
  tags!: string[];

  @Field()
  paused!: boolean;

  @Field(() => Int)
  latestVersion!: number;

  @Field(() => Date, { nullable: true, description: 'Logical date of the next scheduled run' })
  nextDagRunLogicalDate!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the next scheduled run is created (its data interval end)' })
  nextDagRunDueAt!: Date | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType('DagVersion')
export class DagVersionModel {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field()
  specHash!: string;

  @Field(() => GraphQLJSON)
  spec!: unknown;

  @Field()
  createdAt!: Date;
}

@ObjectType('DagConnection')
export class DagConnection extends Connection(DagModel, 'Dag') {}

@ObjectType('DeleteDagPayload', { description: 'What deleteDag removed' })
export class DeleteDagPayload {
  @Field(() => ID, { description: 'Dag.id of the deleted DAG' })
  id!: string;

  @Field()
  dagId!: string;

  @Field(() => Int, { description: 'Active runs canceled first (force: true)' })
  canceledRuns!: number;

  @Field(() => Int, { description: 'Runs deleted with the DAG' })
  deletedRuns!: number;
}
