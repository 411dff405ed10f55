import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OperatorError } from '../operator.js';
import { createS3Client, testS3Connection } from './client.js';
import { listMatchingKeys } from './list.js';
import { startTestS3, type TestS3 } from './test-support.js';

let s3: TestS3;

beforeAll(async () => {
  s3 = await startTestS3(['sales', 'empty']);
  for (const key of ['in/a_1.csv', 'in/a_2.csv', 'in/b_1.csv', 'in/deep/a_3.csv', 'in/a_4.txt', 'other/a_5.csv']) await s3.put('sales', key, `data of ${key}`);
});

afterAll(async () => {
  await s3?.close();
});

describe('createS3Client', () => {
  it('refuses a connection without keys or of another type, never falling back to ambient credentials', () => {
    const noKeys = { ...s3.connection(), secrets: {} };
    expect(() => createS3Client(noKeys)).toThrow(
      new OperatorError('connection test_s3 has no accessKeyId/secretAccessKey: an s3 connection needs both', false),
    );
    expect(() => createS3Client({ ...s3.connection(), type: 'http' })).toThrow('connection test_s3 is of type http, not s3');
  });
});

describe('testS3Connection', () => {
  it('lists the given bucket, the configured bucket, or the buckets', async () => {
    await expect(testS3Connection(s3.connection(), 'sales')).resolves.toEqual({ ok: true, message: 'listed bucket sales (not empty)' });
    const withBucket = { ...s3.connection(), config: { ...s3.connection().config, bucket: 'empty' } };
    await expect(testS3Connection(withBucket)).resolves.toEqual({ ok: true, message: 'listed bucket empty (empty)' });
    await expect(testS3Connection(s3.connection())).resolves.toEqual({ ok: true, message: 'listed 2 bucket(s)' });
  });

  it('reports failures without throwing and without secrets', async () => {
    const r = await testS3Connection(s3.connection(), 'nope');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^S3 connection test_s3 failed: NoSuchBucket \(HTTP 404\)/);
    const bad = { ...s3.connection(), config: { ...s3.connection().config, accessKeyId: 'WRONG' }, secrets: { secretAccessKey: 'SuperSecret-42' } };
    const r2 = await testS3Connection(bad);
    expect(r2).toEqual({ ok: false, message: expect.stringMatching(/^S3 connection test_s3 failed: InvalidAccessKeyId/) });
    expect(r2.message).not.toContain('SuperSecret-42');
    const down = { ...s3.connection(), config: { ...s3.connection().config, endpoint: 'http://127.0.0.1:1' } };
    const r3 = await testS3Connection(down, 'sales');
    expect(r3.ok).toBe(false);
    expect(r3.message).toContain('S3 connection test_s3 failed:');
    expect((await testS3Connection({ ...s3.connection(), secrets: {} })).message).toContain('has no accessKeyId/secretAccessKey');
  });
});

describe('listMatchingKeys', () => {
  it('pages through the listing and returns key, etag, size and lastModified', async () => {
    const found = await listMatchingKeys(s3.client, 'sales', 'in/a_*.csv', { wildcard: true, pageSize: 1 });
    expect(found.map((o) => o.key)).toEqual(['in/a_1.csv', 'in/a_2.csv']);
    expect(found[0]).toEqual({
      key: 'in/a_1.csv',
      etag: expect.stringMatching(/^[0-9a-f]{32}$/),
      size: 'data of in/a_1.csv'.length,
      lastModified: expect.any(Date),
    });
    const all = await listMatchingKeys(s3.client, 'sales', '*a_*', { wildcard: true, pageSize: 2 });
    expect(all.map((o) => o.key)).toEqual(['in/a_1.csv', 'in/a_2.csv', 'in/a_4.txt', 'in/deep/a_3.csv', 'other/a_5.csv']);
  });

  it('matches the exact key only without wildcard', async () => {
    await expect(listMatchingKeys(s3.client, 'sales', 'in/a_1.csv', { wildcard: false })).resolves.toHaveLength(1);
    await expect(listMatchingKeys(s3.client, 'sales', 'in/a_', { wildcard: false })).resolves.toEqual([]);
    await expect(listMatchingKeys(s3.client, 'sales', 'in/a_*.csv', { wildcard: false })).resolves.toEqual([]);
  });
});
