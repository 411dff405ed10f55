import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor.js';
import { AnyRole, CurrentActor, Public, Roles } from '../auth/auth.decorators.js';
import { AuthPayload } from '../auth/dtos/auth-payload.dto.js';
import { webSessionRequested, withWebSession } from '../auth/web-session-context.js';
import type { GqlContext } from '../common/graphql-context.js';
import { AcceptInvitationArgs, InviteMemberArgs, UpdateMemberRoleArgs } from './dtos/members.args.js';
import { InvitationModel, InviteMemberPayload, MemberModel } from './dtos/member.dto.js';
import { MembersService } from './members.service.js';

@Resolver()
export class MembersResolver {
  constructor(private readonly service: MembersService) {}

  @AnyRole()
  @Query(() => [MemberModel], { description: "The organisation's members, oldest first." })
  members(@CurrentActor() actor: Actor): Promise<MemberModel[]> {
    return this.service.list(actor);
  }

  @Roles('ADMIN')
  @Query(() => [InvitationModel], { description: 'Newest first (the latest 200), whatever their status.' })
  invitations(@CurrentActor() actor: Actor): Promise<InvitationModel[]> {
    return this.service.listInvitations(actor);
  }

  @Roles('ADMIN')
  @Mutation(() => InviteMemberPayload, {
    description:
      "Invites an email with a role (at most the caller's): a single-use, expiring link, returned once and mailed through the platform's mail server. CONFLICT when the email is already a member.",
  })
  inviteMember(@CurrentActor() actor: Actor, @Args() args: InviteMemberArgs): Promise<InviteMemberPayload> {
    return this.service.invite(actor, args);
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      "Uses an invitation once and opens a session in its organisation: as the signed-in user (Bearer session), as the invited email's account (its password), or as a new account with `password`. CONFLICT (details.reason EXPIRED, ACCEPTED, REVOKED, ALREADY_MEMBER) or NOT_FOUND for a token that cannot be used.",
  })
  async acceptInvitation(@Args() args: AcceptInvitationArgs, @Context() ctx: GqlContext): Promise<AuthPayload> {
    const web = webSessionRequested(ctx);
    return withWebSession(ctx, web, await this.service.accept(args, ctx.authorization, ctx.origin));
  }

  @Roles('ADMIN')
  @Mutation(() => InvitationModel, { description: 'The link stops working at once. CONFLICT once accepted.' })
  revokeInvitation(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<InvitationModel> {
    return this.service.revokeInvitation(actor, id);
  }

  @Roles('ADMIN')
  @Mutation(() => MemberModel, {
    description: 'An ADMIN grants at most ADMIN and cannot change an OWNER; the last OWNER cannot be demoted (CONFLICT, details.reason LAST_OWNER).',
  })
  updateMemberRole(@CurrentActor() actor: Actor, @Args() args: UpdateMemberRoleArgs): Promise<MemberModel> {
    return this.service.updateRole(actor, args);
  }

  @Roles('ADMIN')
  @Mutation(() => MemberModel, {
    description:
      'The member loses access at once: their sessions here end and their open subscriptions close. An ADMIN cannot remove an OWNER; the last OWNER cannot be removed (CONFLICT, LAST_OWNER).',
  })
  removeMember(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string): Promise<MemberModel> {
    return this.service.remove(actor, id);
  }
}
