import { OperatorError, type Operator, type OperatorContext, type ResolvedConnection } from '../operator.js';
import { connectSnowflake, type SnowflakeRow } from './client.js';
import { type AwsCredentials, copyIntoSql, createSchemaSql, createTableSql, normalizeFileFormat } from './copy-sql.js';
import { splitQualifiedName } from './identifiers.js';
import { parseSource, tableColumns, upstreamColumns, upstreamFile } from './load-source.js';
import { redactSql } from './redact.js';
import { snowflakeConnectionId } from './connection-id.js';

interface LoadParams {
  connection?: string;
  table: string;
  s3Connection?: string;
  source?: unknown;
  fileFormat?: unknown;
  createTable?: boolean | { columns?: Record<string, string> };
  onError?: string;
  matchByColumnName?: string;
}

export interface LoadedFile {
  file: string;
  status: string;
  rowsParsed: number;
  rowsLoaded: number;
  errorsSeen: number;
  firstError?: string;
}

/** The return_value of snowflake.load. */
export interface LoadResult {
  table: string;
  files: LoadedFile[];
  /** Files processed by this COPY (`files` lists at most MAX_FILES of them). */
  fileCount: number;
  rowsLoaded: number;
  rowsParsed: number;
}

const MAX_FILES = 200;

function config<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw err instanceof OperatorError ? err : new OperatorError((err as Error).message, false);
  }
}

function s3Credentials(conn: ResolvedConnection): AwsCredentials {
  const keyId = conn.config.accessKeyId;
  const secret = conn.secrets.secretAccessKey;
  if (typeof keyId !== 'string' || !keyId || !secret) {
    throw new OperatorError(`s3 connection ${conn.connId} has no accessKeyId/secretAccessKey: COPY INTO needs both`, false);
  }
  return { keyId, secret, token: conn.secrets.sessionToken || undefined };
}

const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

/** COPY result rows (one per file; a single `status` row when every file was loaded before). */
export function loadedFiles(rows: SnowflakeRow[]): LoadedFile[] {
  return rows
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v])))
    .filter((r) => typeof r.file === 'string')
    .map((r) => ({
      file: r.file as string,
      status: String(r.status),
      rowsParsed: num(r.rows_parsed),
      rowsLoaded: num(r.rows_loaded),
      errorsSeen: num(r.errors_seen),
      ...(r.first_error ? { firstError: String(r.first_error).slice(0, 500) } : {}),
    }));
}

/**
 * Loads S3 files into a Snowflake table with COPY INTO, using the tenant's S3 credentials.
 *
 * Retries load nothing twice: the COPY never uses FORCE, so Snowflake's load metadata (per table:
 * file URL + ETag, committed with the rows) skips files an earlier try already loaded. A try that
 * died mid-way is covered by COPY being one statement — one transaction: with ON_ERROR =
 * ABORT_STATEMENT (the default) a failure or a lost connection before commit leaves neither rows
 * nor load metadata, and a COPY that committed just before the try died leaves both, so the
 * retry's COPY reports "0 files processed". No explicit transaction is opened around it: it would
 * add nothing to a single statement, and CREATE TABLE commits implicitly in Snowflake anyway.
 */
export const snowflakeLoadOperator: Operator<'snowflake.load'> = {
  type: 'snowflake.load',
  async execute(ctx: OperatorContext): Promise<LoadResult> {
    const p = ctx.params as unknown as LoadParams;
    if (typeof p.table !== 'string' || !p.table) throw new OperatorError('snowflake.load needs with.table', false);
    const upstream = upstreamFile(ctx);
    const source = p.source !== undefined ? parseSource(p.source) : upstream;
    if (!source) throw new OperatorError('snowflake.load has no source: set with.source or run it after a task that returns { bucket, key }', false);
    const s3ConnId = p.s3Connection ?? upstream?.connection;
    if (!s3ConnId) throw new OperatorError('snowflake.load needs with.s3Connection (the upstream task names no S3 connection)', false);
    const fromUpstream = p.source === undefined;
    // Tower's S3 writers emit a header line; a file named by the author follows Snowflake's default (0).
    const fileFormat = config(() => normalizeFileFormat(p.fileFormat, source.key, fromUpstream ? 1 : 0));

    const s3 = await ctx.connection(s3ConnId, 's3');
    const credentials = s3Credentials(s3);
    const copy = config(() => copyIntoSql({ table: p.table, source, credentials, fileFormat, onError: p.onError, matchByColumnName: p.matchByColumnName }));
    const ddl = p.createTable ? config(() => createStatements(p.table, p.createTable, upstream?.columns)) : [];

    const sf = await ctx.connection(snowflakeConnectionId(ctx, p.connection), 'snowflake');
    const session = await connectSnowflake(sf, { signal: ctx.signal });
    try {
      for (const sql of ddl) {
        ctx.log('info', sql);
        await session.execute(sql, undefined, { label: `creating ${p.table}` });
      }
      ctx.log('info', redactSql(copy));
      const secrets = [credentials.keyId, credentials.secret, credentials.token];
      const rows = await session.execute(copy, undefined, { label: `COPY INTO ${p.table}`, secrets });
      const files = loadedFiles(rows);
      const result: LoadResult = {
        table: p.table,
        files: files.slice(0, MAX_FILES),
        fileCount: files.length,
        rowsLoaded: files.reduce((n, f) => n + f.rowsLoaded, 0),
        rowsParsed: files.reduce((n, f) => n + f.rowsParsed, 0),
      };
      for (const f of files) {
        const level = f.status === 'LOADED' ? 'info' : 'warn';
        ctx.log(level, `${f.file}: ${f.status}, ${f.rowsLoaded}/${f.rowsParsed} rows loaded${f.firstError ? `, first error: ${f.firstError}` : ''}`);
      }
      ctx.log(
        'info',
        files.length === 0
          ? `COPY INTO ${p.table}: no new files (every file was already loaded into the table, e.g. by an earlier try)`
          : `COPY INTO ${p.table}: ${result.rowsLoaded} rows loaded of ${result.rowsParsed} parsed from ${files.length} file(s)`,
      );
      return result;
    } finally {
      await session.close().catch(() => undefined);
    }
  },
};

function createStatements(table: string, createTable: LoadParams['createTable'], columns: unknown): string[] {
  const defs = tableColumns(createTable, upstreamColumns(columns));
  if (defs.length === 0)
    throw new OperatorError('createTable needs columns: the upstream task returned none, so give createTable: { columns: { NAME: TYPE } }', false);
  const schema = createSchemaSql(splitQualifiedName(table));
  return [...(schema ? [schema] : []), createTableSql(table, defs)];
}
