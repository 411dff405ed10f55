import type { DuckDBConnection } from '@duckdb/node-api';
import { SnowflakeError } from '../errors/snowflake-error.js';
import { quoteIdent, quoteString } from '../sql/lexer.js';
import type { CopyStatement, FileFormat } from './parse-copy.js';

export const STAGE_TABLE = 'temp.main.__SF_COPY_STAGE';

export interface TargetColumn {
  name: string;
  /** DuckDB type as duckdb_columns() spells it. */
  type: string;
  nullable: boolean;
}

export interface ParseReject {
  line: number;
  code: string;
  message: string;
}

export interface StagedFile {
  /** Rows DuckDB parsed into the stage table. */
  rows: number;
  /** Rows the parser rejected (wrong field count, bad quoting), with their file line. */
  rejects: ParseReject[];
  /** One SQL expression per target column, over the stage table, yielding the raw field value. */
  values: string[];
}

/**
 * Parses one downloaded file into a temp stage table of raw values, the way Snowflake first
 * parses then converts: CSV fields stay text (conversion errors are found per row afterwards),
 * JSON documents stay JSON, Parquet keeps its native types.
 */
export async function stageFile(conn: DuckDBConnection, path: string, copy: CopyStatement, target: TargetColumn[]): Promise<StagedFile> {
  const { format } = copy;
  if (format.type === 'CSV') return stageCsv(conn, path, format, target.length);
  const compression = duckCompression(format.compression);
  if (format.type === 'JSON') {
    const jsonFormat = format.stripOuterArray ? 'array' : 'unstructured';
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE __SF_COPY_STAGE AS SELECT row_number() OVER () AS __SF_ROW, json AS __SF_V
       FROM read_json_objects(${quoteString(path)}, format = '${jsonFormat}', compression = '${compression === 'auto' ? 'auto_detect' : compression}')`,
    );
  } else {
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE __SF_COPY_STAGE AS SELECT row_number() OVER () AS __SF_ROW, to_json(p) AS __SF_V, p.* FROM read_parquet(${quoteString(path)}) p`,
    );
  }
  const rows = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${STAGE_TABLE}`)).getRows()[0][0]);
  return { rows, rejects: [], values: await semiStructuredValues(conn, copy, target) };
}

async function stageCsv(conn: DuckDBConnection, path: string, format: FileFormat, columnCount: number): Promise<StagedFile> {
  await conn.run('DROP TABLE IF EXISTS temp.main.__SF_REJECT_ERRORS');
  await conn.run('DROP TABLE IF EXISTS temp.main.__SF_REJECT_SCANS');
  const columns = Array.from({ length: columnCount }, (_, i) => `'C${i + 1}': 'VARCHAR'`).join(', ');
  const nulls = [...format.nullIf, ...(format.emptyFieldAsNull ? [''] : [])];
  // DuckDB treats an empty nullstr list as "no NULL markers" only via a marker that never occurs.
  const nullstr = (nulls.length ? nulls : ['\u0000']).map(quoteString).join(', ');
  const quote = format.enclosedBy ?? '';
  const options = [
    `columns = {${columns}}`,
    'header = false',
    `skip = ${format.skipHeader}`,
    `delim = ${quoteString(format.fieldDelimiter)}`,
    `quote = ${quoteString(quote)}`,
    `escape = ${quoteString(format.escape ?? quote)}`,
    `nullstr = [${nullstr}]`,
    'auto_detect = false',
    // Snowflake keeps "" as an empty string when fields are enclosed; only bare values match NULL_IF.
    'allow_quoted_nulls = false',
    `compression = '${duckCompression(format.compression)}'`,
    `null_padding = ${format.errorOnColumnCountMismatch ? 'false' : 'true'}`,
    'store_rejects = true',
    "rejects_table = '__SF_REJECT_ERRORS'",
    "rejects_scan = '__SF_REJECT_SCANS'",
  ];
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE __SF_COPY_STAGE AS SELECT row_number() OVER () AS __SF_ROW, * FROM read_csv(${quoteString(path)}, ${options.join(', ')})`,
  );
  const rows = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${STAGE_TABLE}`)).getRows()[0][0]);
  const rejected = await conn.runAndReadAll('SELECT line, error_type, error_message FROM temp.main.__SF_REJECT_ERRORS ORDER BY line');
  const rejects = rejected.getRows().map(([line, type, message]): ParseReject => {
    const found = String(message).match(/Expected Number of Columns: (\d+) Found: (\d+)/);
    if (found && /COLUMNS/.test(String(type))) {
      return {
        line: Number(line),
        code: '100080',
        message: `Number of columns in file (${found[2]}) does not match that of the corresponding table (${found[1]}), use file format option error_on_column_count_mismatch=false to ignore this error`,
      };
    }
    return { line: Number(line), code: '100016', message: String(message) };
  });
  const values = Array.from({ length: columnCount }, (_, i) => (format.trimSpace ? `trim(C${i + 1})` : `C${i + 1}`));
  return { rows, rejects, values };
}

/** JSON/Parquet → target columns: by name with MATCH_BY_COLUMN_NAME, else one VARIANT column. */
async function semiStructuredValues(conn: DuckDBConnection, copy: CopyStatement, target: TargetColumn[]): Promise<string[]> {
  if (copy.matchByColumnName === 'NONE') {
    if (target.length !== 1) {
      throw new SnowflakeError(
        '002023',
        '22000',
        `SQL compilation error:\n${copy.format.type} file format can produce one and only one column of type variant, object, or array. Load data into separate columns using the MATCH_BY_COLUMN_NAME copy option or copy with transformation.`,
      );
    }
    return ['__SF_V'];
  }
  const keys =
    copy.format.type === 'JSON'
      ? (await conn.runAndReadAll(`SELECT DISTINCT unnest(json_keys(__SF_V)) FROM ${STAGE_TABLE} WHERE json_type(__SF_V) = 'OBJECT'`)).getRows()
      : (await conn.runAndReadAll(`SELECT column_name FROM duckdb_columns() WHERE database_name = 'temp' AND table_name = '__SF_COPY_STAGE'`)).getRows();
  const names = keys.map(([k]) => String(k)).filter((k) => k !== '__SF_ROW' && k !== '__SF_V');
  const find = (column: string) =>
    copy.matchByColumnName === 'CASE_SENSITIVE' ? names.find((n) => n === column) : names.find((n) => n.toUpperCase() === column.toUpperCase());
  return target.map((c) => {
    const key = find(c.name);
    if (key === undefined) return 'NULL';
    if (copy.format.type === 'PARQUET') return quoteIdent(key);
    const path = quoteString(`$."${key.replace(/"/g, '\\"')}"`);
    return c.type === 'JSON' ? `json_extract(__SF_V, ${path})` : `json_extract_string(__SF_V, ${path})`;
  });
}

function duckCompression(compression: string): string {
  switch (compression) {
    case 'GZIP':
      return 'gzip';
    case 'ZSTD':
      return 'zstd';
    case 'NONE':
      return 'none';
    default:
      return 'auto';
  }
}
