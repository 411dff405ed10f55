import { createHash } from 'node:crypto';

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** The keys secrets can be decrypted with; `current` encrypts. Rotation = add a new current key. */
export interface Keyring {
  current: EncryptionKey;
  keys: ReadonlyMap<string, EncryptionKey>;
}

export class KeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

function decodeKey(id: string, material: string): EncryptionKey {
  const key = Buffer.from(material, 'base64');
  if (key.length !== 32) throw new KeyringError(`encryption key ${id} must be 32 bytes of base64 (got ${key.length} bytes)`);
  return { id, key };
}

/**
 * Parses TOWER_ENCRYPTION_KEYS: `keyId:base64[,keyId:base64…]`, the first being current, or a
 * single bare base64 key (id derived from its hash). Key ids are stored beside each ciphertext so
 * old rows stay readable after a rotation until they are re-encrypted.
 */
export function parseKeyring(value: string): Keyring {
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new KeyringError('TOWER_ENCRYPTION_KEYS is empty');
  const keys = parts.map((part) => {
    const idx = part.indexOf(':');
    if (idx === -1) {
      const id = `k${createHash('sha256').update(part).digest('hex').slice(0, 8)}`;
      return decodeKey(id, part);
    }
    const id = part.slice(0, idx);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new KeyringError(`invalid key id "${id}"`);
    return decodeKey(id, part.slice(idx + 1));
  });
  const map = new Map<string, EncryptionKey>();
  for (const k of keys) {
    if (map.has(k.id)) throw new KeyringError(`duplicate key id ${k.id}`);
    map.set(k.id, k);
  }
  return { current: keys[0], keys: map };
}

/**
 * A fixed development key for `npm start` and tests when none is configured. Never for production:
 * the API refuses to start without TOWER_ENCRYPTION_KEYS when NODE_ENV=production.
 */
export const DEV_KEYRING_VALUE = `dev:${Buffer.alloc(32, 7).toString('base64')}`;

/**
 * The keyring a process runs with: TOWER_ENCRYPTION_KEYS, or the development key outside
 * production. In production a missing key is a startup error, never a silent default.
 */
export function keyringFromEnv(value: string | undefined, nodeEnv: string | undefined): Keyring {
  if (value && value.trim() !== '') return parseKeyring(value);
  if (nodeEnv === 'production') throw new KeyringError('TOWER_ENCRYPTION_KEYS is required in production (keyId:base64 of 32 random bytes)');
  return parseKeyring(DEV_KEYRING_VALUE);
}
