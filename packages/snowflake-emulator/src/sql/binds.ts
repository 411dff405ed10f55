import { SnowflakeError } from '../errors/snowflake-error.js';
import { type Token, isOp, isWord, matchParen, quoteString } from './lexer.js';
import type { TranslateOptions } from './translate.js';

/** One entry of the query-request `bindings` map: `{"1": {type: "TEXT", value: "a"}}`. */
export interface Bind {
  type: string;
  value: string | null | Array<string | null>;
}
export type Bindings = Record<string, Bind>;

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Binds are inlined as DuckDB literals rather than passed as prepared-statement parameters: a
 * string literal is implicitly castable to any column type in DuckDB, which matches how
 * Snowflake coerces TEXT binds (the SDK sends dates as ISO text, numbers as FIXED/REAL text).
 */
export function bindLiteral(type: string, value: string | null): string {
  if (value === null) return 'NULL';
  switch (type.toUpperCase()) {
    case 'FIXED':
      return INTEGER.test(value) ? `(${value})` : quoteString(value);
    case 'REAL':
      return DECIMAL.test(value) ? `CAST(${value} AS DOUBLE)` : `CAST(${quoteString(value)} AS DOUBLE)`;
    case 'BOOLEAN':
      return /^(true|false)$/i.test(value) ? value.toUpperCase() : quoteString(value);
    case 'DATE':
      // Typed DATE binds carry epoch milliseconds.
      return INTEGER.test(value) ? `CAST(epoch_ms(${value}) AS DATE)` : quoteString(value);
    case 'TIMESTAMP_NTZ':
    case 'TIMESTAMP_LTZ':
    case 'TIMESTAMP_TZ':
      // Typed timestamp binds carry epoch nanoseconds.
      return INTEGER.test(value) ? `make_timestamp(${value.slice(0, -3) || '0'})` : quoteString(value);
    default:
      return quoteString(value);
  }
}

/** Number of rows in an array binding (executemany), or 0 for scalar binds. */
export function arrayBindRows(bindings: Bindings | undefined): number {
  if (!bindings) return 0;
  for (const b of Object.values(bindings)) if (Array.isArray(b.value)) return b.value.length;
  return 0;
}

export function bindOptions(bindings: Bindings | undefined, row = -1, quoted?: Set<string>): TranslateOptions {
  const get = (position: string): Bind => {
    const b = bindings?.[position];
    if (!b) throw new SnowflakeError('002049', '42601', `SQL compilation error: error line 0 at position 0\nBind variable ${position} not set.`);
    return b;
  };
  const scalar = (b: Bind): string | null => (Array.isArray(b.value) ? (b.value[row] ?? null) : b.value);
  return {
    bind: (p) => {
      const b = get(p);
      return bindLiteral(b.type, scalar(b));
    },
    bindRaw: (p) => scalar(get(p)),
    quoted,
  };
}

/**
 * For `INSERT … VALUES (?, ?)` with array binds, returns the span of the single VALUES group so
 * the caller can repeat it once per row: one multi-row INSERT instead of thousands of statements.
 */
export function singleValuesGroup(tokens: Token[]): { open: number; close: number } | null {
  const first = tokens.find((t) => t.kind !== 'ws');
  if (!isWord(first, 'INSERT')) return null;
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (isOp(t, '(')) depth++;
    else if (isOp(t, ')')) depth--;
    else if (depth === 0 && isWord(t, 'VALUES')) {
      let open = k + 1;
      while (tokens[open]?.kind === 'ws') open++;
      if (!isOp(tokens[open], '(')) return null;
      const close = matchParen(tokens, open);
      return tokens.slice(close + 1).every((x) => x.kind === 'ws') ? { open, close } : null;
    }
  }
  return null;
}
