import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { TowerError } from '@tower/core';
import { bindTenantScope } from '@tower/db';
import type { GraphQLResolveInfo } from 'graphql';
import { AuditService } from '../audit/audit.service.js';
import type { GqlContext } from '../common/graphql-context.js';
import { roleAtLeast } from './actor.js';
import { ACCESS, type Access } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { RequestLimits } from './request-limits.js';

/**
 * Global guard: every GraphQL operation declares its access (@Public, @AnyRole, @Roles; one
 * without is refused — and fails the schema build first); all but @Public() need a valid bearer
 * token (session or API key), a principal under its request rate limit (RequestLimits) and a role
 * at least as high as the declared one. HTTP requests carry the token in the Authorization header
 * or, from the web app, in the session cookie (common/graphql-context.ts); graphql-ws operations
 * carry the one from connection_init or the upgrade's cookie, checked again
 * for every subscribe so a revoked key cannot open new subscriptions on an old socket.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly limits: RequestLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Only GraphQL is guarded: the single REST route is the public /health probe.
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    const access = this.reflector.get<Access | undefined>(ACCESS, context.getHandler());
    const gql = GqlExecutionContext.create(context);
    // Fail closed: the schema generator refuses undeclared operations, so this is a defect.
    if (!access) throw new TowerError('INTERNAL', `${gql.getInfo<GraphQLResolveInfo>().fieldName} declares no access`);
    if (access === 'PUBLIC') return true;

    const ctx = gql.getContext<GqlContext>();
    ctx.actor ??= (await this.auth.authenticate(ctx.authorization, ctx.origin)) ?? undefined;
    const actor = ctx.actor;
    // A session cookie that failed the CSRF check was ignored: say so (a cross-site request).
    if (!actor && ctx.cookieRefused) throw new TowerError('FORBIDDEN', `the session cookie was not used: ${ctx.cookieRefused}`);
    if (!actor) throw new TowerError('UNAUTHENTICATED', 'missing, invalid, expired or revoked bearer token');
    // The request's statements see this tenant's rows only, from here on (row-security.ts).
    bindTenantScope(actor.tenantId);
    // One count per request (an HTTP request or a subscription), however many fields it asks for.
    ctx.principalCounted ??= this.limits.principal(actor);
    const refused = await ctx.principalCounted;
    if (refused) throw refused;

    const required = access;
    if (roleAtLeast(actor.role, required)) return true;

    const info = gql.getInfo<GraphQLResolveInfo>();
    const error = new TowerError('FORBIDDEN', `${info.fieldName} needs the ${required} role or higher (this caller is ${actor.role})`);
    // A refused mutation is worth auditing too: it is how misuse of a key shows up.
    if (info.parentType.name === 'Mutation') await this.audit.recordMutation({ action: info.fieldName, actor, origin: ctx.origin, args: gql.getArgs(), error });
    throw error;
  }
}
