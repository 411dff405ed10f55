import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';

/** The platform's own bucket (not a tenant's): where Tower archives task logs (LOG_ARCHIVE_*). */
export interface ObjectStoreConfig {
  bucket: string;
  region: string;
  endpoint?: string;
  /** Unset: the AWS SDK's default credential chain (environment, instance or pod role). */
  accessKeyId?: string;
  secretAccessKey?: string;
}

/**
 * Objects of one bucket, with the three operations the log archive needs (the engine's
 * `ObjectStore`). A custom endpoint (s3rver, MinIO) is addressed path-style, and checksums are
 * computed only when an operation requires them: with the SDK's default, s3rver stores the
 * aws-chunked framing inside the object.
 */
export class S3ObjectStore {
  private readonly client: S3Client;

  constructor(private readonly config: ObjectStoreConfig) {
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.endpoint !== undefined,
      credentials: config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.config.bucket, Key: key, Body: body, ContentType: 'application/x-ndjson', ContentEncoding: 'gzip' }),
    );
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return Buffer.from(await res.Body!.transformToByteArray());
    } catch (err) {
      if (err instanceof NoSuchKey || (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404)) return null;
      throw err;
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: prefix, ContinuationToken: token }));
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length) {
        await this.client.send(new DeleteObjectsCommand({ Bucket: this.config.bucket, Delete: { Objects: keys, Quiet: true } }));
        deleted += keys.length;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return deleted;
  }

  destroy(): void {
    this.client.destroy();
  }
}

/** The engine's `LogArchive` for a configured bucket (`logArchiveConfig` of @tower/config), or undefined. */
export function createLogArchive(config: (ObjectStoreConfig & { prefix: string }) | undefined): { store: S3ObjectStore; prefix: string } | undefined {
  return config ? { store: new S3ObjectStore(config), prefix: config.prefix } : undefined;
}
