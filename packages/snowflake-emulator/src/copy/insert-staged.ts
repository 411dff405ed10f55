import type { DuckDBConnection } from '@duckdb/node-api';
import { SnowflakeError, conversionError } from '../errors/snowflake-error.js';
import { quoteIdent } from '../sql/lexer.js';
import type { OnError } from './parse-copy.js';
import { STAGE_TABLE, type StagedFile, type TargetColumn } from './stage-file.js';

export type FileStatus = 'LOADED' | 'PARTIALLY_LOADED' | 'LOAD_FAILED';

export interface FileLoadResult {
  status: FileStatus;
  rowsParsed: number;
  rowsLoaded: number;
  errorLimit: number;
  errorsSeen: number;
  firstError: { message: string; line: number; character: number; column: string | null } | null;
}

interface RowError {
  code: string;
  sqlState: string;
  message: string;
  line: number;
  row: number;
  column: number;
}

/**
 * Converts the staged raw values to the target column types and inserts the good rows, applying
 * ON_ERROR as Snowflake does: ABORT_STATEMENT fails the COPY on the first bad row,
 * SKIP_FILE[_n[%]] loads nothing from a file with too many bad rows, CONTINUE loads the rest.
 */
export async function insertStaged(
  conn: DuckDBConnection,
  staged: StagedFile,
  table: string[],
  target: TargetColumn[],
  onError: OnError,
  fileUrl: string,
  skipHeader: number,
): Promise<FileLoadResult> {
  const converted = target.map((c, i) => (c.type === 'VARCHAR' ? staged.values[i] : `TRY_CAST(${staged.values[i]} AS ${c.type})`));
  const bad = target.map((c, i) => {
    const conversion = c.type === 'VARCHAR' ? 'FALSE' : `(${staged.values[i]} IS NOT NULL AND ${converted[i]} IS NULL)`;
    return c.nullable ? conversion : `(${conversion} OR ${staged.values[i]} IS NULL)`;
  });
  const errorColumn = target.length ? `CASE ${bad.map((b, i) => `WHEN ${b} THEN ${i + 1}`).join(' ')} ELSE 0 END` : '0';
  const rawValue = target.length ? `CASE __SF_E ${staged.values.map((v, i) => `WHEN ${i + 1} THEN CAST(${v} AS VARCHAR)`).join(' ')} END` : 'NULL';
  const checked = `(SELECT *, ${errorColumn} AS __SF_E FROM ${STAGE_TABLE})`;

  const counts = await conn.runAndReadAll(`SELECT count(*) FILTER (WHERE __SF_E > 0) FROM ${checked}`);
  const badRows = Number(counts.getRows()[0][0]);
  const errors: RowError[] = staged.rejects.map((r) => ({ code: r.code, sqlState: '22000', message: r.message, line: r.line, row: 0, column: 0 }));
  if (badRows > 0) {
    const first = await conn.runAndReadAll(`SELECT __SF_ROW, __SF_E, ${rawValue} FROM ${checked} WHERE __SF_E > 0 ORDER BY __SF_ROW LIMIT 1`);
    const [row, column, value] = first.getRows()[0];
    const col = target[Number(column) - 1];
    const err =
      value === null && !col.nullable
        ? new SnowflakeError('100072', '22000', 'NULL result in a non-nullable column')
        : conversionError(col.type, String(value));
    errors.push({ code: err.code, sqlState: err.sqlState, message: err.message, line: Number(row) + skipHeader, row: Number(row), column: Number(column) });
  }
  errors.sort((a, b) => a.line - b.line);

  const rowsParsed = staged.rows + staged.rejects.length;
  const errorsSeen = staged.rejects.length + badRows;
  const first = errors[0] ?? null;
  const columnName = (e: RowError) => (e.column ? `"${table[table.length - 1]}"["${target[e.column - 1].name}":${e.column}]` : null);

  if (errorsSeen > 0 && onError.mode === 'ABORT_STATEMENT' && first) {
    throw new SnowflakeError(
      first.code,
      first.sqlState,
      `${first.message}\n  File '${fileUrl}', line ${first.line}, character 1\n  Row ${first.row || first.line - skipHeader}` +
        `${first.column ? `, column ${columnName(first)}` : ''}\n  If you would like to continue loading when an error is encountered, ` +
        `use other values such as 'SKIP_FILE' or 'CONTINUE' for the ON_ERROR option. For more information on loading options, please run 'info loading_data' in a SQL client.`,
    );
  }
  const limit = onError.mode === 'CONTINUE' ? rowsParsed : onError.percent ? Math.ceil((onError.limit / 100) * rowsParsed) : onError.limit;
  const skipFile = onError.mode === 'SKIP_FILE' && errorsSeen > 0 && errorsSeen >= limit;

  let rowsLoaded = 0;
  if (!skipFile) {
    const columns = target.map((c) => quoteIdent(c.name)).join(', ');
    const result = await conn.run(
      `INSERT INTO ${table.map(quoteIdent).join('.')} (${columns}) SELECT ${converted.join(', ')} FROM ${checked} WHERE __SF_E = 0 ORDER BY __SF_ROW`,
    );
    rowsLoaded = result.rowsChanged;
  }
  return {
    status: errorsSeen === 0 ? 'LOADED' : rowsLoaded > 0 ? 'PARTIALLY_LOADED' : 'LOAD_FAILED',
    rowsParsed,
    rowsLoaded,
    errorLimit: onError.mode === 'ABORT_STATEMENT' ? 1 : limit,
    errorsSeen,
    firstError: first ? { message: first.message, line: first.line, character: 1, column: columnName(first) } : null,
  };
}
