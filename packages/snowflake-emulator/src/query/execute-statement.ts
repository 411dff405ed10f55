import { runCopyInto } from '../copy/run-copy.js';
import { mapDuckDbError } from '../errors/map-duckdb-error.js';
import { SnowflakeError } from '../errors/snowflake-error.js';
import { type QueryResult, StatementType, collectResult, staticResult, statusResult } from '../results/query-result.js';
import { arrayBindRows, bindOptions, singleValuesGroup } from '../sql/binds.js';
import { SqlSyntaxError, type Token, isWord, quoteIdent, significant } from '../sql/lexer.js';
import { readObjectName } from '../sql/object-name.js';
import { translate } from '../sql/translate.js';
import { mapTypeAt, skipWs } from '../sql/types.js';
import type { StatementContext } from './context.js';
import { createObject, dropObject, fullTableName, truncateTable, useObject } from './ddl-handlers.js';
import { describeTable, showObjects } from './show-handlers.js';
import { atomically } from './transaction.js';

const ACCEPTED_NO_OPS = ['WAREHOUSE', 'ROLE', 'USER', 'RESOURCE', 'NETWORK', 'INTEGRATION', 'STORAGE', 'TAG', 'MASKING'];

/**
 * Runs one Snowflake statement on the session's DuckDB connection and returns it in Snowflake's
 * result shape. Statements Snowflake handles at the service layer (USE, SHOW, DESCRIBE, COPY,
 * database and schema DDL) have their own handlers; everything else is translated and run.
 */
export async function executeStatement(ctx: StatementContext): Promise<QueryResult> {
  try {
    return await dispatch(ctx);
  } catch (err) {
    if (err instanceof SqlSyntaxError) {
      const near = ctx.tokens.find((t) => t.pos >= err.pos && t.kind !== 'ws')?.text ?? '<EOF>';
      throw new SnowflakeError('001003', '42000', `SQL compilation error:\nsyntax error line 1 at position ${err.pos} unexpected '${near}'.`);
    }
    throw mapDuckDbError(err);
  }
}

async function dispatch(ctx: StatementContext): Promise<QueryResult> {
  const words = significant(ctx.tokens)
    .slice(0, 8)
    .map((t) => (t.kind === 'ident' ? t.text.toUpperCase() : t.text));
  const [w0, w1] = words;
  const objectKind = words.slice(1).find((w) => ['TABLE', 'VIEW', 'DATABASE', 'SCHEMA', 'SEQUENCE', 'STAGE', 'FORMAT', ...ACCEPTED_NO_OPS].includes(w));

  switch (w0) {
    case 'USE':
      return useObject(ctx);
    case 'SHOW':
      return showObjects(ctx);
    case 'DESC':
    case 'DESCRIBE':
      if (w1 === 'TABLE' || w1 === 'VIEW' || (w1 !== 'RESULT' && words.length <= 4)) return describeTable(ctx);
      break;
    case 'COPY':
      return runCopyInto(ctx);
    case 'GRANT':
    case 'REVOKE':
      return statusResult('Statement executed successfully.');
    case 'ALTER':
      if (w1 === 'SESSION') return alterSession(ctx);
      if (objectKind && ACCEPTED_NO_OPS.includes(objectKind)) return statusResult('Statement executed successfully.');
      if (w1 === 'TABLE') {
        const sql = alterTableSql(ctx);
        return sql ? runStatus(ctx, sql, 'Statement executed successfully.') : statusResult('Statement executed successfully.');
      }
      break;
    case 'CREATE':
      if (objectKind && ACCEPTED_NO_OPS.includes(objectKind)) return statusResult(`${objectKind} successfully created.`);
      if (objectKind === 'TABLE' || objectKind === 'DATABASE' || objectKind === 'SCHEMA' || objectKind === 'VIEW') return createObject(ctx, objectKind);
      break;
    case 'DROP':
      if (objectKind && ACCEPTED_NO_OPS.includes(objectKind)) return statusResult(`${objectKind} successfully dropped.`);
      if (objectKind === 'TABLE' || objectKind === 'DATABASE' || objectKind === 'SCHEMA' || objectKind === 'VIEW') return dropObject(ctx, objectKind);
      break;
    case 'TRUNCATE':
      return truncateTable(ctx);
    case 'BEGIN':
    case 'START':
    case 'COMMIT':
    case 'ROLLBACK':
      return transactionControl(ctx, w0);
    case 'INSERT':
    case 'UPDATE':
    case 'DELETE':
    case 'MERGE':
      return runDml(ctx, w0);
  }
  if (w0 === 'CREATE' || w0 === 'DROP' || w0 === 'ALTER' || w0 === 'COMMENT') {
    return runStatus(ctx, translate(ctx.tokens, bindOptions(ctx.bindings, -1, ctx.quoted)), 'Statement executed successfully.');
  }
  return runQuery(ctx, translate(ctx.tokens, bindOptions(ctx.bindings, -1, ctx.quoted)));
}

