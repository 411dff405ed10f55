import { grantRefusal, invitationLink, invitationStatus, manageRefusal } from './member-policy.js';

describe('member policy', () => {
  it('lets a caller grant at most its own role: only an OWNER makes an OWNER', () => {
    expect(grantRefusal('OWNER', 'OWNER')).toBeNull();
    expect(grantRefusal('ADMIN', 'ADMIN')).toBeNull();
    expect(grantRefusal('ADMIN', 'VIEWER')).toBeNull();
    expect(grantRefusal('ADMIN', 'OWNER')).toBe('a ADMIN cannot grant the higher role OWNER');
  });

  it('keeps OWNERs out of an ADMIN’s reach, and ADMINs within it', () => {
    expect(manageRefusal('ADMIN', 'OWNER')).toMatch(/cannot change or remove a OWNER/);
    expect(manageRefusal('ADMIN', 'ADMIN')).toBeNull();
    expect(manageRefusal('OWNER', 'OWNER')).toBeNull();
  });

  it('derives an invitation status: accepted and revoked win over expiry', () => {
    const now = new Date('2026-12-06T12:00:00Z');
    const past = new Date('2026-12-06T11:00:00Z');
    const future = new Date('2026-12-07T12:00:00Z');
    expect(invitationStatus({ acceptedAt: null, revokedAt: null, expiresAt: future }, now)).toBe('PENDING');
    expect(invitationStatus({ acceptedAt: null, revokedAt: null, expiresAt: now }, now)).toBe('EXPIRED');
    expect(invitationStatus({ acceptedAt: past, revokedAt: null, expiresAt: past }, now)).toBe('ACCEPTED');
    expect(invitationStatus({ acceptedAt: null, revokedAt: past, expiresAt: future }, now)).toBe('REVOKED');
  });

  it('puts the token in the link’s fragment', () => {
    expect(invitationLink('https://tower.example/', 'tower_inv_a-b')).toBe('https://tower.example/accept-invitation#token=tower_inv_a-b');
  });
});
