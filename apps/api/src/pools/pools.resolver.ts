import { Args, Field, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { Engine } from '@tower/engine';
import type { Actor } from '../auth/actor.js';
import { AnyRole, CurrentActor, Roles } from '../auth/auth.decorators.js';
import { InjectEngine } from '../common/tokens.js';

@ObjectType('Pool', { description: "A tenant's pool: a task takes one slot of its pool while queued or running." })
export class PoolModel {
  @Field()
  name!: string;

  @Field(() => Int)
  slots!: number;

  @Field(() => Int, { description: 'Slots taken now' })
  occupied!: number;
}

/** Pools of the caller's tenant. `default` always exists; others must exist before a DAG names them. */
@Resolver(() => PoolModel)
export class PoolsResolver {
  constructor(@InjectEngine() private readonly engine: Engine) {}

  @AnyRole()
  @Query(() => [PoolModel])
  pools(@CurrentActor() actor: Actor): Promise<PoolModel[]> {
    return this.engine.pools.list(actor.tenantId);
  }

  @Roles('ADMIN')
  @Mutation(() => PoolModel, { description: 'Creates the pool or changes its slots (0 pauses its tasks).' })
  setPool(@CurrentActor() actor: Actor, @Args('name') name: string, @Args('slots', { type: () => Int }) slots: number): Promise<PoolModel> {
    return this.engine.pools.set(actor.tenantId, name, slots);
  }

  @Roles('ADMIN')
  @Mutation(() => Boolean)
  deletePool(@CurrentActor() actor: Actor, @Args('name') name: string): Promise<boolean> {
    return this.engine.pools.delete(actor.tenantId, name);
  }
}