export async function runQuery(ctx: StatementContext, sql: string): Promise<QueryResult> {
  ctx.deps.logger.debug({ sql }, 'duckdb query');
  const result = await ctx.session.conn.stream(sql);
  return collectResult(result, ctx.deps.chunkRows, ctx.quoted);
}

export async function runStatus(ctx: StatementContext, sql: string, message: string, statementTypeId: number = StatementType.DDL): Promise<QueryResult> {
  ctx.deps.logger.debug({ sql }, 'duckdb statement');
  await ctx.session.conn.run(sql);
  return statusResult(message, statementTypeId);
}

const DML_COLUMNS: Record<string, { columns: string[]; type: number }> = {
  INSERT: { columns: ['number of rows inserted'], type: StatementType.INSERT },
  UPDATE: { columns: ['number of rows updated', 'number of multi-joined rows updated'], type: StatementType.UPDATE },
  DELETE: { columns: ['number of rows deleted'], type: StatementType.DELETE },
};

/** INSERT/UPDATE/DELETE/MERGE, reported as Snowflake's "number of rows …" result. */
async function runDml(ctx: StatementContext, verb: string): Promise<QueryResult> {
  const sig = significant(ctx.tokens);
  // INSERT OVERWRITE INTO t …: empty the table, then insert, in one transaction.
  const overwrite = verb === 'INSERT' && isWord(sig[1], 'OVERWRITE');
  const tokens = overwrite ? ctx.tokens.filter((t) => t !== sig[1]) : ctx.tokens;
  const rows = arrayBindRows(ctx.bindings);
  const group = rows > 0 ? singleValuesGroup(tokens) : null;
  const statements: string[] = [];
  if (overwrite) {
    const into = tokens.findIndex((t) => isWord(t, 'INTO'));
    const table = fullTableName(ctx, readObjectName(tokens, into + 1, bindOptions(ctx.bindings)).name, 'INSERT');
    statements.push(`DELETE FROM ${table.map(quoteIdent).join('.')}`);
  }
  if (rows === 0) statements.push(translate(tokens, bindOptions(ctx.bindings, -1, ctx.quoted)));
  else if (group) {
    // executemany on INSERT … VALUES (?, ?): one statement with a VALUES row per bind row.
    const head = translate(tokens, bindOptions(ctx.bindings, 0), 0, group.open);
    const values = Array.from({ length: rows }, (_, r) => translate(tokens, bindOptions(ctx.bindings, r), group.open, group.close + 1));
    statements.push(`${head}${values.join(',\n')}`);
  } else {
    for (let r = 0; r < rows; r++) statements.push(translate(tokens, bindOptions(ctx.bindings, r)));
  }

  if (verb === 'MERGE') return runMerge(ctx, statements);
  const count = await atomically(ctx.session, async () => {
    let changed = 0;
    for (const [i, sql] of statements.entries()) {
      ctx.deps.logger.debug({ sql }, 'duckdb dml');
      const result = await ctx.session.conn.run(sql);
      if (!(overwrite && i === 0)) changed += result.rowsChanged;
    }
    return changed;
  });
  const shape = DML_COLUMNS[verb];
  const row = shape.columns.map((_, i) => (i === 0 ? count : 0));
  return staticResult(
    shape.columns.map((c) => [c, 'fixed']),
    [row],
    shape.type,
  );
}

