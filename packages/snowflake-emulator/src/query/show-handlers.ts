import { objectDoesNotExist } from '../errors/snowflake-error.js';
import { type QueryResult, type StaticValue, staticResult } from '../results/query-result.js';
import type { SnowflakeType } from '../results/rowtype.js';
import { snowflakeTypeName } from '../results/rowtype.js';
import { bindOptions } from '../sql/binds.js';
import { isWord, quoteString, significant } from '../sql/lexer.js';
import { readObjectName } from '../sql/object-name.js';
import { skipWs } from '../sql/types.js';
import type { StatementContext } from './context.js';
import { fullTableName, relationExists } from './ddl-handlers.js';

const EPOCH = new Date(0);

/**
 * SHOW TABLES / VIEWS / SCHEMAS / DATABASES with LIKE and IN, answered from DuckDB's catalog
 * functions with the leading columns Snowflake returns (created_on is not tracked by DuckDB).
 */
export async function showObjects(ctx: StatementContext): Promise<QueryResult> {
  const sig = significant(ctx.tokens);
  let i = 1;
  if (isWord(sig[i], 'TERSE')) i++;
  const what = sig[i]?.text.toUpperCase();
  i++;
  let like: string | null = null;
  if (isWord(sig[i], 'LIKE') && sig[i + 1]?.kind === 'string') {
    like = sig[i + 1].value;
    i += 2;
  }
  let scope: string[] = [];
  let scopeKind = '';
  if (isWord(sig[i], 'IN')) {
    const k = ctx.tokens.indexOf(sig[i + 1]);
    scopeKind = isWord(sig[i + 1], 'ACCOUNT', 'DATABASE', 'SCHEMA') ? sig[i + 1].text.toUpperCase() : '';
    const from = scopeKind ? skipWs(ctx.tokens, k + 1) : k;
    if (scopeKind !== 'ACCOUNT' && from < ctx.tokens.length) scope = readObjectName(ctx.tokens, from, bindOptions(ctx.bindings)).name;
  }
  const { session } = ctx;
  const likeSql = like === null ? '' : ` AND name ILIKE ${quoteString(like)}`;

  if (what === 'DATABASES') {
    const rows = (await ctx.deps.engine.databases())
      .filter((d) => like === null || new RegExp(`^${likeToRegex(like)}$`, 'i').test(d))
      .map((d): StaticValue[] => [EPOCH, d, 'N', d === session.database ? 'Y' : 'N', '', session.identity.role, '', '', '1', 'STANDARD']);
    return staticResult(cols('created_on:timestamp_ltz name is_default is_current origin owner comment options retention_time kind'), rows);
  }

  let database = session.database;
  let schema: string | null = null;
  if (scopeKind === 'DATABASE') database = scope[0] ?? session.database;
  else if (scopeKind === 'SCHEMA' || (!scopeKind && scope.length)) {
    database = scope.length > 1 ? scope[0] : session.database;
    schema = scope[scope.length - 1] ?? session.schema;
  } else if (!scopeKind && what !== 'SCHEMAS') schema = session.schema;
  const account = scopeKind === 'ACCOUNT';
  const databases = (await ctx.deps.engine.databases()).map(quoteString).join(', ') || "''";
  const where = (dbCol: string, schemaCol?: string) =>
    [account ? `${dbCol} IN (${databases})` : `${dbCol} = ${quoteString(database ?? '')}`, schema && schemaCol ? `${schemaCol} = ${quoteString(schema)}` : '']
      .filter(Boolean)
      .join(' AND ');

  if (what === 'SCHEMAS') {
    const sql = `SELECT schema_name AS name, database_name FROM duckdb_schemas() WHERE ${where('database_name')} AND schema_name <> 'main' AND NOT starts_with(schema_name, '__SF_')${likeSql.replace('name', 'schema_name')} ORDER BY 2, 1`;
    const rows = (await session.conn.runAndReadAll(sql))
      .getRows()
      .map(([name, db]): StaticValue[] => [
        EPOCH,
        String(name),
        'N',
        db === session.database && name === session.schema ? 'Y' : 'N',
        String(db),
        session.identity.role,
        '',
        '',
        '1',
      ]);
    return staticResult(cols('created_on:timestamp_ltz name is_default is_current database_name owner comment options retention_time'), rows);
  }

  const views = what === 'VIEWS';
  const sql = views
    ? `SELECT view_name AS name, database_name, schema_name, 0, 0 FROM duckdb_views() WHERE NOT internal AND NOT starts_with(schema_name, '__SF_') AND ${where('database_name', 'schema_name')}`
    : `SELECT table_name AS name, database_name, schema_name, estimated_size, 0 FROM duckdb_tables() WHERE NOT starts_with(schema_name, '__SF_') AND ${where('database_name', 'schema_name')}`;
  const rows = (await session.conn.runAndReadAll(`SELECT * FROM (${sql}) WHERE true${likeSql} ORDER BY 2, 3, 1`)).getRows();
  if (views) {
    return staticResult(
      cols('created_on:timestamp_ltz name reserved database_name schema_name owner comment text is_secure:boolean is_materialized:boolean'),
      rows.map(([name, db, sc]): StaticValue[] => [EPOCH, String(name), '', String(db), String(sc), session.identity.role, '', '', false, false]),
    );
  }
  return staticResult(
    cols('created_on:timestamp_ltz name database_name schema_name kind comment cluster_by rows:fixed bytes:fixed owner retention_time'),
    rows.map(([name, db, sc, size]): StaticValue[] => [
      EPOCH,
      String(name),
      String(db),
      String(sc),
      'TABLE',
      '',
      '',
      Number(size),
      0,
      session.identity.role,
      '1',
    ]),
  );
}

/** DESCRIBE TABLE: one row per column, in Snowflake's column layout. */
export async function describeTable(ctx: StatementContext): Promise<QueryResult> {
  let k = skipWs(ctx.tokens, 0);
  k = skipWs(ctx.tokens, k + 1);
  if (isWord(ctx.tokens[k], 'TABLE', 'VIEW')) k = skipWs(ctx.tokens, k + 1);
  const full = fullTableName(ctx, readObjectName(ctx.tokens, k, bindOptions(ctx.bindings)).name, 'DESCRIBE TABLE');
  if (!(await relationExists(ctx, full))) throw objectDoesNotExist(full.join('.'));
  const reader = await ctx.session.conn.runAndReadAll(
    `SELECT column_name, data_type, is_nullable, column_default FROM duckdb_columns()
     WHERE database_name = ${quoteString(full[0])} AND schema_name = ${quoteString(full[1])} AND table_name = ${quoteString(full[2])}
     ORDER BY column_index`,
  );
  const rows = reader
    .getRows()
    .map(([name, type, nullable, dflt]): StaticValue[] => [
      String(name),
      snowflakeTypeName(String(type)),
      'COLUMN',
      nullable ? 'Y' : 'N',
      dflt === null ? null : String(dflt),
      'N',
      'N',
      null,
      null,
      null,
      null,
    ]);
  return staticResult(cols('name type kind null? default primary_key unique_key check expression comment policy_name'), rows);
}

/** "a b:fixed" → [["a","text"],["b","fixed"]] */
function cols(spec: string): Array<[string, SnowflakeType]> {
  return spec.split(' ').map((c) => {
    const [name, type] = c.split(':');
    return [
      name.replace('primary_key', 'primary key').replace('unique_key', 'unique key').replace('policy_name', 'policy name'),
      (type ?? 'text') as SnowflakeType,
    ];
  });
}

function likeToRegex(like: string): string {
  return like
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
}
