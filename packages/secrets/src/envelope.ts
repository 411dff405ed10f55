import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyringError, type Keyring } from './keyring.js';

const VERSION = 'v1';

/**
 * AES-256-GCM envelope: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id and
 * version are bound as associated data, so a ciphertext cannot be replayed under another key id.
 */
export function encryptSecret(keyring: Keyring, plaintext: string): { envelope: string; keyId: string } {
  const { id, key } = keyring.current;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${VERSION}.${id}`));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  const envelope = [VERSION, id, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
  return { envelope, keyId: id };
}

export function envelopeKeyId(envelope: string): string {
  const parts = envelope.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new KeyringError('not a Tower secret envelope');
  return parts[1];
}

export function decryptSecret(keyring: Keyring, envelope: string): string {
  const parts = envelope.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new KeyringError('not a Tower secret envelope');
  const [, id, iv, tag, ciphertext] = parts;
  const key = keyring.keys.get(id);
  if (!key) throw new KeyringError(`secret was encrypted with key ${id}, which is not in TOWER_ENCRYPTION_KEYS`);
  const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`${VERSION}.${id}`));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new KeyringError(`secret under key ${id} failed authentication (tampered, or the wrong key material)`);
  }
}

/** True when the envelope is not under the current key and should be re-encrypted. */
export function needsRotation(keyring: Keyring, envelope: string): boolean {
  return envelopeKeyId(envelope) !== keyring.current.id;
}

export function reencrypt(keyring: Keyring, envelope: string): { envelope: string; keyId: string } {
  return encryptSecret(keyring, decryptSecret(keyring, envelope));
}

/**
 * A record of secret fields as one envelope of its JSON (connections, alert channels): null when
 * there is none to keep, so a row without secrets stores no ciphertext.
 */
export function sealSecrets(keyring: Keyring, secrets: Record<string, string>): { envelope: string; keyId: string } | null {
  return Object.keys(secrets).length === 0 ? null : encryptSecret(keyring, JSON.stringify(secrets));
}

/** The secret fields of a sealSecrets envelope; {} for none. */
export function openSecrets(keyring: Keyring, envelope: string | null): Record<string, string> {
  return envelope ? (JSON.parse(decryptSecret(keyring, envelope)) as Record<string, string>) : {};
}
