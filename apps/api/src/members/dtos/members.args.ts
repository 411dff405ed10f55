import { ArgsType, Field, ID } from '@nestjs/graphql';
import { Role } from '../../auth/dtos/role.enum.js';

@ArgsType()
export class InviteMemberArgs {
  @Field()
  email!: string;

  @Field(() => Role, { description: "At most the caller's own role" })
  role!: Role;
}

@ArgsType()
export class UpdateMemberRoleArgs {
  @Field(() => ID, { description: 'Member.id' })
  id!: string;

  @Field(() => Role)
  role!: Role;
}

@ArgsType()
export class AcceptInvitationArgs {
  @Field({ description: 'The tower_inv_… token of the link' })
  token!: string;

  @Field(() => String, {
    nullable: true,
    description: "A new account's password (at least 8 characters), or the existing account's when not signed in",
  })
  password?: string | null;

  @Field(() => String, { nullable: true, description: "A new account's display name" })
  name?: string | null;
}
