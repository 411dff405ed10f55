import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Engine } from '@tower/engine';
import { badInput, CONNECTION_TYPES, isConnectionType } from '@tower/core';
import type { Actor } from '../auth/actor.js';
import { AnyRole, CurrentActor, Roles } from '../auth/auth.decorators.js';
import { offsetConnection, offsetPageArgs } from '../common/pagination.js';
import { InjectEngine } from '../common/tokens.js';
import { testConnection } from './connection-tester.js';
import { ConnectionList, ConnectionModel, ConnectionsArgs, ConnectionTestResult, CreateConnectionInput, UpdateConnectionInput } from './dtos/connection.dto.js';

/** Connections of the caller's tenant. Reading needs VIEWER; changing or testing them EDITOR. */
@Resolver(() => ConnectionModel)
export class ConnectionsResolver {
  constructor(@InjectEngine() private readonly engine: Engine) {}

  @AnyRole()
  @Query(() => ConnectionList, { description: 'Ordered by connId.' })
  async connections(@CurrentActor() actor: Actor, @Args() args: ConnectionsArgs): Promise<ConnectionList> {
    if (args.type != null && !isConnectionType(args.type)) throw badInput(`type must be one of ${CONNECTION_TYPES.join(', ')}`, 'type');
    const page = offsetPageArgs(args);
    const all = (await this.engine.connections.list(actor.tenantId)).filter((c) => args.type == null || c.type === args.type);
    return offsetConnection(all.slice(page.offset, page.offset + page.limit), page, all.length);
  }

  @AnyRole()
  @Query(() => ConnectionModel, { description: 'Errors with NOT_FOUND when the tenant has no such connection.' })
  connection(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<ConnectionModel> {
    return this.engine.connections.get(actor.tenantId, id);
  }

  @Roles('EDITOR')
  @Mutation(() => ConnectionModel, { description: 'BAD_USER_INPUT with a path for an invalid config or secret; CONFLICT when the connId exists.' })
  createConnection(@CurrentActor() actor: Actor, @Args('input') input: CreateConnectionInput): Promise<ConnectionModel> {
    return this.engine.connections.create(actor.tenantId, input);
  }

  @Roles('EDITOR')
  @Mutation(() => ConnectionModel)
  updateConnection(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateConnectionInput,
  ): Promise<ConnectionModel> {
    return this.engine.connections.update(actor.tenantId, id, input);
  }

  @Roles('EDITOR')
  @Mutation(() => ConnectionModel, { description: 'CONFLICT while a DAG still references it.' })
  deleteConnection(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<ConnectionModel> {
    return this.engine.connections.delete(actor.tenantId, id);
  }

  @Roles('EDITOR')
  @Mutation(() => ConnectionTestResult, { description: 'Really connects (S3: list the bucket; Snowflake: login + select 1; SMTP: verify; HTTP: one request).' })
  async testConnection(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<ConnectionTestResult> {
    return testConnection(await this.engine.connections.resolveById(actor.tenantId, id));
  }
}
