import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../index.js';
import { connect, connectError } from '../test-support/sdk-client.js';

const keyPair = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

describe('login through snowflake-sdk', () => {
  let emulator: SnowflakeEmulator;
  const registered = keyPair();

  beforeAll(async () => {
    emulator = await startSnowflakeEmulator({
      users: [
        { user: 'tower', password: 'tower-pw' },
        { user: 'loader', publicKeyPem: registered.publicKey },
      ],
    });
  });
  afterAll(() => emulator.close());

  it('accepts the right password and opens a session for that user', async () => {
    const client = await connect(emulator.url, { database: 'analytics', schema: 'raw', warehouse: 'compute_wh' });
    const [row] = await client.query('SELECT CURRENT_USER() AS U, CURRENT_DATABASE() AS D, CURRENT_SCHEMA() AS S, CURRENT_WAREHOUSE() AS W');
    expect(row).toEqual({ U: 'TOWER', D: 'ANALYTICS', S: 'RAW', W: 'COMPUTE_WH' });
    await client.close();
  });

  it('rejects a wrong password with Snowflake error 390100', async () => {
    const err = await connectError(emulator.url, { password: 'wrong' });
    expect(err?.code).toBe('390100');
    expect(err?.message).toBe('Incorrect username or password was specified.');
  });

  it('rejects an unknown user like a wrong password', async () => {
    const err = await connectError(emulator.url, { username: 'mallory' });
    expect(err?.code).toBe('390100');
  });

  it('accepts a key-pair (SNOWFLAKE_JWT) login signed with the registered key', async () => {
    const client = await connect(emulator.url, { username: 'loader', password: undefined, authenticator: 'SNOWFLAKE_JWT', privateKey: registered.privateKey });
    const [row] = await client.query('SELECT CURRENT_USER() AS U');
    expect(row.U).toBe('LOADER');
    await client.close();
  });

  it('rejects a JWT signed with another key (390144, as Snowflake)', async () => {
    const other = keyPair();
    const err = await connectError(emulator.url, { username: 'loader', password: undefined, authenticator: 'SNOWFLAKE_JWT', privateKey: other.privateKey });
    expect(err?.code).toBe('390144');
    expect(err?.message).toBe('JWT token is invalid.');
  });

  it('rejects a password login for a key-pair-only user', async () => {
    const err = await connectError(emulator.url, { username: 'loader', password: 'anything' });
    expect(err?.code).toBe('390100');
  });

  it('ends the session on destroy: a later query on the same connection fails', async () => {
    const client = await connect(emulator.url);
    await client.close();
    await expect(client.query('SELECT 1')).rejects.toThrow();
  });
});
