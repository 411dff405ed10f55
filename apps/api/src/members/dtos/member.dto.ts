import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { UserModel } from '../../auth/dtos/auth-payload.dto.js';
import { Role } from '../../auth/dtos/role.enum.js';

export enum InvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}

registerEnumType(InvitationStatus, { name: 'InvitationStatus' });

@ObjectType('Member', { description: "A user's membership of the caller's organisation." })
export class MemberModel {
  @Field(() => ID, { description: 'The membership (updateMemberRole and removeMember take it)' })
  id!: string;

  @Field(() => UserModel)
  user!: UserModel;

  @Field(() => Role)
  role!: Role;

  @Field({ description: 'When the user joined' })
  createdAt!: Date;
}

@ObjectType('Invitation', { description: 'An invitation to join the organisation. Its token is in the link only, never readable again.' })
export class InvitationModel {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => InvitationStatus)
  status!: InvitationStatus;

  @Field()
  createdAt!: Date;

  @Field()
  expiresAt!: Date;

  @Field(() => Date, { nullable: true })
  acceptedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('InviteMemberPayload')
export class InviteMemberPayload {
  @Field(() => InvitationModel)
  invitation!: InvitationModel;

  @Field({ description: 'The accept link (web app, token in the fragment), shown once: only its hash is stored' })
  link!: string;

  @Field({ description: "Whether the platform's mail server accepted the invitation email" })
  emailSent!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the email was not sent (then share the link yourself)' })
  emailError!: string | null;
}
