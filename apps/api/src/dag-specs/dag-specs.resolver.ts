import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import type { Actor } from '../auth/actor.js';
import { AnyRole, CurrentActor } from '../auth/auth.decorators.js';
import { DagSpecsService } from './dag-specs.service.js';
import { SchedulePreviewArgs } from './dtos/schedule-preview.args.js';
import { ValidationResultModel } from './dtos/validation-result.dto.js';

@Resolver()
export class DagSpecsResolver {
  constructor(private readonly specs: DagSpecsService) {}

  @AnyRole()
  @Query(() => ValidationResultModel, { name: 'validateDagSpec', description: 'Checks a DAG spec (JSON) without storing it.' })
  validateDagSpecQuery(@CurrentActor() actor: Actor, @Args('spec', { type: () => GraphQLJSON }) spec: unknown): Promise<ValidationResultModel> {
    return this.specs.validate(actor, spec);
  }

  // Also a mutation: clients that send specs only through mutations (as upsertDag) can keep doing so.
  @AnyRole()
  @Mutation(() => ValidationResultModel, { name: 'validateDagSpec', description: 'Same as the query; stores nothing.' })
  validateDagSpecMutation(@CurrentActor() actor: Actor, @Args('spec', { type: () => GraphQLJSON }) spec: unknown): Promise<ValidationResultModel> {
    return this.specs.validate(actor, spec);
  }

  @AnyRole()
  @Query(() => [Date], { description: 'The next `count` fire times of a cron in a time zone, after `after` (default now).' })
  schedulePreview(@Args() args: SchedulePreviewArgs): Date[] {
    return this.specs.schedulePreview(args);
  }
}
