import { OperatorError, type Operator, type OperatorContext } from '../operator.js';
import { bindStatement } from './binds.js';
import { connectSnowflake, type SnowflakeRow } from './client.js';
import { snowflakeConnectionId } from './connection-id.js';
import { redactSql } from './redact.js';
import { fitRows } from './xcom-size.js';

/** Rows of the last statement kept in the XCom. */
export const MAX_XCOM_ROWS = 100;

/** The return_value of snowflake.sql. */
export interface SqlResult {
  statements: number;
  /** The first ≤ 100 rows of the last statement (fewer if they exceed the XCom budget). */
  rows: SnowflakeRow[];
  /** The last statement's full row count. */
  rowCount: number;
  /** Present and true when rows were dropped to keep the XCom under 64 KiB. */
  truncated?: boolean;
}

interface SqlParams {
  connection?: string;
  sql: string | string[];
  binds?: unknown[] | Record<string, unknown>;
}

function statementsOf(p: SqlParams): string[] {
  const list = typeof p.sql === 'string' ? [p.sql] : p.sql;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw new OperatorError('snowflake.sql needs with.sql: a statement or a non-empty list of statements', false);
  }
  if (p.binds !== undefined && (typeof p.binds !== 'object' || p.binds === null)) throw new OperatorError('with.binds must be an array or an object', false);
  return list;
}

/** The statement for the log: one line, CREDENTIALS clauses masked, at most 200 characters. */
const preview = (sql: string) => {
  const flat = redactSql(sql).replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
};

/**
 * Runs SQL statements in order in one session (so USE, temporary tables and transactions carry
 * over), each string being one statement. Binds: an array binds `?` / `:n` positionally in every
 * statement that has placeholders; an object binds `:name` placeholders by name.
 */
export const snowflakeSqlOperator: Operator<'snowflake.sql'> = {
  type: 'snowflake.sql',
  async execute(ctx: OperatorContext): Promise<SqlResult> {
    const p = ctx.params as unknown as SqlParams;
    const statements = statementsOf(p).map((sql, i) => {
      try {
        return bindStatement(sql, p.binds);
      } catch (err) {
        throw new OperatorError(`statement ${i + 1}: ${(err as Error).message}`, false);
      }
    });
    const conn = await ctx.connection(snowflakeConnectionId(ctx, p.connection), 'snowflake');
    const session = await connectSnowflake(conn, { signal: ctx.signal });
    try {
      let last = { rows: [] as SnowflakeRow[], rowCount: 0 };
      for (const [i, s] of statements.entries()) {
        const label = `statement ${i + 1} of ${statements.length}`;
        ctx.log('info', `${label}: ${preview(s.sql)}${s.binds ? ` (${s.binds.length} binds)` : ''}`);
        const started = Date.now();
        last = await session.executeHead(s.sql, s.binds, MAX_XCOM_ROWS, { label });
        ctx.log('info', `${label}: ${last.rowCount} row(s) in ${Date.now() - started} ms`);
      }
      const fitted = fitRows(last.rows);
      if (fitted.truncated) ctx.log('warn', `kept ${fitted.rows.length} of the last statement's rows in the XCom (64 KiB limit)`);
      return { statements: statements.length, rows: fitted.rows, rowCount: last.rowCount, ...(fitted.truncated && { truncated: true }) };
    } finally {
      await session.close().catch(() => undefined);
    }
  },
};
