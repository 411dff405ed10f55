import { type Token, isOp, isWord, matchParen } from './lexer.js';

/**
 * Snowflake type names → DuckDB storage types. Snowflake's integer types are all NUMBER(38,0);
 * BIGINT is the closest DuckDB type that every DuckDB function accepts as an integer. FLOAT is a
 * double in Snowflake but a 4-byte float in DuckDB, hence the explicit mapping.
 */
const SIMPLE: Record<string, string> = {
  INT: 'BIGINT',
  INTEGER: 'BIGINT',
  BIGINT: 'BIGINT',
  SMALLINT: 'BIGINT',
  TINYINT: 'BIGINT',
  BYTEINT: 'BIGINT',
  FLOAT: 'DOUBLE',
  FLOAT4: 'DOUBLE',
  FLOAT8: 'DOUBLE',
  DOUBLE: 'DOUBLE',
  REAL: 'DOUBLE',
  VARCHAR: 'VARCHAR',
  STRING: 'VARCHAR',
  TEXT: 'VARCHAR',
  CHAR: 'VARCHAR',
  CHARACTER: 'VARCHAR',
  NCHAR: 'VARCHAR',
  NVARCHAR: 'VARCHAR',
  NVARCHAR2: 'VARCHAR',
  BINARY: 'BLOB',
  VARBINARY: 'BLOB',
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
  DATE: 'DATE',
  TIME: 'TIME',
  DATETIME: 'TIMESTAMP',
  TIMESTAMP: 'TIMESTAMP',
  TIMESTAMP_NTZ: 'TIMESTAMP',
  TIMESTAMPNTZ: 'TIMESTAMP',
  TIMESTAMP_LTZ: 'TIMESTAMPTZ',
  TIMESTAMPLTZ: 'TIMESTAMPTZ',
  TIMESTAMP_TZ: 'TIMESTAMPTZ',
  TIMESTAMPTZ: 'TIMESTAMPTZ',
  VARIANT: 'JSON',
  OBJECT: 'JSON',
  ARRAY: 'JSON',
  JSON: 'JSON',
};

const DECIMALS = new Set(['NUMBER', 'NUMERIC', 'DECIMAL', 'DEC']);

export interface MappedType {
  sql: string;
  /** Index just past the last token of the type. */
  end: number;
}

/**
 * Reads a type name starting at tokens[start] (whitespace tokens allowed in between) and returns
 * the DuckDB spelling. Unknown names pass through upper-cased so DuckDB-native types still work.
 */
export function mapTypeAt(tokens: Token[], start: number): MappedType {
  const k = skipWs(tokens, start);
  const first = tokens[k];
  if (!first || (first.kind !== 'ident' && first.kind !== 'qident')) return { sql: '', end: start };
  let name = first.kind === 'qident' ? first.value.toUpperCase() : first.text.toUpperCase();
  let end = k + 1;

  // Multi-word spellings: DOUBLE PRECISION, CHARACTER VARYING, TIMESTAMP WITH[OUT] [LOCAL] TIME ZONE.
  const after = skipWs(tokens, end);
  if (name === 'DOUBLE' && isWord(tokens[after], 'PRECISION')) end = after + 1;
  else if ((name === 'CHARACTER' || name === 'CHAR') && isWord(tokens[after], 'VARYING')) end = after + 1;
  else if (name === 'TIMESTAMP' && isWord(tokens[after], 'WITH', 'WITHOUT')) {
    const words: string[] = [];
    let j = after;
    while (isWord(tokens[j], 'WITH', 'WITHOUT', 'LOCAL', 'TIME', 'ZONE')) {
      words.push(tokens[j].text.toUpperCase());
      end = j + 1;
      j = skipWs(tokens, j + 1);
    }
    name = words[0] === 'WITHOUT' ? 'TIMESTAMP_NTZ' : 'TIMESTAMP_TZ';
  }

  let args: string[] = [];
  const open = skipWs(tokens, end);
  if (isOp(tokens[open], '(')) {
    const close = matchParen(tokens, open);
    args = tokens
      .slice(open + 1, close)
      .filter((t) => t.kind === 'number')
      .map((t) => t.text);
    end = close + 1;
  }

  if (DECIMALS.has(name)) {
    const precision = Math.min(Number(args[0] ?? 38), 38);
    return { sql: `DECIMAL(${precision},${Number(args[1] ?? 0)})`, end };
  }
  const simple = SIMPLE[name];
  if (simple) return { sql: simple, end };
  const raw = tokens
    .slice(k, end)
    .map((t) => (t.kind === 'ident' ? t.text.toUpperCase() : t.text))
    .join('');
  return { sql: raw, end };
}

/** Maps a type written as plain text, e.g. from a bind or a COPY column list. */
export function mapTypeName(text: string): string {
  const k = text.trim().toUpperCase();
  const m = k.match(/^(\w+)\s*(?:\((\d+)(?:\s*,\s*(\d+))?\))?$/);
  if (m && DECIMALS.has(m[1])) return `DECIMAL(${Math.min(Number(m[2] ?? 38), 38)},${Number(m[3] ?? 0)})`;
  return (m && SIMPLE[m[1]]) || k;
}

export function skipWs(tokens: Token[], k: number): number {
  while (k < tokens.length && tokens[k].kind === 'ws') k++;
  return k;
}
