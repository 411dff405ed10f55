import { createHash, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import { SnowflakeError, incorrectCredentials } from '../errors/snowflake-error.js';

export interface EmulatorUser {
  /** When set, the user may only log in to this account (case-insensitive). */
  account?: string;
  user: string;
  password?: string;
  /** PEM (SPKI) public key for key-pair (SNOWFLAKE_JWT) authentication. */
  publicKeyPem?: string;
}

/** The `data` object of a login-request body, as snowflake-sdk sends it. */
export interface LoginData {
  ACCOUNT_NAME?: string;
  LOGIN_NAME?: string;
  PASSWORD?: string;
  AUTHENTICATOR?: string;
  TOKEN?: string;
  CLIENT_APP_ID?: string;
  SESSION_PARAMETERS?: Record<string, unknown>;
}

const invalidJwt = () => new SnowflakeError('390144', '08004', 'JWT token is invalid.');

/**
 * Checks a login the way Snowflake does for password and key-pair users. With no users
 * configured the emulator accepts any credentials, like LocalStack accepts any AWS keys.
 */
export function authenticate(users: EmulatorUser[] | undefined, data: LoginData): { account: string; user: string } {
  const account = (data.ACCOUNT_NAME ?? '').toUpperCase();
  const login = (data.LOGIN_NAME ?? '').toUpperCase();
  const authenticator = (data.AUTHENTICATOR ?? 'SNOWFLAKE').toUpperCase();
  if (!login) throw incorrectCredentials();
  if (!users) return { account, user: login };

  const user = users.find((u) => u.user.toUpperCase() === login && (!u.account || u.account.toUpperCase() === account));
  if (authenticator === 'SNOWFLAKE_JWT') {
    if (!user?.publicKeyPem || !data.TOKEN || !verifyJwt(data.TOKEN, user.publicKeyPem, account, login)) throw invalidJwt();
    return { account, user: login };
  }
  if (authenticator !== 'SNOWFLAKE' || !user?.password || !sameText(user.password, data.PASSWORD ?? '')) throw incorrectCredentials();
  return { account, user: login };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Verifies the RS256 JWT that snowflake-sdk signs with the user's private key: signature by the
 * registered public key, subject ACCOUNT.USER, issuer ACCOUNT.USER.SHA256:<key fingerprint>, and
 * expiry. The SDK writes iat/exp in milliseconds, Snowflake's other drivers in seconds: both pass.
 */
export function verifyJwt(jwt: string, publicKeyPem: string, account: string, user: string): boolean {
  const parts = jwt.split('.');
  if (parts.length !== 3) return false;
  const [headerB64, payloadB64, signatureB64] = parts;
  let header: { alg?: string };
  let payload: { iss?: string; sub?: string; exp?: number };
  try {
    header = JSON.parse(Buffer.from(headerB64, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(payloadB64, 'base64url').toString('utf8'));
  } catch {
    return false;
  }
  if (header.alg !== 'RS256') return false;
  const key = createPublicKey(publicKeyPem);
  const signed = verify('RSA-SHA256', Buffer.from(`${headerB64}.${payloadB64}`), key, Buffer.from(signatureB64, 'base64url'));
  if (!signed) return false;

  const fingerprint =
    'SHA256:' +
    createHash('sha256')
      .update(key.export({ format: 'der', type: 'spki' }))
      .digest('base64');
  const subject = `${account}.${user}`;
  if (payload.sub?.toUpperCase() !== subject) return false;
  if (payload.iss !== `${subject}.${fingerprint}` && payload.iss?.toUpperCase() !== `${subject}.${fingerprint}`.toUpperCase()) return false;
  if (typeof payload.exp !== 'number') return false;
  const expiresMs = payload.exp > 1e12 ? payload.exp : payload.exp * 1000;
  return expiresMs > Date.now();
}
