import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Role } from '@tower/db';
import type { GqlContext } from '../common/graphql-context.js';
import type { Actor } from './actor.js';

export const IS_PUBLIC = 'tower:public';
export const ROLES = 'tower:roles';

/** Every resolver is authenticated by default; this opts one out (signUp, login). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * The roles allowed, with ranking: OWNER > ADMIN > EDITOR > OPERATOR > VIEWER. A caller passes
 * when its role is at or above the lowest role listed, e.g. `@Roles('OPERATOR')` admits
 * OPERATOR, EDITOR, ADMIN and OWNER. Without @Roles any authenticated caller (VIEWER) passes.
 */
export const Roles = (...roles: [Role, ...Role[]]) => SetMetadata(ROLES, roles);

/** The authenticated caller of this operation (see AuthGuard). */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const ctx = GqlExecutionContext.create(context).getContext<GqlContext>();
  // Only reachable on a @Public() resolver, which must not ask for an actor.
  if (!ctx.actor) throw new Error('@CurrentActor() used where AuthGuard set no actor');
  return ctx.actor;
});
