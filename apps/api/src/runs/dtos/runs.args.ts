import { ArgsType, Field, Int } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import { ConnectionArgs } from '../../common/pagination.js';
import { DagRunState, RunType } from './dag-run.dto.js';

@ArgsType()
export class DagRunsArgs extends ConnectionArgs {
  @Field()
  dagId!: string;

  @Field(() => DagRunState, { nullable: true })
  state?: DagRunState | null;

  @Field(() => RunType, { nullable: true, description: 'Only runs of this type' })
  runType?: RunType | null;

  @Field(() => Date, { nullable: true, description: 'Only runs whose logical date is at or after this instant' })
  logicalDateFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only runs whose logical date is before this instant' })
  logicalDateTo?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Runs to skip from the newest (0 to 10,000,000), to open any page at once, e.g. the oldest; not with `after`',
  })
  offset?: number | null;
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
