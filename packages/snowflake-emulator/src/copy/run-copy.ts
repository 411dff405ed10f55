import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { SnowflakeError, invalidIdentifier, objectDoesNotExist } from '../errors/snowflake-error.js';
import type { StatementContext } from '../query/context.js';
import { fullTableName, relationExists } from '../query/ddl-handlers.js';
import { type QueryResult, type StaticValue, StatementType, staticResult } from '../results/query-result.js';
import { bindOptions } from '../sql/binds.js';
import { quoteString } from '../sql/lexer.js';
import { atomically } from '../query/transaction.js';
import { insertStaged } from './insert-staged.js';
import { type CopyStatement, parseCopy } from './parse-copy.js';
import { type StagedObject, downloadObject, listObjects, s3ClientFor, stageError } from './s3-files.js';
import { type TargetColumn, stageFile } from './stage-file.js';

const RESULT_COLUMNS = [
  ['file', 'text'],
  ['status', 'text'],
  ['rows_parsed', 'fixed'],
  ['rows_loaded', 'fixed'],
  ['error_limit', 'fixed'],
  ['errors_seen', 'fixed'],
  ['first_error', 'text'],
  ['first_error_line', 'fixed'],
  ['first_error_character', 'fixed'],
  ['first_error_column_name', 'text'],
] as const;

/**
 * COPY INTO <table> FROM 's3://…': lists the location with the statement's credentials, skips
 * files already loaded into the table (same path and ETag) unless FORCE = TRUE, downloads each
 * remaining file to a temp file, parses it with DuckDB and inserts the converted rows. The whole
 * COPY is one transaction, load history included, so an aborted COPY leaves no trace.
 */
/**
 * COPY statements into the same table run one after the other (per emulator), as Snowflake's table
 * lock for DML does: a COPY that starts while another is loading the same files waits, then finds
 * them in the load history and skips them — e.g. a retry racing the COPY of a client that died.
 */
const tableLocks = new WeakMap<object, Map<string, Promise<unknown>>>();

async function serialisedPerTable<T>(owner: object, table: string[], work: () => Promise<T>): Promise<T> {
  let locks = tableLocks.get(owner);
  if (!locks) tableLocks.set(owner, (locks = new Map()));
  const key = table.join('.').toUpperCase();
  const previous = locks.get(key) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(work);
  locks.set(key, current);
  try {
    return await current;
  } finally {
    if (locks.get(key) === current) locks.delete(key);
  }
}

export async function runCopyInto(ctx: StatementContext): Promise<QueryResult> {
  const { deps } = ctx;
  const copy = parseCopy(ctx.tokens, bindOptions(ctx.bindings));
  if (!deps.s3) {
    throw new SnowflakeError('091003', '22000', 'Failure using stage area. Cause: [the Snowflake emulator was started without an S3 endpoint]');
  }
  const table = fullTableName(ctx, copy.table, 'COPY');
  if (!(await relationExists(ctx, table, 'TABLE'))) throw objectDoesNotExist(table.join('.'));
  const target = await targetColumns(ctx, table, copy.columns);

  return serialisedPerTable(deps, table, () => copyFiles(ctx, copy, table, target));
}

async function copyFiles(ctx: StatementContext, copy: ReturnType<typeof parseCopy>, table: string[], target: TargetColumn[]): Promise<QueryResult> {
  const { deps, session } = ctx;
  const client = s3ClientFor(deps.s3!, copy.credentials);
  const workDir = await mkdtemp(join(tmpdir(), 'sf-emulator-copy-'));
  try {
    const candidates = await selectFiles(copy, () => listObjects(client, copy.bucket, copy.prefix).catch((e) => Promise.reject(stageError(e))));
    const loaded = copy.force ? new Map<string, Set<string>>() : await deps.loadHistory.loaded(session.conn, table);
    const todo = candidates.filter((o) => !loaded.get(fileUrl(copy, o))?.has(o.etag));
    if (todo.length === 0) return staticResult([['status', 'text']], [['Copy executed with 0 files processed.']], StatementType.DML);

    const rows: StaticValue[][] = [];
    await atomically(session, async () => {
      for (const [index, object] of todo.entries()) {
        const url = fileUrl(copy, object);
        const local = join(workDir, `${index}-${basename(object.key)}`);
        await downloadObject(client, copy.bucket, object.key, local).catch((e) => Promise.reject(stageError(e)));
        const staged = await stageFile(session.conn, local, copy, target);
        const result = await insertStaged(session.conn, staged, table, target, copy.onError, url, copy.format.skipHeader);
        if (result.status !== 'LOAD_FAILED') await deps.loadHistory.record(session.conn, table, url, object.etag, result.rowsLoaded);
        deps.logger.debug({ file: url, status: result.status, rows: result.rowsLoaded }, 'copy into: file processed');
        const e = result.firstError;
        rows.push([
          url,
          result.status,
          result.rowsParsed,
          result.rowsLoaded,
          result.errorLimit,
          result.errorsSeen,
          e?.message ?? null,
          e?.line ?? null,
          e?.character ?? null,
          e?.column ?? null,
        ]);
      }
      await session.conn.run('DROP TABLE IF EXISTS temp.main.__SF_COPY_STAGE');
    });
    return staticResult(
      RESULT_COLUMNS.map(([n, t]) => [n, t]),
      rows,
      StatementType.DML,
    );
  } finally {
    client.destroy();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The target's columns in load order: the COPY column list if given, else all table columns. */
async function targetColumns(ctx: StatementContext, table: string[], columns: string[] | null): Promise<TargetColumn[]> {
  const reader = await ctx.session.conn.runAndReadAll(
    `SELECT column_name, data_type, is_nullable FROM duckdb_columns()
     WHERE database_name = ${quoteString(table[0])} AND schema_name = ${quoteString(table[1])} AND table_name = ${quoteString(table[2])}
     ORDER BY column_index`,
  );
  const all = reader.getRows().map(([name, type, nullable]): TargetColumn => ({ name: String(name), type: String(type), nullable: Boolean(nullable) }));
  if (!columns) return all;
  return columns.map((c) => {
    const found = all.find((a) => a.name === c);
    if (!found) throw invalidIdentifier(c);
    return found;
  });
}

async function selectFiles(copy: CopyStatement, list: () => Promise<StagedObject[]>): Promise<StagedObject[]> {
  const objects = await list();
  const dir = copy.prefix === '' || copy.prefix.endsWith('/') ? copy.prefix : `${copy.prefix}/`;
  if (copy.files) {
    return copy.files.map((name) => {
      const key = name.startsWith(dir) ? name : `${dir}${name}`;
      const found = objects.find((o) => o.key === key);
      if (!found) {
        throw new SnowflakeError(
          '091016',
          '22000',
          `Remote file 's3://${copy.bucket}/${key}' was not found. If you are running a copy command, please make sure files are not deleted when they are being loaded or files are not being loaded into two different tables concurrently with auto purge option.`,
        );
      }
      return found;
    });
  }
  const pattern = copy.pattern;
  if (!pattern) return objects;
  // Snowflake matches PATTERN against the path below the location; the full key is accepted too.
  return objects.filter((o) => pattern.test(o.key) || pattern.test(o.key.slice(copy.prefix.length).replace(/^\//, '')));
}

function fileUrl(copy: CopyStatement, object: StagedObject): string {
  return `s3://${copy.bucket}/${object.key}`;
}
