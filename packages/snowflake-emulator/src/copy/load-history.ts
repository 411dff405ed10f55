import type { DuckDBConnection } from '@duckdb/node-api';
import { INTERNAL_SCHEMA } from '../engine/duck-engine.js';
import { quoteIdent, quoteString } from '../sql/lexer.js';

/**
 * Snowflake's per-table load metadata: which files (by path and ETag) a COPY INTO already
 * loaded, so that re-running the same COPY skips them. It lives in the table's own database
 * because a DuckDB transaction may write to one attached database only: recorded in the COPY's
 * transaction, it commits or rolls back with the rows. Like Snowflake, dropping, re-creating or
 * truncating the table forgets it (and DROP DATABASE takes it along).
 */
export class LoadHistory {
  async loaded(conn: DuckDBConnection, table: string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (!(await this.exists(conn, table[0]))) return out;
    const reader = await conn.runAndReadAll(`SELECT FILE, ETAG FROM ${historyTable(table[0])} WHERE TABLE_NAME = ${quoteString(key(table))}`);
    for (const [file, etag] of reader.getRows()) {
      const set = out.get(String(file)) ?? new Set<string>();
      set.add(String(etag));
      out.set(String(file), set);
    }
    return out;
  }

  async record(conn: DuckDBConnection, table: string[], file: string, etag: string, rows: number): Promise<void> {
    await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(table[0])}.${quoteIdent(INTERNAL_SCHEMA)}`);
    await conn.run(
      `CREATE TABLE IF NOT EXISTS ${historyTable(table[0])} (TABLE_NAME VARCHAR, FILE VARCHAR, ETAG VARCHAR, ROWS_LOADED BIGINT, LOADED_AT TIMESTAMPTZ)`,
    );
    await conn.run(`INSERT INTO ${historyTable(table[0])} VALUES (${quoteString(key(table))}, ${quoteString(file)}, ${quoteString(etag)}, ${rows}, now())`);
  }

  async forgetTable(conn: DuckDBConnection, table: string[]): Promise<void> {
    if (await this.exists(conn, table[0])) await conn.run(`DELETE FROM ${historyTable(table[0])} WHERE TABLE_NAME = ${quoteString(key(table))}`);
  }

  /** Forgets every table of a schema. */
  async forgetSchema(conn: DuckDBConnection, database: string, schema: string): Promise<void> {
    if (!(await this.exists(conn, database))) return;
    await conn.run(`DELETE FROM ${historyTable(database)} WHERE starts_with(TABLE_NAME, ${quoteString(key([database, schema]) + '.')})`);
  }

  private async exists(conn: DuckDBConnection, database: string): Promise<boolean> {
    const reader = await conn.runAndReadAll(
      `SELECT 1 FROM duckdb_tables() WHERE database_name = ${quoteString(database)} AND schema_name = '${INTERNAL_SCHEMA}' AND table_name = 'LOAD_HISTORY'`,
    );
    return reader.currentRowCount > 0;
  }
}

function historyTable(database: string): string {
  return `${quoteIdent(database)}.${quoteIdent(INTERNAL_SCHEMA)}."LOAD_HISTORY"`;
}

function key(parts: string[]): string {
  return parts.map(quoteIdent).join('.');
}
