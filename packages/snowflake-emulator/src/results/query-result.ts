import type { DuckDBResult } from '@duckdb/node-api';
import { encoderFor } from './encode-value.js';
import { type RowType, type SnowflakeType, rowType, rowTypeFor } from './rowtype.js';
import { epochString } from './encode-value.js';

/** Snowflake statement type ids (the SDK derives "rows affected" from the DML ones). */
export const StatementType = {
  SELECT: 0x1000,
  DML: 0x3000,
  INSERT: 0x3100,
  UPDATE: 0x3200,
  DELETE: 0x3300,
  MERGE: 0x3400,
  SCL: 0x4000,
  TCL: 0x5000,
  DDL: 0x6000,
} as const;

export interface ResultChunk {
  /** Rows as Snowflake serves chunk files: `[..],[..]` without the outer brackets. */
  text: string;
  rowCount: number;
}

export interface QueryResult {
  rowtype: RowType[];
  /** First rows, sent inline in the response. */
  rowset: Array<Array<string | null>>;
  /** Remaining rows, fetched by the SDK with GET from `data.chunks[].url`. */
  chunks: ResultChunk[];
  total: number;
  statementTypeId: number;
}

/**
 * Reads a DuckDB result chunk by chunk into Snowflake's shape: the first `chunkRows` rows inline,
 * the rest as pre-serialised chunk texts, so a large result is never held as JS row objects.
 */
export async function collectResult(
  result: DuckDBResult,
  chunkRows: number,
  quoted: ReadonlySet<string>,
  statementTypeId: number = StatementType.SELECT,
): Promise<QueryResult> {
  const count = result.columnCount;
  const rowtype: RowType[] = [];
  const encoders = [];
  for (let i = 0; i < count; i++) {
    const type = result.columnType(i);
    const alias = result.columnLogicalType(i).alias;
    rowtype.push(rowTypeFor(snowflakeColumnName(result.columnName(i), quoted), type, alias));
    encoders.push(encoderFor(type, alias));
  }
  const out: QueryResult = { rowtype, rowset: [], chunks: [], total: 0, statementTypeId };
  let pending: string[] = [];
  const flush = () => {
    if (pending.length) out.chunks.push({ text: pending.join(','), rowCount: pending.length });
    pending = [];
  };
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const columns = encoders.map((encode, i) => encode(chunk, i));
    for (let r = 0; r < chunk.rowCount; r++) {
      const row = columns.map((c) => c[r]);
      if (out.total < chunkRows) out.rowset.push(row);
      else {
        pending.push(JSON.stringify(row));
        if (pending.length >= chunkRows) flush();
      }
      out.total++;
    }
  }
  flush();
  return out;
}

/**
 * Snowflake upper-cases the text of unquoted select items; DuckDB keeps the spelling of the
 * function it bound (count_star(), range). Names the user quoted keep their case.
 */
export function snowflakeColumnName(name: string, quoted: ReadonlySet<string>): string {
  if (quoted.has(name)) return name;
  let upper = name.toUpperCase().replace(/COUNT_STAR\(\)/g, 'COUNT(*)');
  for (let at = upper.indexOf('SF_NZ('); at >= 0; at = upper.indexOf('SF_NZ(')) {
    let depth = 0;
    let end = at + 5;
    for (; end < upper.length; end++) {
      if (upper[end] === '(') depth++;
      else if (upper[end] === ')' && --depth === 0) break;
    }
    upper = upper.slice(0, at) + upper.slice(at + 6, end) + upper.slice(end + 1);
  }
  return upper;
}

export type StaticValue = string | number | bigint | boolean | Date | null | undefined;

/** A result built in JS, for SHOW/DESCRIBE/DDL/COPY outputs. */
export function staticResult(columns: Array<[string, SnowflakeType]>, rows: StaticValue[][], statementTypeId: number = StatementType.SELECT): QueryResult {
  const rowset = rows.map((row) => row.map((v, i) => encodeStatic(v, columns[i][1])));
  return { rowtype: columns.map(([name, type]) => rowType(name, type)), rowset, chunks: [], total: rowset.length, statementTypeId };
}

export function statusResult(message: string, statementTypeId: number = StatementType.DDL): QueryResult {
  return staticResult([['status', 'text']], [[message]], statementTypeId);
}

function encodeStatic(v: StaticValue, type: SnowflakeType): string | null {
  if (v === null || v === undefined) return null;
  if (type === 'boolean') return v ? '1' : '0';
  if (v instanceof Date) return epochString(BigInt(v.getTime()), 1000n);
  return String(v);
}
