export { parseKeyring, keyringFromEnv, KeyringError, DEV_KEYRING_VALUE, type Keyring, type EncryptionKey } from './keyring.js';
export { encryptSecret, decryptSecret, envelopeKeyId, needsRotation, openSecrets, reencrypt, sealSecrets } from './envelope.js';
