import type { GqlClient } from './graphql.js';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startSnowflakeEmulator } from '@tower/snowflake-emulator';
import { freePort, ROOT, waitFor } from './stack.js';
import snowflake from 'snowflake-sdk';
import { SMTPServer } from 'smtp-server';

snowflake.configure({ logLevel: 'OFF' });

export const S3_KEY = 'S3RVER';
/** s3rver runs with allowMismatchedSignatures, so a tenant secret of our own can be scanned for in logs. */
export const S3_SECRET = 's3-secret-do-not-log-4242';
export const SF_USER = 'loader';
export const SF_PASSWORD = 'sf-Pa55-do-not-log-7731';
export const WEBHOOK_SECRET = 'whsec-do-not-log-5519';

export interface MailMessage {
  from: string | undefined;
  to: string[];
  raw: string;
}

export interface WebhookCall {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
  signatureValid: boolean;
}

/**
 * The outside world of the data pipeline, all real servers on loopback: S3 (s3rver), Snowflake
 * (Tower's emulator, reached by the real snowflake-sdk), SMTP (smtp-server) and a webhook receiver.
 */
export interface DataServices {
  s3Endpoint: string;
  snowflakeUrl: string;
  smtpPort: number;
  webhookUrl: string;
  mail: MailMessage[];
  webhooks: WebhookCall[];
  put(bucket: string, key: string, body: string): Promise<void>;
  sql(statement: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export async function startDataServices(buckets: string[]): Promise<DataServices> {
  const directory = await mkdtemp(join(tmpdir(), 'tower-e2e-s3-'));
  // s3rver in its own process with OpenSSL's legacy provider: its listing continuation tokens use
  // DES, which Node 20 refuses otherwise (every paginated listing would answer InternalError).
  const s3Port = await freePort();
  const s3rver = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      join(ROOT, 'node_modules', 's3rver', 'bin', 's3rver.js'),
      '-d',
      directory,
      '-a',
      '127.0.0.1',
      '-p',
      String(s3Port),
      '--silent',
      '--allow-mismatched-signatures',
      ...buckets.flatMap((b) => ['--configure-bucket', b]),
    ],
    { stdio: 'ignore' },
  );
  const s3Endpoint = `http://127.0.0.1:${s3Port}`;
  await waitFor(async () => (await fetch(s3Endpoint).catch(() => null)) !== null, 15_000, 's3rver');
  const s3 = new S3Client({
    endpoint: s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: S3_KEY, secretAccessKey: S3_SECRET },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const emulator = await startSnowflakeEmulator({
    port: 0,
    s3: { endpoint: s3Endpoint, forcePathStyle: true },
    users: [{ user: SF_USER, password: SF_PASSWORD }],
  });

  const mail: MailMessage[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mail.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const webhooks: WebhookCall[] = [];
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        // recorded as is
      }
      // testConnection's probe (GET/HEAD) is not a notification.
      if (req.method !== 'POST') return void res.writeHead(204).end();
      webhooks.push({
        method: req.method,
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
        signatureValid: req.headers['x-tower-signature'] === expected,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/tower`;

  const sfConnection = snowflake.createConnection({
    account: 'tower',
    username: SF_USER,
    password: SF_PASSWORD,
    accessUrl: emulator.url,
    database: 'ANALYTICS',
    schema: 'RAW',
  } as snowflake.ConnectionOptions);
  let connected: Promise<void> | null = null;
  const connect = () => (connected ??= new Promise<void>((resolve, reject) => sfConnection.connect((err) => (err ? reject(err) : resolve()))));

  return {
    s3Endpoint,
    snowflakeUrl: emulator.url,
    smtpPort,
    webhookUrl,
    mail,
    webhooks,
    async put(bucket, key, body) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async sql(statement) {
      await connect();
      return new Promise((resolve, reject) =>
        sfConnection.execute({
          sqlText: statement,
          complete: (err, _s, rows) => (err ? reject(err) : resolve((rows ?? []) as Array<Record<string, unknown>>)),
        }),
      );
    },
    async close() {
      if (connected) await new Promise<void>((resolve) => sfConnection.destroy(() => resolve()));
      s3.destroy();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await emulator.close();
      s3rver.kill('SIGTERM');
      await new Promise<void>((resolve) => (s3rver.exitCode !== null ? resolve() : s3rver.once('exit', () => resolve())));
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The tenant's S3 connection `connId` to the services' s3rver (its secret stored encrypted). */
export async function createS3Connection(client: GqlClient, services: Pick<DataServices, 's3Endpoint'>, connId = 'lake'): Promise<void> {
  await client.request('mutation($i:CreateConnectionInput!){ createConnection(input:$i){ id } }', {
    i: { connId, type: 's3', config: { endpoint: services.s3Endpoint, forcePathStyle: true, accessKeyId: S3_KEY }, secrets: { secretAccessKey: S3_SECRET } },
  });
}
