import type { Role } from '@tower/db';
import { ROLE_RANK } from '../auth/actor.js';

/**
 * Who may manage whom (GitHub's organisation model): a caller grants at most its own role, so only
 * an OWNER makes an OWNER; only an OWNER changes or removes an OWNER; an ADMIN manages ADMINs and
 * everyone below. "The tenant keeps an OWNER" is checked where the change is written (under a lock).
 * Returns the refusal's message, or null when allowed.
 */
export function grantRefusal(callerRole: Role, role: Role): string | null {
  return ROLE_RANK[role] > ROLE_RANK[callerRole] ? `a ${callerRole} cannot grant the higher role ${role}` : null;
}

export function manageRefusal(callerRole: Role, memberRole: Role): string | null {
  return ROLE_RANK[memberRole] > ROLE_RANK[callerRole] ? `a ${callerRole} cannot change or remove a ${memberRole}` : null;
}

export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'REVOKED' | 'EXPIRED';

export function invitationStatus(inv: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date): InvitationStatus {
  if (inv.acceptedAt) return 'ACCEPTED';
  if (inv.revokedAt) return 'REVOKED';
  return inv.expiresAt <= now ? 'EXPIRED' : 'PENDING';
}

/** The web app's page that accepts an invitation; the token rides in the fragment, which browsers never send to a server. */
export function invitationLink(webUrl: string, token: string): string {
  return `${webUrl.replace(/\/+$/, '')}/accept-invitation#token=${encodeURIComponent(token)}`;
}
