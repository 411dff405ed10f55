import { OperatorError, type OperatorContext } from '../operator.js';
import { connectionBucket } from './client.js';
import { connectionIdFor, openS3, upstreamObjects, type DataFormat, type OpenS3 } from './context.js';

/** The S3 objects a reading task works on, with the open connection to read them. */
export interface InputObjects {
  s3: OpenS3;
  bucket: string;
  keys: string[];
  /** Where they came from, for the log. */
  source: string;
  /** Format / delimiter an upstream task recorded, if any. */
  format?: DataFormat;
  delimiter?: string;
}

/**
 * Which objects to read, first match wins:
 * 1. explicit `bucket`/`key` (the bucket defaults to the connection's `config.bucket`);
 * 2. the return_value of the first direct upstream naming objects ({ bucket, keys } — an
 *    s3.keySensor, s3.extract or transform.records); its connection is used unless the task names one;
 * 3. the object whose arrival triggered the run (`ctx.triggerObject`).
 * The caller destroys `s3.client`.
 */
export async function resolveInput(ctx: OperatorContext, explicit: { bucket?: string; key?: string }): Promise<InputObjects> {
  if (explicit.key !== undefined) {
    const s3 = await openS3(ctx, connectionIdFor(ctx));
    const bucket = explicit.bucket ?? connectionBucket(s3.conn);
    if (!bucket) {
      s3.client.destroy();
      throw new OperatorError(`task ${ctx.taskId}: with.key needs with.bucket (connection ${s3.connId} has no default bucket)`, false);
    }
    return { s3, bucket, keys: [explicit.key], source: 'with.key' };
  }
  if (explicit.bucket !== undefined) throw new OperatorError(`task ${ctx.taskId}: with.bucket needs with.key`, false);
  const up = upstreamObjects(ctx);
  if (up) {
    if (up.keys.length === 0) throw new OperatorError(`task ${ctx.taskId}: upstream task ${up.taskId} handed over no S3 keys`, false);
    const s3 = await openS3(ctx, connectionIdFor(ctx, up.connection));
    return { s3, bucket: up.bucket, keys: up.keys, source: `upstream task ${up.taskId}`, format: up.format, delimiter: up.delimiter };
  }
  const t = ctx.triggerObject;
  if (t) {
    const s3 = await openS3(ctx, connectionIdFor(ctx, t.connection));
    return { s3, bucket: t.bucket, keys: [t.key], source: 'the object that triggered the run' };
  }
  const upstream = ctx.upstream.length ? `none of the upstream tasks (${ctx.upstream.join(', ')}) returned { bucket, keys }` : 'the task has no upstream task';
  throw new OperatorError(
    `task ${ctx.taskId}: no input objects: set with.bucket and with.key, depend on an s3.keySensor / s3.extract, or start the run from an S3 file trigger (${upstream})`,
    false,
  );
}
