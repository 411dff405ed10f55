import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import { OperatorError, type ResolvedConnection } from '../operator.js';
import { s3OperatorError } from './client.js';
import { s3Url, type DataFormat } from './context.js';

/** A field value: CSV fields are strings (an empty field is NULL), JSONL keeps JSON scalars. */
export type Cell = string | number | boolean | null;

export interface ReadOptions {
  format: DataFormat;
  /** CSV field delimiter (default ","). */
  delimiter?: string;
  signal: AbortSignal;
  conn?: ResolvedConnection;
}

/**
 * One object's records, streamed. `columns` is the CSV header (or the keys of the first JSONL
 * object); `rows` yields each data record as an array aligned with `columns`. Consume `rows`
 * once; breaking out of it (or an error) stops the download.
 */
export interface ObjectRecords {
  columns: string[];
  rows: AsyncGenerator<Cell[], void, undefined>;
}

/** A problem in the data itself (bad CSV, bad JSON, missing header): retrying cannot fix it. */
export function dataError(bucket: string, key: string, message: string): OperatorError {
  return new OperatorError(`${s3Url(bucket, key)}: ${message}`, false);
}

async function getBody(client: S3Client, bucket: string, key: string, opts: ReadOptions): Promise<Readable> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: opts.signal });
    return out.Body as Readable;
  } catch (err) {
    throw s3OperatorError(err, `reading ${s3Url(bucket, key)}`, opts.conn, opts.signal);
  }
}

function duplicateColumn(columns: string[]): string | undefined {
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) return c;
    seen.add(c);
  }
  return undefined;
}

/** A failure while streaming: bad CSV is a data error; anything else is the download's (see s3OperatorError). */
function streamError(err: unknown, bucket: string, key: string, opts: ReadOptions): Error {
  const code = (err as { code?: unknown } | null)?.code;
  if (!opts.signal.aborted && typeof code === 'string' && code.startsWith('CSV_')) return dataError(bucket, key, `invalid CSV: ${(err as Error).message}`);
  return s3OperatorError(err, `reading ${s3Url(bucket, key)}`, opts.conn, opts.signal);
}

async function openCsv(body: Readable, bucket: string, key: string, opts: ReadOptions): Promise<ObjectRecords> {
  const parser = parse({ delimiter: opts.delimiter ?? ',', bom: true, skip_empty_lines: true });
  body.on('error', (err) => parser.destroy(err));
  body.pipe(parser);
  const it = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const close = () => {
    body.destroy();
    parser.destroy();
  };
  let first: IteratorResult<string[]>;
  try {
    first = await it.next();
  } catch (err) {
    close();
    throw streamError(err, bucket, key, opts);
  }
  if (first.done) {
    close();
    throw dataError(bucket, key, 'is empty: a CSV object needs a header line');
  }
  const columns = first.value;
  const dup = duplicateColumn(columns);
  if (dup !== undefined) {
    close();
    throw dataError(bucket, key, `the header names column ${JSON.stringify(dup)} twice`);
  }
  async function* rows(): AsyncGenerator<Cell[], void, undefined> {
    try {
      for (;;) {
        let next: IteratorResult<string[]>;
        try {
          next = await it.next();
        } catch (err) {
          throw streamError(err, bucket, key, opts);
        }
        if (next.done) return;
        const row: Cell[] = next.value;
        for (let i = 0; i < row.length; i++) if (row[i] === '') row[i] = null;
        yield row;
      }
    } finally {
      close();
    }
  }
  return { columns, rows: rows() };
}

function jsonCell(v: unknown): Cell {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

async function openJsonl(body: Readable, bucket: string, key: string, opts: ReadOptions): Promise<ObjectRecords> {
  const lines = createInterface({ input: body, crlfDelay: Infinity });
  body.on('error', (err) => lines.emit('error', err));
  const it = lines[Symbol.asyncIterator]();
  let lineNo = 0;
  const close = () => {
    lines.close();
    body.destroy();
  };
  const nextObject = async (): Promise<Record<string, unknown> | undefined> => {
    for (;;) {
      let next: IteratorResult<string>;
      try {
        next = await it.next();
      } catch (err) {
        throw streamError(err, bucket, key, opts);
      }
      if (next.done) return undefined;
      lineNo++;
      const line = lineNo === 1 ? next.value.replace(/^\uFEFF/, '') : next.value;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        throw dataError(bucket, key, `line ${lineNo} is not valid JSON (${(err as Error).message})`);
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw dataError(bucket, key, `line ${lineNo} is not a JSON object`);
      return value as Record<string, unknown>;
    }
  };
  let first: Record<string, unknown> | undefined;
  try {
    first = await nextObject();
  } catch (err) {
    close();
    throw err;
  }
  if (!first) {
    close();
    throw dataError(bucket, key, 'is empty: a JSONL object needs at least one record (its keys are the columns)');
  }
  const columns = Object.keys(first);
  const toRow = (obj: Record<string, unknown>): Cell[] => columns.map((c) => jsonCell(obj[c]));
  async function* rows(): AsyncGenerator<Cell[], void, undefined> {
    try {
      yield toRow(first!);
      for (let obj = await nextObject(); obj; obj = await nextObject()) yield toRow(obj);
    } finally {
      close();
    }
  }
  return { columns, rows: rows() };
}

/**
 * Opens one object for streaming reads: nothing beyond the parser's buffers is held in memory.
 * CSV: csv-parse (quotes, embedded newlines, BOM), empty lines skipped, an empty field is NULL
 * (as Snowflake's EMPTY_FIELD_AS_NULL). JSONL: one JSON object per line, blank lines skipped;
 * the first object's keys are the columns, a later missing key is NULL, keys the first object
 * lacks are not read. Data errors are non-retryable; network errors are retryable.
 */
export async function openRecords(client: S3Client, bucket: string, key: string, opts: ReadOptions): Promise<ObjectRecords> {
  const body = await getBody(client, bucket, key, opts);
  return opts.format === 'csv' ? openCsv(body, bucket, key, opts) : openJsonl(body, bucket, key, opts);
}
