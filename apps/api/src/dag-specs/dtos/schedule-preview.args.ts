import { ArgsType, Field, Int } from '@nestjs/graphql';

export const MAX_PREVIEW_COUNT = 500;

@ArgsType()
export class SchedulePreviewArgs {
  @Field({ description: '5-field cron or a preset (@hourly, @daily, @weekly, @monthly, @yearly)' })
  schedule!: string;

  @Field({ defaultValue: 'UTC', description: 'IANA time zone the cron is read in' })
  timezone!: string;

  @Field(() => Date, { nullable: true, description: 'Exclusive lower bound; default now' })
  after?: Date | null;

  @Field(() => Int, { defaultValue: 5, description: `1 to ${MAX_PREVIEW_COUNT}` })
  count!: number;
}
