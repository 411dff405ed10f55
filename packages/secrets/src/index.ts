export { parseKeyring, keyringFromEnv, KeyringError, DEV_KEYRING_VALUE, type Keyring, type EncryptionKey } from './keyring.js';
export { encryptSecret, decryptSecret, envelopeKeyId, needsRotation, reencrypt } from './envelope.js';
