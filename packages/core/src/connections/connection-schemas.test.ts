import { isTowerError } from '../errors.js';
import {
  assertConnectionComplete,
  connectionCompletenessErrors,
  mergeConnectionSecrets,
  parseConnectionConfig,
  parseConnectionIdentity,
  PASSWORD_FIELDS,
  SECRET_FIELDS,
} from './connection-schemas.js';

function inputError(fn: () => unknown): { path?: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isTowerError(err, 'BAD_USER_INPUT')) return { path: err.path, message: err.message };
    throw err;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('connection identity', () => {
  it('accepts ids like DAG ids and the four types', () => {
    expect(parseConnectionIdentity('sales_s3', 's3')).toEqual({ connId: 'sales_s3', type: 's3' });
    for (const type of ['snowflake', 'http', 'smtp']) expect(parseConnectionIdentity('c', type).type).toBe(type);
  });
  it('refuses a bad id or type with a path', () => {
    expect(inputError(() => parseConnectionIdentity('bad id', 's3')).path).toBe('connId');
    expect(inputError(() => parseConnectionIdentity('ok', 'ftp'))).toMatchObject({
      path: 'type',
      message: expect.stringContaining('s3, snowflake, http, smtp'),
    });
  });
});

describe('connection config', () => {
  it('normalises defaults per type', () => {
    expect(parseConnectionConfig('s3', { endpoint: 'http://127.0.0.1:4569', forcePathStyle: true })).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4569',
      forcePathStyle: true,
    });
    expect(parseConnectionConfig('smtp', { host: 'mail', from: 'tower@x.io' })).toEqual({ host: 'mail', port: 587, from: 'tower@x.io' });
    expect(parseConnectionConfig('snowflake', { account: 'acme', user: 'loader', database: 'ANALYTICS' })).toMatchObject({ account: 'acme' });
    expect(parseConnectionConfig('http', { baseUrl: 'https://hooks.example.com/x' })).toEqual({ baseUrl: 'https://hooks.example.com/x' });
  });
  it('refuses unknown keys, missing fields and bad URLs with the field path', () => {
    expect(inputError(() => parseConnectionConfig('s3', { secretAccessKey: 'x' })).path).toBe('config');
    // Role assumption (STS) is not implemented: refused rather than silently ignored.
    expect(inputError(() => parseConnectionConfig('s3', { roleArn: 'arn:aws:iam::1:role/x' })).message).toMatch(/roleArn/);
    expect(inputError(() => parseConnectionConfig('snowflake', { user: 'u' })).path).toBe('config.account');
    expect(inputError(() => parseConnectionConfig('http', { baseUrl: 'ftp://x' })).path).toBe('config.baseUrl');
    expect(inputError(() => parseConnectionConfig('smtp', { host: 'h', from: 'a@b', port: 70000 })).path).toBe('config.port');
    expect(inputError(() => parseConnectionConfig('s3', 'text')).path).toBe('config');
  });
});

describe('secrets patches', () => {
  it('sets, keeps and removes fields', () => {
    const current = { password: 'old', privateKey: 'pem' };
    expect(mergeConnectionSecrets('snowflake', current, { password: 'new' })).toEqual({ password: 'new', privateKey: 'pem' });
    expect(mergeConnectionSecrets('snowflake', current, { privateKey: null })).toEqual({ password: 'old' });
    expect(mergeConnectionSecrets('snowflake', current, undefined)).toEqual(current);
    expect(mergeConnectionSecrets('snowflake', current, null)).toEqual(current);
  });
  it('does not mutate the current secrets', () => {
    const current = { password: 'old' };
    mergeConnectionSecrets('smtp', current, { password: null });
    expect(current).toEqual({ password: 'old' });
  });
  it('refuses unknown fields, empty values and non-objects without echoing the value', () => {
    const unknown = inputError(() => mergeConnectionSecrets('s3', {}, { secretKey: 'hunter2' }));
    expect(unknown.path).toBe('secrets.secretKey');
    expect(unknown.message).not.toContain('hunter2');
    expect(inputError(() => mergeConnectionSecrets('s3', {}, { secretAccessKey: '' })).path).toBe('secrets.secretAccessKey');
    expect(inputError(() => mergeConnectionSecrets('s3', {}, { secretAccessKey: 42 })).message).not.toContain('42');
    expect(inputError(() => mergeConnectionSecrets('s3', {}, ['x'])).path).toBe('secrets');
  });
});

describe('completeness', () => {
  it('pairs the S3 key id with its secret', () => {
    expect(connectionCompletenessErrors('s3', { accessKeyId: 'AK' }, {})).toEqual([{ path: 'secrets.secretAccessKey', message: expect.any(String) }]);
    expect(connectionCompletenessErrors('s3', {}, { secretAccessKey: 's' })).toEqual([{ path: 'config.accessKeyId', message: expect.any(String) }]);
    expect(connectionCompletenessErrors('s3', {}, {})).toEqual([]);
  });
  it('needs a password or key for Snowflake and a username for an SMTP password', () => {
    expect(connectionCompletenessErrors('snowflake', {}, {})).toHaveLength(1);
    expect(connectionCompletenessErrors('snowflake', {}, { privateKey: 'pem' })).toEqual([]);
    expect(connectionCompletenessErrors('smtp', {}, { password: 'p' })).toEqual([{ path: 'config.username', message: expect.any(String) }]);
    expect(() => assertConnectionComplete('smtp', { username: 'u' }, { password: 'p' })).not.toThrow();
    expect(inputError(() => assertConnectionComplete('snowflake', {}, {})).path).toBe('secrets.password');
  });
});

describe('derived from the per-type declarations', () => {
  it('lists the secret fields per type and which of them count as a password', () => {
    expect(SECRET_FIELDS).toEqual({
      s3: ['secretAccessKey', 'sessionToken'],
      snowflake: ['password', 'privateKey', 'privateKeyPassphrase'],
      http: ['password', 'bearerToken', 'signingSecret'],
      smtp: ['password'],
    });
    expect([...PASSWORD_FIELDS].sort()).toEqual(['bearerToken', 'password', 'privateKey', 'secretAccessKey']);
  });
});
