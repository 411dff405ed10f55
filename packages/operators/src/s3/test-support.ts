// Test support: a real S3 API (s3rver) and a hand-built OperatorContext. Used by the tests only
// (s3rver is a dev dependency, loaded by the child process only).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { OperatorError, type OperatorContext, type OperatorLogLevel, type ResolvedConnection } from '../operator.js';
import { createS3Client } from './client.js';

/** s3rver's fixed account; any other key is rejected with InvalidAccessKeyId. */
export const S3RVER_KEY = 'S3RVER';
export const S3RVER_SECRET = 'S3RVER';
export const TEST_CONNECTION = 'test_s3';

export interface TestS3 {
  endpoint: string;
  /** An s3 connection to this server under `connId`. */
  connection(connId?: string): ResolvedConnection;
  client: S3Client;
  put(bucket: string, key: string, body: string | Buffer): Promise<void>;
  get(bucket: string, key: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * s3rver runs in a child process started with --openssl-legacy-provider: it encrypts
 * ListObjectsV2 continuation tokens with DES, which Node 20's OpenSSL 3 only offers through the
 * legacy provider, so in-process it answers InternalError to any truncated listing. A child
 * also keeps the server's memory and CPU out of the measurements of the process under test.
 */
const SERVER_SCRIPT = `
const S3rver = require(process.argv[1]);
const [directory, buckets] = [process.argv[2], JSON.parse(process.argv[3])];
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'), (err) => { console.error(err); process.exit(1); });
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

async function spawnS3rver(directory: string, buckets: string[]): Promise<{ port: number; child: ChildProcess }> {
  const s3rverMain = createRequire(import.meta.url).resolve('s3rver');
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', SERVER_SCRIPT, s3rverMain, directory, JSON.stringify(buckets)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = (await Promise.race([
    once(child.stdout!.setEncoding('utf8'), 'data'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`s3rver exited with code ${code} before listening`))),
  ])) as [string];
  return { port: (JSON.parse(line) as { port: number }).port, child };
}

/** s3rver on a random loopback port, storing into a fresh temp directory. */
export async function startTestS3(buckets: string[]): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'tower-operators-s3rver-'));
  const { port, child } = await spawnS3rver(directory, buckets);
  const endpoint = `http://127.0.0.1:${port}`;
  const connection = (connId = TEST_CONNECTION): ResolvedConnection => ({
    connId,
    type: 's3',
    config: { region: 'us-east-1', endpoint, forcePathStyle: true, accessKeyId: S3RVER_KEY },
    secrets: { secretAccessKey: S3RVER_SECRET },
  });
  const client = createS3Client(connection());
  return {
    endpoint,
    connection,
    client,
    async put(bucket, key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: Buffer.byteLength(body) }));
    },
    async get(bucket, key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return out.Body!.transformToString();
    },
    async close() {
      client.destroy();
      const exited = once(child, 'exit');
      child.stdin!.end();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export interface TestContext {
  ctx: OperatorContext;
  logs: Array<{ level: OperatorLogLevel; message: string }>;
  xcom: Record<string, unknown>;
}

/**
 * An OperatorContext for one try. `connections` are the tenant's connections by id (default: the
 * test server's `test_s3`); an unknown id rejects like the worker does.
 */
export function testContext(overrides: Partial<OperatorContext> & { params: Record<string, unknown>; connections: ResolvedConnection[] }): TestContext {
  const logs: TestContext['logs'] = [];
  const xcom: Record<string, unknown> = {};
  const { connections, ...rest } = overrides;
  const ctx: OperatorContext = {
    tenantId: 'tenant_a',
    dagId: 'daily_sales_pipeline',
    taskId: 'task',
    runId: 'manual__2026-01-01T03:00:00',
    tryNumber: 1,
    logicalDate: new Date('2026-01-01T03:00:00Z'),
    runParams: {},
    upstream: [],
    upstreamStates: {},
    xcom: {},
    sensorStartedAt: new Date(),
    rescheduleCount: 0,
    signal: new AbortController().signal,
    log: (level, message) => logs.push({ level, message }),
    xcomPush: (key, value) => {
      xcom[key] = value;
    },
    async connection(connId, type) {
      const conn = connections.find((c) => c.connId === connId);
      if (!conn || (type && conn.type !== type)) throw new OperatorError(`connection ${connId} does not exist${type ? ` (type ${type})` : ''}`, false);
      return conn;
    },
    ...rest,
  };
  return { ctx, logs, xcom };
}
