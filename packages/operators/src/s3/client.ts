import { ListBucketsCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { OperatorError, type ResolvedConnection } from '../operator.js';

/** The `config` of an s3 connection (see ResolvedConnection). */
export interface S3ConnectionConfig {
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  accessKeyId?: string;
  bucket?: string;
}

function configOf(conn: ResolvedConnection): S3ConnectionConfig {
  const c = conn.config;
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  return {
    region: str(c.region) ?? 'us-east-1',
    endpoint: str(c.endpoint),
    forcePathStyle: typeof c.forcePathStyle === 'boolean' ? c.forcePathStyle : undefined,
    accessKeyId: str(c.accessKeyId),
    bucket: str(c.bucket),
  };
}

/** The connection's default bucket (`config.bucket`), if any. */
export function connectionBucket(conn: ResolvedConnection): string | undefined {
  return configOf(conn).bucket;
}

/**
 * An S3 client for a tenant's connection. Credentials come from the connection only: Tower never
 * falls back to the worker's own credentials (environment, instance role), which would let a
 * tenant read what the worker can read. A custom endpoint (MinIO, s3rver) defaults to path-style
 * addressing. Checksums are only computed/validated when an operation requires them, which keeps
 * S3-compatible servers that do not understand aws-chunked uploads working.
 */
export function createS3Client(conn: ResolvedConnection): S3Client {
  if (conn.type !== 's3') throw new OperatorError(`connection ${conn.connId} is of type ${conn.type}, not s3`, false);
  const config = configOf(conn);
  const secretAccessKey = conn.secrets.secretAccessKey;
  if (!config.accessKeyId || !secretAccessKey) {
    throw new OperatorError(`connection ${conn.connId} has no accessKeyId/secretAccessKey: an s3 connection needs both`, false);
  }
  return new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle ?? config.endpoint !== undefined,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey, sessionToken: conn.secrets.sessionToken || undefined },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** S3 error codes a retry cannot fix: bad credentials, missing rights, missing bucket. */
const PERMANENT_CODES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'NoSuchBucket',
  'InvalidBucketName',
  'AllAccessDisabled',
  'ExpiredToken',
  'InvalidToken',
]);

/** "Code: message" of an SDK error, with any of the connection's secret values masked. */
export function describeS3Error(err: unknown, conn?: ResolvedConnection): string {
  let text: string;
  if (err instanceof S3ServiceException) {
    const status = err.$metadata?.httpStatusCode;
    const message = err.message && err.message !== err.name && err.message !== 'UnknownError' ? `: ${err.message}` : '';
    text = `${err.name}${status ? ` (HTTP ${status})` : ''}${message}`;
  } else {
    text = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  }
  for (const secret of Object.values(conn?.secrets ?? {})) {
    if (secret && secret.length >= 4) text = text.split(secret).join('[redacted]');
  }
  return text;
}

/**
 * Wraps an SDK failure as an OperatorError naming what failed; errors a retry cannot fix
 * (credentials, permissions, missing bucket) are non-retryable. An abort passes through.
 */
export function s3OperatorError(err: unknown, what: string, conn?: ResolvedConnection, signal?: AbortSignal): Error {
  if (signal?.aborted) return signal.reason instanceof Error ? signal.reason : new Error('aborted');
  if (err instanceof OperatorError) return err;
  const permanent = err instanceof S3ServiceException && (PERMANENT_CODES.has(err.name) || err.$metadata?.httpStatusCode === 403);
  return new OperatorError(`${what} failed: ${describeS3Error(err, conn)}`, !permanent);
}

/**
 * Checks a connection for real: lists the bucket (`bucket`, else `config.bucket`), or lists the
 * account's buckets when there is none. Never throws; the message never holds a secret.
 */
export async function testS3Connection(conn: ResolvedConnection, bucket?: string): Promise<{ ok: boolean; message: string }> {
  let client: S3Client | undefined;
  try {
    client = createS3Client(conn);
    const target = bucket ?? connectionBucket(conn);
    if (target) {
      const page = await client.send(new ListObjectsV2Command({ Bucket: target, MaxKeys: 1 }));
      return { ok: true, message: `listed bucket ${target} (${(page.KeyCount ?? 0) > 0 ? 'not empty' : 'empty'})` };
    }
    const out = await client.send(new ListBucketsCommand({}));
    return { ok: true, message: `listed ${out.Buckets?.length ?? 0} bucket(s)` };
  } catch (err) {
    return { ok: false, message: `S3 connection ${conn.connId} failed: ${describeS3Error(err, conn)}` };
  } finally {
    client?.destroy();
  }
}
