import { ArgsType, Field, ID } from '@nestjs/graphql';
import { Role } from './role.enum.js';

// Flat arguments (signUp(email, password, tenantName)) as the public contract names them.

@ArgsType()
export class SignUpArgs {
  @Field()
  email!: string;

  @Field({ description: 'At least 8 characters' })
  password!: string;

  @Field({ description: 'Name of the organisation created with the account' })
  tenantName!: string;
}

@ArgsType()
export class LoginArgs {
  @Field()
  email!: string;

  @Field()
  password!: string;

  @Field(() => ID, { nullable: true, description: "The organisation to sign in to (one of the user's); default the oldest membership" })
  tenantId?: string | null;
}

@ArgsType()
export class CreateApiKeyArgs {
  @Field()
  name!: string;

  @Field(() => Role, { description: "At most the caller's own role" })
  role!: Role;
}