/** Snowflake reports a MERGE per action present in the statement; DuckDB tells us via merge_action. */
async function runMerge(ctx: StatementContext, statements: string[]): Promise<QueryResult> {
  const counts = { INSERT: 0, UPDATE: 0, DELETE: 0 };
  for (const sql of statements) {
    const reader = await ctx.session.conn.runAndReadAll(`${sql} RETURNING merge_action`);
    for (const [action] of reader.getRows()) counts[String(action) as keyof typeof counts]++;
  }
  const text = significant(ctx.tokens).map((t) => t.text.toUpperCase());
  const has = (action: string) => text.some((w, i) => w === 'THEN' && text[i + 1] === action);
  const columns: Array<[string, 'fixed']> = [];
  const row: number[] = [];
  for (const [action, label] of [
    ['INSERT', 'inserted'],
    ['UPDATE', 'updated'],
    ['DELETE', 'deleted'],
  ] as const) {
    if (!has(action)) continue;
    columns.push([`number of rows ${label}`, 'fixed']);
    row.push(counts[action]);
  }
  return staticResult(columns, [row], StatementType.MERGE);
}

/** BEGIN/COMMIT/ROLLBACK. Like Snowflake, COMMIT or ROLLBACK without a transaction is a no-op. */
async function transactionControl(ctx: StatementContext, verb: string): Promise<QueryResult> {
  const { session } = ctx;
  const begin = verb === 'BEGIN' || verb === 'START';
  try {
    if (begin && !session.inTransaction) await session.conn.run('BEGIN TRANSACTION');
    if (!begin && session.inTransaction) await session.conn.run(verb === 'COMMIT' ? 'COMMIT' : 'ROLLBACK');
  } finally {
    // A failed COMMIT still ends the transaction in DuckDB.
    if (!begin) session.inTransaction = false;
  }
  session.inTransaction = begin;
  return statusResult('Statement executed successfully.', StatementType.TCL);
}

/** ALTER SESSION SET k = v [, k = v]: kept on the session; MULTI_STATEMENT_COUNT is honoured. */
async function alterSession(ctx: StatementContext): Promise<QueryResult> {
  const sig = significant(ctx.tokens);
  const unset = isWord(sig[2], 'UNSET');
  for (let i = 3; i < sig.length; i++) {
    if (sig[i].kind !== 'ident') continue;
    const key = sig[i].text.toUpperCase();
    if (unset) ctx.session.parameters.delete(key);
    else if (sig[i + 1]?.text === '=' && sig[i + 2]) {
      ctx.session.parameters.set(key, sig[i + 2].value.toUpperCase());
      i += 2;
    }
  }
  return statusResult('Statement executed successfully.', StatementType.SCL);
}

/**
 * ALTER TABLE … ADD [COLUMN] name TYPE needs the type mapped. Adding a constraint is a no-op
 * (null): Snowflake does not enforce PRIMARY KEY/UNIQUE/FOREIGN KEY.
 */
function alterTableSql(ctx: StatementContext): string | null {
  const t: Token[] = ctx.tokens;
  const opts = bindOptions(ctx.bindings, -1, ctx.quoted);
  const add = t.findIndex((x) => isWord(x, 'ADD'));
  if (add < 0) return translate(t, opts);
  let k = skipWs(t, add + 1);
  if (isWord(t[k], 'COLUMN')) k = skipWs(t, k + 1);
  if (isWord(t[k], 'IF')) k = skipWs(t, skipWs(t, skipWs(t, k + 1) + 1) + 1);
  if (isWord(t[k], 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN')) return null;
  const type = mapTypeAt(t, k + 1);
  return `${translate(t, opts, 0, k + 1)} ${type.sql} ${translate(t, opts, type.end)}`;
}
