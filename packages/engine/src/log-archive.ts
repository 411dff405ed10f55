import { gunzipSync, gzipSync } from 'node:zlib';
import type { TaskLog } from '@tower/db';

/**
 * The platform's object store for archived task logs (S3 in production, s3rver locally): Tower's
 * own bucket, not a tenant's. Structural, so the engine needs no AWS SDK.
 */
export interface ObjectStore {
  put(key: string, body: Buffer): Promise<void>;
  /** The object's bytes, or null when there is no such object. */
  get(key: string): Promise<Buffer | null>;
  /** Deletes every object under `prefix`; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
}

export interface LogArchive {
  store: ObjectStore;
  /** Key prefix of every archived log (`<prefix>/<tenantId>/…`). */
  prefix: string;
}

/**
 * Where a try's archived log lives: under its tenant's prefix, then its run (so a run's archive is
 * deleted by prefix). Callers pass the tenant id of the caller — never one read from input — so an
 * id of another tenant's task instance names a key under the caller's own prefix, where it is not.
 */
export function archivedLogKey(archive: LogArchive, tenantId: string, dagRunId: string, taskInstanceId: string, tryNumber: number): string {
  return `${runArchivePrefix(archive, tenantId, dagRunId)}${taskInstanceId}/${tryNumber}.jsonl.gz`;
}

export function runArchivePrefix(archive: LogArchive, tenantId: string, dagRunId: string): string {
  return `${archive.prefix}/${tenantId}/${dagRunId}/`;
}

/** One line of an archived log: what TaskLog stores, its id kept so paging by id reads the same. */
interface ArchivedLine {
  id: string;
  ts: string;
  level: string;
  message: string;
}

/** A try's lines (oldest first) as gzip-compressed JSON lines. */
export function encodeLogLines(lines: ReadonlyArray<Pick<TaskLog, 'id' | 'ts' | 'level' | 'message'>>): Buffer {
  const text = lines
    .map((l) => JSON.stringify({ id: l.id.toString(), ts: l.ts.toISOString(), level: l.level, message: l.message } satisfies ArchivedLine))
    .join('\n');
  return gzipSync(text);
}

/** The lines encodeLogLines wrote, as TaskLog rows of the try. */
export function decodeLogLines(body: Buffer, tenantId: string, taskInstanceId: string, tryNumber: number): TaskLog[] {
  const text = gunzipSync(body).toString('utf8');
  if (!text) return [];
  return text.split('\n').map((line) => {
    const l = JSON.parse(line) as ArchivedLine;
    return { id: BigInt(l.id), tenantId, taskInstanceId, tryNumber, ts: new Date(l.ts), level: l.level, message: l.message };
  });
}
