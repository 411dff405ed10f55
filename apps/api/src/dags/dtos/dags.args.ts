import { ArgsType, Field } from '@nestjs/graphql';
import { ConnectionArgs } from '../../common/pagination.js';

@ArgsType()
export class DagsArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'Only DAGs with this tag' })
  tag?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only paused (true) or active (false) DAGs' })
  paused?: boolean | null;
}
