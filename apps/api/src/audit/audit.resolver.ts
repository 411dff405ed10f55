import { Args, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor.js';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { ConnectionArgs } from '../common/pagination.js';
import { AuditService } from './audit.service.js';
import { AuditEntryConnection } from './dtos/audit-entry.dto.js';

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Roles('ADMIN')
  @Query(() => AuditEntryConnection, { description: 'Every mutation of the tenant, newest first.' })
  auditLog(@CurrentActor() actor: Actor, @Args() page: ConnectionArgs): Promise<AuditEntryConnection> {
    return this.audit.list(actor, page);
  }
}
