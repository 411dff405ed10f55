import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestS3, type TestS3 } from './test-support.js';
import { S3UploadStream } from './upload-stream.js';

let s3: TestS3;

beforeAll(async () => {
  s3 = await startTestS3(['out']);
});

afterAll(async () => {
  await s3?.close();
});

/** Deterministic text of `bytes` bytes, in chunks of varying sizes. */
function* chunks(bytes: number): Generator<Buffer> {
  let written = 0;
  let n = 0;
  while (written < bytes) {
    const size = Math.min(1 + ((n * 7919) % 70_000), bytes - written);
    const line = Buffer.alloc(size, String.fromCharCode(97 + (n % 26)));
    written += size;
    n++;
    yield line;
  }
}
const expected = (bytes: number) => Buffer.concat([...chunks(bytes)]).toString();

describe('S3UploadStream', () => {
  it('uploads a large stream in parts, in order', async () => {
    const bytes = 12 * 1024 * 1024 + 12345;
    const upload = new S3UploadStream(s3.client, 'out', 'big.txt', { partSize: 5 * 1024 * 1024, concurrency: 2 });
    await pipeline(Readable.from(chunks(bytes)), upload);
    expect(upload.partCount).toBe(3);
    expect(upload.bytes).toBe(bytes);
    const body = await s3.get('out', 'big.txt');
    expect(body.length).toBe(bytes);
    expect(body === expected(bytes)).toBe(true);
  });

  it('sends a small object with a single PutObject, and an empty one too', async () => {
    const upload = new S3UploadStream(s3.client, 'out', 'small.txt');
    await pipeline(Readable.from([Buffer.from('a,b\n'), Buffer.from('1,2\n')]), upload);
    expect(upload.partCount).toBe(0);
    expect(await s3.get('out', 'small.txt')).toBe('a,b\n1,2\n');
    await pipeline(Readable.from([]), new S3UploadStream(s3.client, 'out', 'empty.txt'));
    expect(await s3.get('out', 'empty.txt')).toBe('');
  });

  it('fails the pipeline when S3 refuses the upload', async () => {
    const small = pipeline(Readable.from([Buffer.from('x')]), new S3UploadStream(s3.client, 'missing-bucket', 'k'));
    await expect(small).rejects.toMatchObject({ name: 'NoSuchBucket' });
    const big = pipeline(Readable.from(chunks(6 * 1024 * 1024)), new S3UploadStream(s3.client, 'missing-bucket', 'k', { partSize: 5 * 1024 * 1024 }));
    await expect(big).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    const upload = new S3UploadStream(s3.client, 'out', 'aborted.txt', { partSize: 5 * 1024 * 1024, signal: controller.signal });
    const source = Readable.from(
      (async function* () {
        yield* chunks(6 * 1024 * 1024);
        controller.abort(new Error('stop'));
        await new Promise((r) => setTimeout(r, 50));
        yield Buffer.from('late');
      })(),
    );
    await expect(pipeline(source, upload, { signal: controller.signal })).rejects.toThrow();
    expect(upload.destroyed).toBe(true);
  });
});
