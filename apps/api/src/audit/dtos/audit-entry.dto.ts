import { Field, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-type-json';
import { Connection } from '../../common/pagination.js';

@ObjectType('AuditEntry', { description: 'One mutation: who, what, when, from where.' })
export class AuditEntryModel {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'user | api_key | system' })
  actorType!: string;

  @Field(() => String, { nullable: true, description: 'User id or API key id' })
  actorId!: string | null;

  @Field({ description: 'The mutation, e.g. createApiKey' })
  action!: string;

  @Field(() => String, { nullable: true, description: 'GraphQL type of the target, e.g. ApiKey' })
  targetType!: string | null;

  @Field(() => String, { nullable: true })
  targetId!: string | null;

  @Field(() => GraphQLJSON, { description: '{ args (secrets removed), outcome: "ok" or an error code, error? }' })
  details!: unknown;

  @Field(() => String, { nullable: true })
  ip!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field()
  createdAt!: Date;
}

@ObjectType('AuditEntryConnection')
export class AuditEntryConnection extends Connection(AuditEntryModel, 'AuditEntry') {}
