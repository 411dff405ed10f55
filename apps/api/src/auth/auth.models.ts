import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Role } from '@tower/db';

registerEnumType(Role, { name: 'Role', description: 'OWNER > ADMIN > EDITOR (DAGs, connections) > OPERATOR (trigger, pause, clear, mark) > VIEWER' });

@ObjectType('Tenant')
export class TenantModel {
  @Field(() => ID)
  id!: string;

  @Field()
  slug!: string;

  @Field()
  name!: string;
}

@ObjectType('User')
export class UserModel {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;
}

@ObjectType('AuthPayload')
export class AuthPayload {
  @Field()
  token!: string;

  @Field(() => UserModel)
  user!: UserModel;

  @Field(() => TenantModel)
  tenant!: TenantModel;
}

@ObjectType('Viewer')
export class ViewerModel {
  @Field(() => UserModel, { nullable: true, description: 'null when calling with an API key' })
  user!: UserModel | null;

  @Field(() => TenantModel)
  tenant!: TenantModel;

  @Field(() => Role)
  role!: Role;
}

@ObjectType('ApiKey')
export class ApiKeyModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => Role)
  role!: Role;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('CreateApiKeyPayload')
export class CreateApiKeyPayload {
  @Field(() => ApiKeyModel)
  apiKey!: ApiKeyModel;

  @Field({ description: 'Shown once: only a hash is stored' })
  secret!: string;
}
