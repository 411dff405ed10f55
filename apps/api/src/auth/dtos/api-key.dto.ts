import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Role } from './role.enum.js';

@ObjectType('ApiKey', { description: 'A tenant API key. Its secret is never readable after creation.' })
export class ApiKeyModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => Role)
  role!: Role;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Approximate (updated at most once a minute)' })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('CreateApiKeyPayload')
export class CreateApiKeyPayload {
  @Field(() => ApiKeyModel)
  apiKey!: ApiKeyModel;

  @Field({ description: 'The key (tower_key_…), shown once: only its SHA-256 is stored' })
  secret!: string;
}
