import type { S3Client } from '@aws-sdk/client-s3';
import { OperatorError, type OperatorContext, type ResolvedConnection } from '../operator.js';
import { createS3Client } from './client.js';

export const FORMATS = ['csv', 'jsonl'] as const;
export type DataFormat = (typeof FORMATS)[number];

/**
 * The connection id a task uses: `with.connection`, else the task-level `connection`, else the
 * first of `fallbacks` (e.g. the connection an upstream task recorded). Non-retryable when none.
 */
export function connectionIdFor(ctx: OperatorContext, ...fallbacks: Array<string | undefined>): string {
  const explicit = ctx.params.connection;
  if (explicit !== undefined && (typeof explicit !== 'string' || explicit.length === 0)) {
    throw new OperatorError(`task ${ctx.taskId}: with.connection must be a connection id`, false);
  }
  const id = (explicit as string | undefined) ?? ctx.defaultConnection ?? fallbacks.find((f) => typeof f === 'string' && f.length > 0);
  if (!id) throw new OperatorError(`task ${ctx.taskId}: no S3 connection: set with.connection or the task's connection`, false);
  return id;
}

export interface OpenS3 {
  connId: string;
  conn: ResolvedConnection;
  client: S3Client;
}

/** Resolves the tenant's s3 connection and builds its client; the caller destroys the client. */
export async function openS3(ctx: OperatorContext, connId: string): Promise<OpenS3> {
  const conn = await ctx.connection(connId, 's3');
  return { connId, conn, client: createS3Client(conn) };
}

/** Objects an upstream task handed over: s3.keySensor, s3.extract and transform.records return this shape. */
export interface UpstreamObjects {
  taskId: string;
  bucket: string;
  keys: string[];
  connection?: string;
  format?: DataFormat;
  delimiter?: string;
}

/** The first direct upstream (in spec order) whose return_value names S3 objects ({ bucket, keys }). */
export function upstreamObjects(ctx: OperatorContext): UpstreamObjects | undefined {
  for (const taskId of ctx.upstream) {
    const v = ctx.xcom[taskId]?.return_value as Record<string, unknown> | undefined;
    if (!v || typeof v !== 'object' || typeof v.bucket !== 'string') continue;
    if (!Array.isArray(v.keys) || !v.keys.every((k) => typeof k === 'string')) continue;
    return {
      taskId,
      bucket: v.bucket,
      keys: v.keys as string[],
      connection: typeof v.connection === 'string' ? v.connection : undefined,
      format: (FORMATS as readonly unknown[]).includes(v.format) ? (v.format as DataFormat) : undefined,
      delimiter: typeof v.delimiter === 'string' ? v.delimiter : undefined,
    };
  }
  return undefined;
}

export const s3Url = (bucket: string, key: string) => `s3://${bucket}/${key}`;
