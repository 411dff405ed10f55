import { Args, Field, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { TenantRepository } from '@tower/db';
import type { Actor } from '../auth/actor.js';
import { AnyRole, CurrentActor, Roles } from '../auth/auth.decorators.js';

@ObjectType('RetentionPolicy', {
  description: "How long the tenant's history is kept: the scheduler deletes what is older, in small batches (docs/retention.md).",
})
export class RetentionPolicyModel {
  @Field(() => Int, { description: 'A finished run, with its task instances, tries and XComs, is deleted this many days after it ended (default 90)' })
  runRetentionDays!: number;

  @Field(() => Int, { description: "A finished run's log lines are deleted this many days after it ended (default 30; at most runRetentionDays)" })
  logRetentionDays!: number;
}

/** The caller's tenant's retention policy: every member reads it, an ADMIN changes it. */
@Resolver(() => RetentionPolicyModel)
export class RetentionResolver {
  constructor(private readonly tenants: TenantRepository) {}

  @AnyRole()
  @Query(() => RetentionPolicyModel)
  retentionPolicy(@CurrentActor() actor: Actor): Promise<RetentionPolicyModel> {
    return this.tenants.retentionPolicy(actor.tenantId);
  }

  @Roles('ADMIN')
  @Mutation(() => RetentionPolicyModel, {
    description:
      'Changes the fields given (whole days, 1 to 3650; logs no longer than runs). Runs and logs already past the new policy are deleted by the next passes.',
  })
  updateRetentionPolicy(
    @CurrentActor() actor: Actor,
    @Args('runRetentionDays', { type: () => Int, nullable: true }) runRetentionDays?: number,
    @Args('logRetentionDays', { type: () => Int, nullable: true }) logRetentionDays?: number,
  ): Promise<RetentionPolicyModel> {
    return this.tenants.updateRetentionPolicy(actor.tenantId, {
      runRetentionDays: runRetentionDays ?? undefined,
      logRetentionDays: logRetentionDays ?? undefined,
    });
  }
}
