import {
  SnowflakeError,
  databaseDoesNotExist,
  noCurrentDatabase,
  objectAlreadyExists,
  objectDoesNotExist,
  schemaDoesNotExist,
} from '../errors/snowflake-error.js';
import { type QueryResult, StatementType, statusResult } from '../results/query-result.js';
import { bindOptions } from '../sql/binds.js';
import { planCreateTable } from '../sql/create-table.js';
import { type Token, isOp, isWord, matchParen, quoteIdent, quoteString } from '../sql/lexer.js';
import { readObjectName } from '../sql/object-name.js';
import { translate } from '../sql/translate.js';
import { skipWs } from '../sql/types.js';
import type { StatementContext } from './context.js';

const OK = 'Statement executed successfully.';

/** A forward-only reader over a statement's tokens for the fixed-grammar DDL statements. */
class Words {
  k: number;
  constructor(
    readonly tokens: Token[],
    private readonly ctx: StatementContext,
  ) {
    this.k = skipWs(tokens, 0);
  }
  accept(...words: string[]): string | null {
    const t = this.tokens[this.k];
    if (!isWord(t, ...words)) return null;
    this.k = skipWs(this.tokens, this.k + 1);
    return t.text.toUpperCase();
  }
  acceptAll(...words: string[]): boolean {
    const start = this.k;
    for (const w of words) if (!this.accept(w)) return ((this.k = start), false);
    return true;
  }
  name(): string[] {
    const read = readObjectName(this.tokens, this.k, bindOptions(this.ctx.bindings));
    this.k = read.end;
    return read.name;
  }
}

/** Fully qualifies a table-level name, failing as Snowflake does without a current database/schema. */
export function fullTableName(ctx: StatementContext, parts: string[], action: string): string[] {
  const q = ctx.session.qualify(parts);
  if (!q.database) throw noCurrentDatabase(action);
  if (!q.schema)
    throw new SnowflakeError(
      '090106',
      '22000',
      `Cannot perform ${action}. This session does not have a current schema. Call 'USE SCHEMA', or use a qualified name.`,
    );
  return [q.database, q.schema, q.name];
}

export async function relationExists(ctx: StatementContext, full: string[], kind: 'TABLE' | 'VIEW' | 'ANY' = 'ANY'): Promise<boolean> {
  const where = `database_name = ${quoteString(full[0])} AND schema_name = ${quoteString(full[1])}`;
  const sources = kind === 'TABLE' ? ['tables'] : kind === 'VIEW' ? ['views'] : ['tables', 'views'];
  for (const source of sources) {
    const column = source === 'tables' ? 'table_name' : 'view_name';
    const reader = await ctx.session.conn.runAndReadAll(`SELECT 1 FROM duckdb_${source}() WHERE ${where} AND ${column} = ${quoteString(full[2])}`);
    if (reader.currentRowCount > 0) return true;
  }
  return false;
}

export async function useObject(ctx: StatementContext): Promise<QueryResult> {
  const w = new Words(ctx.tokens, ctx);
  w.accept('USE');
  const kind = w.accept('DATABASE', 'SCHEMA', 'WAREHOUSE', 'ROLE', 'SECONDARY');
  if (kind === 'SECONDARY') return statusResult(OK, StatementType.SCL);
  const name = w.name();
  const { session, deps } = ctx;
  if (kind === 'WAREHOUSE' || kind === 'ROLE') {
    await session.setValue(kind, name.join('.'));
  } else if (kind === 'DATABASE' || (!kind && name.length === 1)) {
    if (!(await deps.engine.databaseExists(name[0]))) throw doesNotExistForUse();
    const hasPublic = await deps.engine.schemaExists(name[0], 'PUBLIC');
    await session.use(name[0], hasPublic ? 'PUBLIC' : null);
  } else {
    const database = name.length > 1 ? name[name.length - 2] : session.database;
    const schema = name[name.length - 1];
    if (!database) throw noCurrentDatabase('USE SCHEMA');
    if (!(await deps.engine.schemaExists(database, schema))) throw doesNotExistForUse();
    await session.use(database, schema);
  }
  return statusResult(OK, StatementType.SCL);
}

