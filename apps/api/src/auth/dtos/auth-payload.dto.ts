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

@ObjectType('ViewerMembership', { description: "One of the caller's organisations and the caller's role there." })
export class ViewerMembershipModel {
  @Field(() => TenantModel)
  tenant!: TenantModel;

  @Field(() => Role)
  role!: Role;
}

@ObjectType('Session', { description: "One of the caller's login sessions. Its token is never readable." })
export class SessionModel {
  @Field(() => ID)
  id!: string;

  @Field()
  createdAt!: Date;

  @Field()
  expiresAt!: Date;

  @Field(() => String, { nullable: true, description: 'Client address the session was opened from' })
  ip!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field({ description: 'The session of this request' })
  current!: boolean;
}

@ObjectType('Viewer', { description: 'The caller: a user session or an API key, in one tenant, with one role.' })
export class ViewerModel {
  @Field(() => UserModel, { nullable: true, description: 'null when calling with an API key' })
  user!: UserModel | null;

  @Field(() => TenantModel)
  tenant!: TenantModel;

  @Field(() => Role)
  role!: Role;

  @Field(() => [ViewerMembershipModel], {
    description: "The user's organisations, oldest first (login(tenantId) and switchTenant choose one); empty for an API key",
  })
  memberships!: ViewerMembershipModel[];
}
