import { OperatorError, type OperatorContext } from '../operator.js';
import type { ColumnDef, CopySource } from './copy-sql.js';

/** What an upstream task (s3.extract, transform.records) returns about the file it wrote. */
export interface UpstreamFile {
  taskId: string;
  bucket: string;
  key?: string;
  prefix?: string;
  /** Column names (or { name, type }) in file order. */
  columns?: unknown;
  /** The S3 connection id the file lives behind. */
  connection?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** The return_value of the nearest direct upstream task that names an S3 object or prefix. */
export function upstreamFile(ctx: Pick<OperatorContext, 'upstream' | 'xcom'>): UpstreamFile | undefined {
  for (const taskId of ctx.upstream) {
    const value = ctx.xcom[taskId]?.return_value;
    if (isRecord(value) && nonEmpty(value.bucket) && (nonEmpty(value.key) || typeof value.prefix === 'string')) {
      return {
        taskId,
        bucket: value.bucket,
        key: nonEmpty(value.key) ? value.key : undefined,
        prefix: nonEmpty(value.key) ? undefined : (value.prefix as string),
        columns: value.columns,
        connection: nonEmpty(value.connection) ? value.connection : undefined,
      };
    }
  }
  return undefined;
}

/** `with.source`: `s3://bucket/key`, `s3://bucket/prefix/` (trailing slash), or { bucket, key | prefix, pattern? }. */
export function parseSource(source: unknown): CopySource {
  if (typeof source === 'string') {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(source);
    if (!m) throw new OperatorError(`source "${source}" is not an s3://bucket/key URL`, false);
    return m[2] === '' || m[2].endsWith('/') ? { bucket: m[1], prefix: m[2] } : { bucket: m[1], key: m[2] };
  }
  if (!isRecord(source) || !nonEmpty(source.bucket)) throw new OperatorError('source needs a bucket', false);
  const hasKey = nonEmpty(source.key);
  const hasPrefix = typeof source.prefix === 'string';
  if (hasKey === hasPrefix) throw new OperatorError('source needs exactly one of key and prefix', false);
  if (source.pattern !== undefined && (!nonEmpty(source.pattern) || hasKey))
    throw new OperatorError('source.pattern must be a non-empty string and goes with a prefix', false);
  return {
    bucket: source.bucket,
    ...(hasKey ? { key: source.key as string } : { prefix: source.prefix as string }),
    ...(nonEmpty(source.pattern) && { pattern: source.pattern }),
  };
}

/** Upstream `columns` as definitions: names (VARCHAR) or { name, type } objects. */
export function upstreamColumns(columns: unknown): ColumnDef[] {
  if (!Array.isArray(columns)) return [];
  return columns.flatMap((c): ColumnDef[] => {
    if (nonEmpty(c)) return [{ name: c, type: 'VARCHAR' }];
    if (isRecord(c) && nonEmpty(c.name)) return [{ name: c.name, type: nonEmpty(c.type) ? c.type : 'VARCHAR' }];
    return [];
  });
}

/**
 * The columns of `createTable`: the upstream file's columns in file order (COPY maps CSV fields by
 * position), VARCHAR unless `createTable.columns` gives a type (names matched case-insensitively);
 * without upstream columns, the `createTable.columns` map in its own order.
 */
export function tableColumns(createTable: unknown, fromUpstream: ColumnDef[]): ColumnDef[] {
  const raw = isRecord(createTable) ? createTable.columns : undefined;
  // A list is ordered; an object is not (DAG specs are stored as JSONB, which sorts keys).
  const listed: ColumnDef[] | null = Array.isArray(raw) ? raw.filter(isRecord).map((c) => ({ name: String(c.name), type: String(c.type) })) : null;
  const given = listed ? Object.fromEntries(listed.map((c) => [c.name, c.type])) : isRecord(raw) ? raw : {};
  const types = new Map(Object.entries(given).map(([name, type]) => [name.toUpperCase(), String(type)]));
  if (fromUpstream.length > 0) return fromUpstream.map((c) => ({ name: c.name, type: types.get(c.name.toUpperCase()) ?? c.type }));
  if (listed) return listed;
  if (Object.keys(given).length > 1) {
    throw new OperatorError(
      'createTable.columns as an object has no column order (specs are stored as JSON objects): give a list [{ name, type }] in file order, or load from an upstream task that reports its columns',
      false,
    );
  }
  return Object.entries(given).map(([name, type]) => ({ name, type: String(type) }));
}
