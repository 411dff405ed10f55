import { TowerError } from '@tower/core';

// Pragmatic address check (RFC 5322 is too permissive to be useful for sign-up).
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export const PASSWORD_MIN = 8;
// scrypt hashes any length, but an unbounded body would let a caller burn CPU for nothing.
export const PASSWORD_MAX = 1024;
export const TENANT_NAME_MAX = 100;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The address, normalised; BAD_USER_INPUT on `email` when it is not one. */
export function validateEmail(input: string): string {
  const email = normalizeEmail(input);
  if (email.length > 254 || !EMAIL.test(email)) throw new TowerError('BAD_USER_INPUT', 'email is not a valid address', { path: 'email' });
  return email;
}

/** A new password's length rules (BAD_USER_INPUT on `password`). */
export function validateNewPassword(password: string): void {
  if (password.length < PASSWORD_MIN) {
    throw new TowerError('BAD_USER_INPUT', `password must be at least ${PASSWORD_MIN} characters`, { path: 'password' });
  }
  if (password.length > PASSWORD_MAX) {
    throw new TowerError('BAD_USER_INPUT', `password must be at most ${PASSWORD_MAX} characters`, { path: 'password' });
  }
}

/** The sign-up input rules; each failure names the argument it is about. */
export function validateSignUp(input: { email: string; password: string; tenantName: string }): { email: string; tenantName: string } {
  const email = validateEmail(input.email);
  validateNewPassword(input.password);
  const tenantName = input.tenantName.trim();
  if (!tenantName) throw new TowerError('BAD_USER_INPUT', 'tenantName must not be empty', { path: 'tenantName' });
  if (tenantName.length > TENANT_NAME_MAX) {
    throw new TowerError('BAD_USER_INPUT', `tenantName must be at most ${TENANT_NAME_MAX} characters`, { path: 'tenantName' });
  }
  return { email, tenantName };
}

export function validateApiKeyName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new TowerError('BAD_USER_INPUT', 'name must not be empty', { path: 'name' });
  if (trimmed.length > 100) throw new TowerError('BAD_USER_INPUT', 'name must be at most 100 characters', { path: 'name' });
  return trimmed;
}

/** URL-safe slug from an organisation name; the caller appends a random suffix for uniqueness. */
export function slugBase(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return base || 'org';
}
