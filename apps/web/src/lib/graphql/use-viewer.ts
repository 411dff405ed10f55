'use client';

import { useQuery } from 'urql';
import { MeQuery, type Role, type Viewer } from './operations';

/** Role ranks as the API applies them: OWNER > ADMIN > EDITOR > OPERATOR > VIEWER. */
const RANK: Record<Role, number> = { VIEWER: 0, OPERATOR: 1, EDITOR: 2, ADMIN: 3, OWNER: 4 };

export function roleAtLeast(role: Role | null | undefined, needed: Role): boolean {
  return role != null && RANK[role] >= RANK[needed];
}

/**
 * The caller (cached: every component asking shares one request). `cache-first`: a component that
 * mounts later (an action button, a dialog) reads the cached answer instead of asking again, as the
 * client's default `cache-and-network` would.
 */
export function useViewer(): { viewer: Viewer | null; fetching: boolean } {
  const [{ data, fetching }] = useQuery({ query: MeQuery, variables: {}, requestPolicy: 'cache-first' });
  return { viewer: data?.me ?? null, fetching };
}

/**
 * Whether the caller may run actions that need `needed` (trigger, pause, clear and mark need
 * OPERATOR; connections need EDITOR; API keys ADMIN). Unknown role (still loading) = no.
 */
export function useCan(needed: Role): boolean {
  return roleAtLeast(useViewer().viewer?.role, needed);
}

/** Tooltips of controls disabled below OPERATOR, EDITOR and ADMIN: the role needed, and who can grant it. */
export const VIEWER_NOTE = 'Your role can only view: ask an operator or admin.';
export const EDITOR_NOTE = 'Needs the editor role or higher: ask an admin.';
export const ADMIN_NOTE = 'Needs the admin role: ask an admin or the owner.';