const doesNotExistForUse = () => new SnowflakeError('002043', '02000', 'SQL compilation error:\nObject does not exist, or operation cannot be performed.');

export async function createObject(ctx: StatementContext, kind: 'TABLE' | 'VIEW' | 'DATABASE' | 'SCHEMA'): Promise<QueryResult> {
  if (kind === 'TABLE') return createTable(ctx);
  const w = new Words(ctx.tokens, ctx);
  w.accept('CREATE');
  const orReplace = w.acceptAll('OR', 'REPLACE');
  while (w.accept('TRANSIENT', 'SECURE', 'RECURSIVE', 'LOCAL', 'GLOBAL', 'TEMP', 'TEMPORARY', 'VOLATILE', 'MATERIALIZED'));
  w.accept(kind);
  const ifNotExists = w.acceptAll('IF', 'NOT', 'EXISTS');
  const name = w.name();
  const { engine } = ctx.deps;
  const { session } = ctx;

  if (kind === 'DATABASE') {
    const db = name[0];
    const exists = await engine.databaseExists(db);
    if (exists && ifNotExists) return statusResult(`${db} already exists, statement succeeded.`);
    if (exists && !orReplace) throw objectAlreadyExists(db);
    await engine.createDatabase(db, orReplace);
    if (w.accept('CLONE')) {
      const source = w.name()[0];
      if (!(await engine.databaseExists(source))) throw databaseDoesNotExist(source);
      await session.conn.run(`COPY FROM DATABASE ${quoteIdent(source)} TO ${quoteIdent(db)}`);
    }
    // Like Snowflake, a new database becomes the session's current database.
    await session.use(db, 'PUBLIC');
    return statusResult(`Database ${db} successfully created.`);
  }

  if (kind === 'SCHEMA') {
    const database = name.length > 1 ? name[0] : session.database;
    if (!database) throw noCurrentDatabase('CREATE SCHEMA');
    if (!(await engine.databaseExists(database))) throw databaseDoesNotExist(database);
    const schema = name[name.length - 1];
    const target = `${quoteIdent(database)}.${quoteIdent(schema)}`;
    const exists = await engine.schemaExists(database, schema);
    if (exists && ifNotExists) return statusResult(`${schema} already exists, statement succeeded.`);
    if (exists && !orReplace) throw objectAlreadyExists(schema);
    if (exists) {
      await session.conn.run(`DROP SCHEMA ${target} CASCADE`);
      await ctx.deps.loadHistory.forgetSchema(session.conn, database, schema);
    }
    await session.conn.run(`CREATE SCHEMA ${target}`);
    await session.use(database, schema);
    return statusResult(`Schema ${schema} successfully created.`);
  }

  // VIEW: Snowflake's options (SECURE, COMMENT = '…', COPY GRANTS) have no DuckDB equivalent.
  const full = fullTableName(ctx, name, 'CREATE VIEW');
  let columns = '';
  if (isOp(ctx.tokens[w.k], '(')) {
    const close = matchParen(ctx.tokens, w.k);
    columns = ` (${translate(ctx.tokens, bindOptions(ctx.bindings), w.k + 1, close)})`;
  }
  const as = ctx.tokens.findIndex((t, i) => i >= w.k && isWord(t, 'AS'));
  if (as < 0) throw new SnowflakeError('001003', '42000', 'SQL compilation error:\nsyntax error: CREATE VIEW without AS.');
  const query = translate(ctx.tokens, bindOptions(ctx.bindings, -1, ctx.quoted), as + 1);
  const head = `CREATE${orReplace ? ' OR REPLACE' : ''} VIEW${ifNotExists ? ' IF NOT EXISTS' : ''}`;
  await session.conn.run(`${head} ${full.map(quoteIdent).join('.')}${columns} AS ${query}`);
  return statusResult(`View ${full[2]} successfully created.`);
}

