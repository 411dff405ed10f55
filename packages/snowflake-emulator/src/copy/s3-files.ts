import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SnowflakeError } from '../errors/snowflake-error.js';
import type { S3Settings } from '../query/context.js';
import type { CopyStatement } from './parse-copy.js';

export interface StagedObject {
  key: string;
  etag: string;
  size: number;
}

/**
 * An S3 client for one COPY, signed with the credentials written in the statement, as
 * Snowflake uses them: a wrong key fails the COPY the same way it would against AWS.
 */
export function s3ClientFor(settings: S3Settings, credentials: CopyStatement['credentials']): S3Client {
  const signed = credentials.keyId && credentials.secret;
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region ?? 'us-east-1',
    forcePathStyle: settings.forcePathStyle ?? true,
    // s3rver (and other S3 stand-ins) mishandle the SDK's default streaming checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    credentials: signed
      ? { accessKeyId: credentials.keyId as string, secretAccessKey: credentials.secret as string, sessionToken: credentials.token }
      : { accessKeyId: '', secretAccessKey: '' },
    // Without credentials Snowflake reads public buckets anonymously: send the request unsigned.
    ...(signed ? {} : { signer: { sign: async (request) => request } }),
  });
}

export async function listObjects(client: S3Client, bucket: string, prefix: string): Promise<StagedObject[]> {
  const out: StagedObject[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (!o.Key || o.Key.endsWith('/')) continue;
      out.push({ key: o.Key, etag: (o.ETag ?? '').replace(/"/g, ''), size: o.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** Streams one object to a local file for DuckDB to read (DuckDB here has no httpfs). */
export async function downloadObject(client: S3Client, bucket: string, key: string, path: string): Promise<void> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!response.Body) throw new Error(`empty body for s3://${bucket}/${key}`);
  await pipeline(response.Body as Readable, createWriteStream(path));
}

/** An S3 failure as Snowflake words it when a stage cannot be read. */
export function stageError(err: unknown): SnowflakeError {
  const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.Code ?? e.name ?? 'Unknown';
  const status = e.$metadata?.httpStatusCode ?? 0;
  return new SnowflakeError('091003', '22000', `Failure using stage area. Cause: [${e.message ?? code} (Status Code: ${status}; Error Code: ${code})]`);
}
