import { describe, expect, it } from '@jest/globals';
import { readApiUpstream } from '../config/server-config';
import { contentSecurityPolicy, newNonce, requestIsHttps } from './headers';

describe('contentSecurityPolicy', () => {
  it('allows only nonce scripts, this origin for requests, and no framing', () => {
    const policy = contentSecurityPolicy({ nonce: 'abc', https: false, dev: false });
    expect(policy.split('; ')).toEqual([
      "default-src 'self'",
      "script-src 'self' 'nonce-abc' 'strict-dynamic'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ]);
  });

  it('upgrades insecure requests over https only, and allows eval only under next dev', () => {
    expect(contentSecurityPolicy({ nonce: 'n', https: true, dev: false })).toMatch(/; upgrade-insecure-requests$/);
    expect(contentSecurityPolicy({ nonce: 'n', https: false, dev: true })).toContain("'strict-dynamic' 'unsafe-eval';");
  });
});

describe('newNonce', () => {
  it('is 128 random bits in base64, fresh each time', () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(newNonce()).not.toBe(a);
  });
});

describe('requestIsHttps', () => {
  it('believes the proxy in front (first hop), else the URL', () => {
    expect(requestIsHttps(new URL('http://a/'), new Headers({ 'x-forwarded-proto': 'https, http' }))).toBe(true);
    expect(requestIsHttps(new URL('https://a/'), new Headers({ 'x-forwarded-proto': 'http' }))).toBe(false);
    expect(requestIsHttps(new URL('https://a/'), new Headers())).toBe(true);
  });
});

describe('readApiUpstream', () => {
  const env = (vars: Record<string, string> = {}) => ({ NODE_ENV: 'test', ...vars }) as NodeJS.ProcessEnv;
  it('forwards /graphql and /auth/logout to TOWER_API_URL (default: the local API)', () => {
    expect(readApiUpstream(env())).toEqual({ graphqlUrl: 'http://127.0.0.1:4000/graphql', logoutUrl: 'http://127.0.0.1:4000/auth/logout' });
    expect(readApiUpstream(env({ TOWER_API_URL: 'https://api.internal:8443/graphql' }))).toEqual({
      graphqlUrl: 'https://api.internal:8443/graphql',
      logoutUrl: 'https://api.internal:8443/auth/logout',
    });
    expect(() => readApiUpstream(env({ TOWER_API_URL: 'api:4000' }))).toThrow(/must use http or https/);
    expect(() => readApiUpstream(env({ TOWER_API_URL: 'not a url' }))).toThrow(/absolute http\(s\) URL/);
  });
});
