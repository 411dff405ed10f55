import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import type { TowerConfig } from '@tower/config';
import { InjectConfig } from '../common/tokens.js';
import { HashThreads } from './hash-threads.js';

// OWASP's scrypt baseline (N=2^17, r=8, p=1) costs ~128 MiB per hash; 2^15 keeps a login under
// ~100 ms and 32 MiB while staying memory-hard. The parameters are stored with each hash, so
// raising them later only affects new hashes.
const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LEN = 32;
const maxmem = (p: { N: number; r: number }) => 128 * p.N * p.r * 2;

export type TokenKind = 'tower_sess' | 'tower_key' | 'tower_inv';

/**
 * Every piece of cryptography the auth flow needs, behind one injectable so services stay free of
 * side effects. Passwords use Node's built-in scrypt (salted, memory-hard) — no extra dependency.
 */
@Injectable()
export class CryptoRepository implements OnApplicationShutdown {
  /**
   * Every scrypt goes through this: at most PASSWORD_HASH_CONCURRENCY at once (half the cores by
   * default), on threads of lower priority than the one serving requests. A burst of logins — five
   * wrong guesses answered at once on a 2-core box — otherwise fills every core with hashing, and
   * other tenants' requests wait for a CPU.
   */
  readonly hashing: HashThreads;

  constructor(@Optional() @InjectConfig() config?: TowerConfig) {
    this.hashing = new HashThreads(config?.PASSWORD_HASH_CONCURRENCY ?? Math.max(1, Math.floor(availableParallelism() / 2)));
    this.dummy = this.hashPassword(randomBytes(16).toString('hex'));
    // Stopped before it was computed: the process must not die of it; a later check awaits it and fails.
    this.dummy.catch(() => undefined);
  }

  private scrypt(password: string, salt: Buffer, keylen: number, params: { N: number; r: number; p: number }): Promise<Buffer> {
    return this.hashing.scrypt(password.normalize('NFKC'), salt, keylen, { ...params, maxmem: maxmem(params) });
  }

  /** `scrypt$N$r$p$salt$hash` (base64url), self-describing so parameters can change later. */
  async hashPassword(password: string): Promise<string> {
    const salt = randomBytes(16);
    const hash = await this.scrypt(password, salt, KEY_LEN, PARAMS);
    return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
  }

  /** Constant-time comparison; a malformed stored hash never matches. */
  async verifyPassword(password: string, stored: string): Promise<boolean> {
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [N, r, p] = parts.slice(1, 4).map(Number);
    if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20) return false;
    const expected = Buffer.from(parts[5], 'base64url');
    if (expected.length === 0) return false;
    const actual = await this.scrypt(password, Buffer.from(parts[4], 'base64url'), expected.length, { N, r, p });
    return timingSafeEqual(actual, expected);
  }

  /**
   * A hash to verify against when the email is unknown, so that "no such user" takes as long as
   * "wrong password" and response times do not reveal which emails exist.
   */
  private readonly dummy: Promise<string>;
  async burnPasswordCheck(password: string): Promise<void> {
    await this.verifyPassword(password, await this.dummy);
  }

  /** After the HTTP server has closed (Nest's last hook, as for Postgres and Redis): no login is left in flight. */
  onApplicationShutdown(): Promise<void> {
    return this.hashing.close();
  }

  /** 256 bits of randomness behind a readable prefix (`tower_sess_…`, `tower_key_…`, `tower_inv_…`). */
  newToken(kind: TokenKind): string {
    return `${kind}_${randomBytes(32).toString('base64url')}`;
  }

  /** What is stored for a session token, API key secret or invitation token: its SHA-256 (hex). */
  tokenHash(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  randomSuffix(length: number): string {
    return randomBytes(length).toString('hex').slice(0, length);
  }
}
