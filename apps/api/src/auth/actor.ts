import type { Role } from '@tower/db';

/**
 * Who is calling. Every resolver's tenant scope comes from here, never from arguments.
 * A user session has userId; an API key has apiKeyId (and no user).
 */
export interface Actor {
  tenantId: string;
  role: Role;
  userId?: string;
  /** The session a user calls with (absent for API keys). */
  sessionId?: string;
  apiKeyId?: string;
  ip: string | null;
  userAgent: string | null;
}

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** OWNER > ADMIN > EDITOR (DAGs, connections) > OPERATOR (trigger, pause, clear, mark) > VIEWER (read). */
export const ROLE_RANK: Record<Role, number> = { OWNER: 5, ADMIN: 4, EDITOR: 3, OPERATOR: 2, VIEWER: 1 };

export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[required];
}

/** The least of several roles: `@Roles('OPERATOR', 'EDITOR')` admits OPERATOR and everyone above. */
export function lowestRole(roles: readonly Role[]): Role {
  return roles.reduce((low, r) => (ROLE_RANK[r] < ROLE_RANK[low] ? r : low));
}
