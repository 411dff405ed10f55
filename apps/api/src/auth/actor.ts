import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Role } from '@tower/db';

/** Who is calling: every resolver's tenant scope comes from here, never from arguments. */
export interface Actor {
  tenantId: string;
  role: Role;
  userId: string | null;
  apiKeyId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const ROLE_RANK: Record<Role, number> = { OWNER: 5, ADMIN: 4, EDITOR: 3, OPERATOR: 2, VIEWER: 1 };

export function hasRole(actor: Actor, required: Role): boolean {
  return ROLE_RANK[actor.role] >= ROLE_RANK[required];
}

export const IS_PUBLIC = 'tower:public';
export const MIN_ROLE = 'tower:minRole';

/** No authentication needed (signUp, login). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The least role allowed; roles rank OWNER > ADMIN > EDITOR > OPERATOR > VIEWER. */
export const MinRole = (role: Role) => SetMetadata(MIN_ROLE, role);

export interface GqlContext {
  req?: { headers: Record<string, string | string[] | undefined>; ip?: string; socket?: { remoteAddress?: string } };
  actor?: Actor;
}

export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const ctx = GqlExecutionContext.create(context).getContext<GqlContext>();
  if (!ctx.actor) throw new Error('no actor in context: the auth guard did not run');
  return ctx.actor;
});
