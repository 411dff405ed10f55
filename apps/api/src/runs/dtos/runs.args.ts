import { ArgsType, Field } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import { ConnectionArgs } from '../../common/pagination.js';
import { DagRunState } from './dag-run.dto.js';

@ArgsType()
export class DagRunsArgs extends ConnectionArgs {
  @Field()
  dagId!: string;

  @Field(() => DagRunState, { nullable: true })
  state?: DagRunState | null;
}

@ArgsType()
export class TriggerDagRunArgs {
  @Field()
  dagId!: string;

  @Field(() => GraphQLJSON, { nullable: true, description: "Validated against the DAG's params spec" })
  params?: unknown;

  @Field(() => Date, { nullable: true, description: 'Default now' })
  logicalDate?: Date | null;
}
