/**
 * Test harness for the Snowflake, quality and notify operators: a real s3rver, the Snowflake
 * emulator (the real snowflake-sdk talks to it over HTTP) and a hand-built OperatorContext whose
 * `connection()` resolves tenant connections pointing at them.
 *
 * Named *.spec.ts on purpose: the package build (tsc) excludes *.spec.ts, so these dev-only
 * imports never reach dist, and Jest only collects *.test.ts, so it is not run as a suite.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startSnowflakeEmulator, type SnowflakeEmulator } from '@tower/snowflake-emulator';
import S3rver from 's3rver';
import { OperatorError, type ConnectionType, type OperatorContext, type OperatorLogLevel, type ResolvedConnection } from '../operator.js';

/** s3rver's fixed account; any other key is rejected with InvalidAccessKeyId. */
export const S3_KEY = 'S3RVER';
export const S3_SECRET = 'S3RVER';
export const SF_PASSWORD = 'tower-pw-5ecr3t';

export interface LocalS3 {
  endpoint: string;
  put(bucket: string, key: string, body: string): Promise<void>;
  remove(bucket: string, key: string): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalS3(buckets: string[]): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'tower-operators-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: S3_KEY, secretAccessKey: S3_SECRET },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    async put(bucket, key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async remove(bucket, key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async close() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export interface SnowflakeStack {
  s3: LocalS3;
  emulator: SnowflakeEmulator;
  /** Connections of the test tenant: `sf` (password), `sf_key` (key pair), `sf_bad` (wrong password), `lake` (s3), `lake_bad` (wrong S3 secret). */
  connections: Record<string, ResolvedConnection>;
  close(): Promise<void>;
}

/** s3rver + the emulator reading COPY sources from it, and connections pointing at both. */
export async function startSnowflakeStack(buckets: string[], database = 'analytics'): Promise<SnowflakeStack> {
  const s3 = await startLocalS3(buckets);
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const emulator = await startSnowflakeEmulator({
    port: 0,
    s3: { endpoint: s3.endpoint, forcePathStyle: true },
    users: [
      { user: 'tower', password: SF_PASSWORD },
      { user: 'loader', publicKeyPem: keys.publicKey },
    ],
  });
  const sfConfig = { account: 'tower', user: 'tower', database, schema: 'public', warehouse: 'wh', accessUrl: emulator.url };
  const s3Config = { region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, accessKeyId: S3_KEY };
  const connections: Record<string, ResolvedConnection> = {
    sf: { connId: 'sf', type: 'snowflake', config: sfConfig, secrets: { password: SF_PASSWORD } },
    sf_key: { connId: 'sf_key', type: 'snowflake', config: { ...sfConfig, user: 'loader' }, secrets: { privateKey: keys.privateKey } },
    sf_bad: { connId: 'sf_bad', type: 'snowflake', config: sfConfig, secrets: { password: 'wrong-pw-9d8f7' } },
    lake: { connId: 'lake', type: 's3', config: s3Config, secrets: { secretAccessKey: S3_SECRET } },
    lake_bad: { connId: 'lake_bad', type: 's3', config: { ...s3Config, accessKeyId: 'AKIA-NOT-VALID' }, secrets: { secretAccessKey: 'sup3r-s3cret-value' } },
  };
  return {
    s3,
    emulator,
    connections,
    async close() {
      await emulator.close();
      await s3.close();
    },
  };
}

export interface TestContext {
  ctx: OperatorContext;
  logs: Array<{ level: OperatorLogLevel; message: string }>;
  pushed: Record<string, unknown>;
  /** Every log line and pushed XCom as one string, for "no secret anywhere" assertions. */
  transcript(): string;
}

export interface ContextOptions {
  params: Record<string, unknown>;
  connections: Record<string, ResolvedConnection>;
  taskId?: string;
  tryNumber?: number;
  defaultConnection?: string;
  upstream?: string[];
  upstreamStates?: Record<string, string>;
  xcom?: Record<string, Record<string, unknown>>;
  signal?: AbortSignal;
}

/** An OperatorContext as the worker builds it, with the tenant's connections from `connections`. */
export function makeContext(o: ContextOptions): TestContext {
  const logs: TestContext['logs'] = [];
  const pushed: Record<string, unknown> = {};
  const ctx: OperatorContext = {
    tenantId: 'tenant-1',
    dagId: 'daily_sales_pipeline',
    taskId: o.taskId ?? 'task',
    runId: 'run-2026-01-02',
    tryNumber: o.tryNumber ?? 1,
    logicalDate: new Date('2026-01-02T03:00:00Z'),
    params: o.params,
    runParams: {},
    upstream: o.upstream ?? [],
    upstreamStates: o.upstreamStates ?? {},
    xcom: o.xcom ?? {},
    defaultConnection: o.defaultConnection,
    async connection(connId: string, type?: ConnectionType) {
      const conn = o.connections[connId];
      if (!conn) throw new OperatorError(`connection ${connId} does not exist`, false);
      if (type && conn.type !== type) throw new OperatorError(`connection ${connId} is of type ${conn.type}, not ${type}`, false);
      return conn;
    },
    sensorStartedAt: new Date(),
    rescheduleCount: 0,
    signal: o.signal ?? new AbortController().signal,
    log: (level, message) => logs.push({ level, message }),
    xcomPush: (key, value) => {
      pushed[key] = value;
    },
  };
  return { ctx, logs, pushed, transcript: () => JSON.stringify({ logs, pushed }) };
}