async function createTable(ctx: StatementContext): Promise<QueryResult> {
  let full: string[] = [];
  const plan = planCreateTable(ctx.tokens, bindOptions(ctx.bindings, -1, ctx.quoted), (parts) => (full = fullTableName(ctx, parts, 'CREATE TABLE')));
  const exists = await relationExists(ctx, full);
  if (exists && plan.ifNotExists) return statusResult(`${full[2]} already exists, statement succeeded.`);
  for (const sql of plan.statements) {
    ctx.deps.logger.debug({ sql }, 'duckdb create table');
    await ctx.session.conn.run(sql);
  }
  await ctx.deps.loadHistory.forgetTable(ctx.session.conn, full);
  if (plan.temporary) ctx.session.temporaryTables.push(full);
  return statusResult(`Table ${full[2]} successfully created.`);
}

export async function dropObject(ctx: StatementContext, kind: 'TABLE' | 'VIEW' | 'DATABASE' | 'SCHEMA'): Promise<QueryResult> {
  const w = new Words(ctx.tokens, ctx);
  w.accept('DROP');
  w.accept(kind);
  const ifExists = w.acceptAll('IF', 'EXISTS');
  const name = w.name();
  const { engine, loadHistory } = ctx.deps;
  const { session } = ctx;
  const alreadyDropped = (n: string) => statusResult(`Drop statement executed successfully (${n} already dropped).`);

  if (kind === 'DATABASE') {
    const db = name[0];
    if (!(await engine.databaseExists(db))) {
      if (ifExists) return alreadyDropped(db);
      throw databaseDoesNotExist(db);
    }
    if (session.database === db) await session.use(null, null);
    await engine.dropDatabase(db);
    return statusResult(`${db} successfully dropped.`);
  }
  if (kind === 'SCHEMA') {
    const database = name.length > 1 ? name[0] : session.database;
    const schema = name[name.length - 1];
    if (!database || !(await engine.schemaExists(database, schema))) {
      if (ifExists) return alreadyDropped(schema);
      throw schemaDoesNotExist(database ? `${database}.${schema}` : schema);
    }
    await session.conn.run(`DROP SCHEMA ${quoteIdent(database)}.${quoteIdent(schema)} CASCADE`);
    await loadHistory.forgetSchema(session.conn, database, schema);
    if (session.database === database && session.schema === schema) await session.use(database, null);
    return statusResult(`${schema} successfully dropped.`);
  }
  const full = fullTableName(ctx, name, `DROP ${kind}`);
  if (!(await relationExists(ctx, full, kind))) {
    if (ifExists) return alreadyDropped(full[2]);
    throw objectDoesNotExist(full.join('.'));
  }
  await session.conn.run(`DROP ${kind} ${full.map(quoteIdent).join('.')}${w.accept('CASCADE') ? ' CASCADE' : ''}`);
  if (kind === 'TABLE') await loadHistory.forgetTable(session.conn, full);
  return statusResult(`${full[2]} successfully dropped.`);
}

/** TRUNCATE keeps the table but, as in Snowflake, also forgets its COPY load history. */
export async function truncateTable(ctx: StatementContext): Promise<QueryResult> {
  const w = new Words(ctx.tokens, ctx);
  w.accept('TRUNCATE');
  w.accept('TABLE');
  const ifExists = w.acceptAll('IF', 'EXISTS');
  const full = fullTableName(ctx, w.name(), 'TRUNCATE TABLE');
  if (!(await relationExists(ctx, full, 'TABLE'))) {
    if (ifExists) return statusResult(OK);
    throw objectDoesNotExist(full.join('.'));
  }
  await ctx.session.conn.run(`DELETE FROM ${full.map(quoteIdent).join('.')}`);
  await ctx.deps.loadHistory.forgetTable(ctx.session.conn, full);
  return statusResult(OK);
}
