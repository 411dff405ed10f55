import { Args, Field, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { PrismaClient } from '@tower/db';
import { Inject } from '@nestjs/common';
import { GraphQLJSON } from 'graphql-type-json';
import { CurrentActor, MinRole, type Actor } from '../auth/actor.js';
import { Connection, pageArgs, toConnection } from '../common/pagination.js';
import { PRISMA } from '../common/tokens.js';

@ObjectType('AuditEntry')
export class AuditEntryModel {
  @Field(() => ID)
  id!: string;

  @Field()
  actorType!: string;

  @Field(() => String, { nullable: true })
  actorId!: string | null;

  @Field()
  action!: string;

  @Field(() => String, { nullable: true })
  targetId!: string | null;

  @Field(() => GraphQLJSON)
  details!: unknown;

  @Field(() => String, { nullable: true })
  ip!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field()
  createdAt!: Date;
}

@ObjectType('AuditEntryConnection')
export class AuditEntryConnection extends Connection(AuditEntryModel, 'AuditEntry') {}

@Resolver()
export class AuditResolver {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @MinRole('ADMIN')
  @Query(() => AuditEntryConnection, { description: 'Every mutation of the tenant, newest first.' })
  async auditLog(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<AuditEntryConnection> {
    const { offset, limit } = pageArgs(first, after);
    const where = { tenantId: actor.tenantId };
    const [rows, total] = await Promise.all([
      this.prisma.auditLog.findMany({ where, orderBy: { id: 'desc' }, skip: offset, take: limit }),
      this.prisma.auditLog.count({ where }),
    ]);
    return toConnection(rows.map((r) => ({ ...r, id: r.id.toString() })), total, offset) as AuditEntryConnection;
  }
}
