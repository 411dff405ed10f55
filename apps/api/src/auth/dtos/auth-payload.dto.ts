import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Role } from './role.enum.js';

@ObjectType('Tenant', { description: 'An organisation; every DAG, run, key and audit row belongs to one.' })
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
  @Field({ description: 'Session token (tower_sess_…): send it as `Authorization: Bearer <token>`' })
  token!: string;

  @Field(() => UserModel)
  user!: UserModel;

  @Field(() => TenantModel)
  tenant!: TenantModel;
}

@ObjectType('Viewer', { description: 'The caller: a user session or an API key, in one tenant, with one role.' })
export class ViewerModel {
  @Field(() => UserModel, { nullable: true, description: 'null when calling with an API key' })
  user!: UserModel | null;

  @Field(() => TenantModel)
  tenant!: TenantModel;

  @Field(() => Role)
  role!: Role;
}
