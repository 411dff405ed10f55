import { Writable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** S3's floor for every part but the last. */
const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface UploadStreamOptions {
  /** Bytes per part (default 8 MiB, at least 5 MiB). */
  partSize?: number;
  /** Parts uploading at once (default 2). Memory stays under (concurrency + 1) × partSize. */
  concurrency?: number;
  contentType?: string;
  signal?: AbortSignal;
}

/**
 * A Writable that stores what is written as one S3 object, without ever holding more than a
 * few parts in memory: bytes are cut into parts uploaded with CreateMultipartUpload / UploadPart
 * / CompleteMultipartUpload (@aws-sdk/lib-storage's job, which this project does not depend
 * on). `write` applies backpressure while `concurrency` parts are in flight. An object smaller
 * than one part is sent with a single PutObject. On error or destroy the multipart upload is
 * aborted (best effort) so no orphan parts are billed.
 */
export class S3UploadStream extends Writable {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private uploadId?: string;
  private readonly parts: CompletedPart[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private failure?: unknown;
  private completed = false;
  private readonly partSize: number;
  private readonly concurrency: number;
  /** Bytes accepted so far. */
  bytes = 0;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    readonly key: string,
    private readonly opts: UploadStreamOptions = {},
  ) {
    super({ highWaterMark: 1024 * 1024 });
    this.partSize = Math.max(opts.partSize ?? DEFAULT_PART_SIZE, MIN_PART_SIZE);
    this.concurrency = Math.max(1, opts.concurrency ?? 2);
  }

  private get sendOptions() {
    return { abortSignal: this.opts.signal };
  }

  /** How many parts were uploaded (0 when the object went up as a single PutObject). */
  get partCount(): number {
    return this.parts.length;
  }

  private takeBuffered(): Buffer {
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    return body;
  }

  private async startPart(body: Buffer): Promise<void> {
    if (!this.uploadId) {
      const created = await this.client.send(
        new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, ContentType: this.opts.contentType }),
        this.sendOptions,
      );
      if (!created.UploadId) throw new Error(`CreateMultipartUpload for s3://${this.bucket}/${this.key} returned no UploadId`);
      this.uploadId = created.UploadId;
    }
    const partNumber = this.parts.length + this.inflight.size + 1;
    const upload = this.client.send(
      new UploadPartCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length }),
      this.sendOptions,
    );
    const tracked: Promise<void> = upload.then(
      (out) => {
        this.inflight.delete(tracked);
        this.parts.push({ PartNumber: partNumber, ETag: out.ETag });
      },
      (err: unknown) => {
        this.inflight.delete(tracked);
        this.failure ??= err;
      },
    );
    this.inflight.add(tracked);
    while (this.inflight.size >= this.concurrency) await Promise.race(this.inflight);
    if (this.failure) throw this.failure;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.failure) return callback(this.failure as Error);
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.bytes += chunk.length;
    if (this.buffered < this.partSize) return callback();
    this.startPart(this.takeBuffered()).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.finish().then(() => callback(), callback);
  }

  private async finish(): Promise<void> {
    if (!this.uploadId) {
      const body = this.takeBuffered();
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.key, Body: body, ContentLength: body.length, ContentType: this.opts.contentType }),
        this.sendOptions,
      );
      this.completed = true;
      return;
    }
    if (this.buffered > 0) await this.startPart(this.takeBuffered());
    await Promise.all(this.inflight);
    if (this.failure) throw this.failure;
    const parts = [...this.parts].sort((a, b) => a.PartNumber! - b.PartNumber!);
    await this.client.send(
      new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, MultipartUpload: { Parts: parts } }),
      this.sendOptions,
    );
    this.completed = true;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.chunks = [];
    this.buffered = 0;
    if (!this.uploadId || this.completed) return callback(error);
    const uploadId = this.uploadId;
    // Not with the task's signal: the abort must still go out after the try was canceled.
    this.client
      .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: uploadId }))
      .catch(() => undefined)
      .finally(() => callback(error));
  }
}
