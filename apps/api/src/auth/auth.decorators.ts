import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Role } from '@tower/db';
import type { GqlContext } from '../common/graphql-context.js';
import { lowestRole, type Actor } from './actor.js';

/** Who may call an operation: anyone (`PUBLIC`), or an authenticated caller with this role or higher. */
export type Access = Role | 'PUBLIC';

/** Metadata key of every operation's declaration (read by AuthGuard and the role matrix). */
export const ACCESS = 'tower:access';

/**
 * Every query, mutation and subscription declares who may call it, with exactly one of @Public(),
 * @AnyRole() or @Roles(): the schema generator refuses to build a schema with an undeclared
 * operation (role-matrix.ts), and AuthGuard refuses to run one.
 */

/** Anyone, signed in or not (signUp, login). */
export const Public = () => SetMetadata(ACCESS, 'PUBLIC' satisfies Access);

/** Any authenticated member of the tenant (VIEWER and above): reads. */
export const AnyRole = () => SetMetadata(ACCESS, 'VIEWER' satisfies Access);

/**
 * The roles allowed, with ranking: OWNER > ADMIN > EDITOR > OPERATOR > VIEWER. A caller passes
 * when its role is at or above the lowest role listed, e.g. `@Roles('OPERATOR')` admits
 * OPERATOR, EDITOR, ADMIN and OWNER.
 */
export const Roles = (...roles: [Role, ...Role[]]) => applyDecorators(SetMetadata(ACCESS, lowestRole(roles) satisfies Access));

/** The authenticated caller of this operation (see AuthGuard). */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const ctx = GqlExecutionContext.create(context).getContext<GqlContext>();
  // Only reachable on a @Public() resolver, which must not ask for an actor.
  if (!ctx.actor) throw new Error('@CurrentActor() used where AuthGuard set no actor');
  return ctx.actor;
});
