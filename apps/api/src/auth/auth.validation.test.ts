import { TowerError } from '@tower/core';
import { slugBase, validateApiKeyName, validateSignUp } from './auth.validation.js';

const ok = { email: ' Ada@Example.COM ', password: 'correct-horse', tenantName: ' Acme ' };
const failsOn = (input: typeof ok) => {
  try {
    validateSignUp(input);
  } catch (err) {
    return { code: (err as TowerError).code, path: (err as TowerError).path };
  }
  return null;
};

describe('validateSignUp', () => {
  it('normalises email and organisation name', () => {
    expect(validateSignUp(ok)).toEqual({ email: 'ada@example.com', tenantName: 'Acme' });
  });

  it('names the offending argument', () => {
    expect(failsOn({ ...ok, email: 'not-an-email' })).toEqual({ code: 'BAD_USER_INPUT', path: 'email' });
    expect(failsOn({ ...ok, email: 'a@b' })).toEqual({ code: 'BAD_USER_INPUT', path: 'email' });
    expect(failsOn({ ...ok, password: 'short' })).toEqual({ code: 'BAD_USER_INPUT', path: 'password' });
    expect(failsOn({ ...ok, password: 'x'.repeat(1025) })).toEqual({ code: 'BAD_USER_INPUT', path: 'password' });
    expect(failsOn({ ...ok, tenantName: '   ' })).toEqual({ code: 'BAD_USER_INPUT', path: 'tenantName' });
  });
});

describe('slugBase / validateApiKeyName', () => {
  it('makes URL-safe slugs', () => {
    expect(slugBase('Ünïcode Corp. & Sons')).toBe('unicode-corp-sons');
    expect(slugBase('!!!')).toBe('org');
  });

  it('requires a key name', () => {
    expect(validateApiKeyName('  ci  ')).toBe('ci');
    expect(() => validateApiKeyName(' ')).toThrow(expect.objectContaining({ path: 'name' }) as TowerError);
  });
});
