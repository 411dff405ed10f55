import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { decryptSecret, encryptSecret, envelopeKeyId, needsRotation, openSecrets, reencrypt, sealSecrets } from './envelope.js';
import { DEV_KEYRING_VALUE, KeyringError, parseKeyring } from './keyring.js';

const k = () => randomBytes(32).toString('base64');

describe('secret envelopes (AES-256-GCM)', () => {
  const ring = parseKeyring(`one:${k()}`);

  it('round-trips a secret and never contains the plaintext', () => {
    const { envelope, keyId } = encryptSecret(ring, '{"password":"hunter2"}');
    expect(keyId).toBe('one');
    expect(envelope).not.toContain('hunter2');
    expect(envelope.startsWith('v1.one.')).toBe(true);
    expect(decryptSecret(ring, envelope)).toBe('{"password":"hunter2"}');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret(ring, 'x').envelope).not.toBe(encryptSecret(ring, 'x').envelope);
  });

  it('rejects a tampered ciphertext or a swapped key id', () => {
    const { envelope } = encryptSecret(ring, 'secret');
    const parts = envelope.split('.');
    const flipped = Buffer.from(parts[4], 'base64url');
    flipped[0] ^= 1;
    expect(() => decryptSecret(ring, [...parts.slice(0, 4), flipped.toString('base64url')].join('.'))).toThrow(KeyringError);
    const two = parseKeyring(`two:${k()},one:${ring.current.key.toString('base64')}`);
    expect(() => decryptSecret(two, ['v1', 'two', ...parts.slice(2)].join('.'))).toThrow(/authentication/);
  });

  it('reads old secrets after a rotation and re-encrypts them under the new current key', () => {
    const { envelope } = encryptSecret(ring, 's3-secret');
    const rotated = parseKeyring(`two:${k()},one:${ring.current.key.toString('base64')}`);
    expect(needsRotation(rotated, envelope)).toBe(true);
    expect(decryptSecret(rotated, envelope)).toBe('s3-secret');
    const again = reencrypt(rotated, envelope);
    expect(again.keyId).toBe('two');
    expect(envelopeKeyId(again.envelope)).toBe('two');
    expect(needsRotation(rotated, again.envelope)).toBe(false);
    // once the old key is retired, only the re-encrypted one is readable
    const retired = parseKeyring(`two:${rotated.current.key.toString('base64')}`);
    expect(decryptSecret(retired, again.envelope)).toBe('s3-secret');
    expect(() => decryptSecret(retired, envelope)).toThrow(/not in TOWER_ENCRYPTION_KEYS/);
  });

  it('validates key material and ids', () => {
    expect(() => parseKeyring('')).toThrow(KeyringError);
    expect(() => parseKeyring('a:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseKeyring(`bad id:${k()}`)).toThrow(/invalid key id/);
    const key = k();
    expect(() => parseKeyring(`a:${key},a:${key}`)).toThrow(/duplicate/);
    expect(parseKeyring(key).current.id).toMatch(/^k[0-9a-f]{8}$/);
  });
});

describe('sealSecrets / openSecrets', () => {
  const keyring = parseKeyring(DEV_KEYRING_VALUE);

  it('seals a record of secret fields as one envelope and opens it back', () => {
    const sealed = sealSecrets(keyring, { password: 'pw-1', token: 't-2' });
    expect(sealed).not.toBeNull();
    expect(sealed!.envelope).not.toContain('pw-1');
    expect(sealed!.keyId).toBe(keyring.current.id);
    expect(openSecrets(keyring, sealed!.envelope)).toEqual({ password: 'pw-1', token: 't-2' });
  });

  it('stores nothing for no secrets, and opens nothing as {}', () => {
    expect(sealSecrets(keyring, {})).toBeNull();
    expect(openSecrets(keyring, null)).toEqual({});
  });
});
