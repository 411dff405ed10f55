import { ArgsType, Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { CONNECTION_TYPES } from '@tower/core';
import { GraphQLJSON } from 'graphql-type-json';
import { Connection, ConnectionArgs } from '../../common/pagination.js';

@ObjectType('Connection', {
  description: `A tenant connection (${CONNECTION_TYPES.join(', ')}). Secrets are write-only: the API only says which are set.`,
})
export class ConnectionModel {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'The name DAG specs reference (`connection: <connId>`)' })
  connId!: string;

  @Field({ description: CONNECTION_TYPES.join(' | ') })
  type!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => GraphQLJSON, { description: 'The non-secret settings (docs/connections.md lists them per type)' })
  config!: unknown;

  @Field(() => [String], { description: 'Names of the secret fields that are set; never their values' })
  secretFields!: string[];

  @Field({ description: 'True when a password, secret access key, private key or bearer token is stored' })
  hasPassword!: boolean;

  @Field(() => String, { nullable: true, description: 'Id of the encryption key the secrets are under (rotation)' })
  keyId!: string | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType('ConnectionConnection')
export class ConnectionList extends Connection(ConnectionModel, 'Connection') {}

@ArgsType()
export class ConnectionsArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'Only connections of this type' })
  type?: string | null;
}

@InputType()
export class CreateConnectionInput {
  @Field({ description: '[a-zA-Z0-9_.-]{1,200}, unique per tenant' })
  connId!: string;

  @Field({ description: CONNECTION_TYPES.join(' | ') })
  type!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  config?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Secret fields (e.g. { password }); encrypted at rest, never returned' })
  secrets?: unknown;
}

@InputType()
export class UpdateConnectionInput {
  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Replaces the whole config when given' })
  config?: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'A patch: a string sets a field, null removes it, an absent field is kept' })
  secrets?: unknown;
}

@ObjectType('ConnectionTestResult')
export class ConnectionTestResult {
  @Field()
  ok!: boolean;

  @Field()
  message!: string;
}
