import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { InvitationMailer } from './invitation-mailer.js';
import { MembersResolver } from './members.resolver.js';
import { MembersService } from './members.service.js';

/** Members of an organisation, their roles, and invitations to join it. */
@Module({
  imports: [AuthModule],
  providers: [MembersService, MembersResolver, InvitationMailer],
})
export class MembersModule {}
