/**
 * A small SQL tokenizer for the Snowflake dialect. The emulator never builds a full AST: it
 * rewrites the token stream, so the lexer keeps whitespace and comments as tokens and every
 * token's source text, which lets untouched parts of a statement reach DuckDB verbatim.
 */
export type TokenKind =
  | 'ws' // whitespace and comments
  | 'ident' // unquoted identifier or keyword
  | 'qident' // "quoted identifier"
  | 'string' // string literal; `value` holds the decoded text
  | 'number'
  | 'param' // ? or :1 bind placeholder
  | 'op' // operators and punctuation
  | 'semi';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Decoded value: the string content, the unquoted identifier, or the bind position. */
  value: string;
  pos: number;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_$]/;
const TWO_CHAR_OPS = new Set(['::', '||', '<=', '>=', '<>', '!=', '=>', '->']);

// Snowflake single-quoted literals accept backslash escapes; DuckDB's do not, so the decoded
// value is kept and re-encoded for DuckDB by the translator.
const BACKSLASH_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0', Z: '\x1a' };

export class SqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let positional = 0;
  const push = (kind: TokenKind, start: number, value?: string) =>
    tokens.push({ kind, text: sql.slice(start, i), value: value ?? sql.slice(start, i), pos: start });

  while (i < sql.length) {
    const start = i;
    const ch = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(ch)) {
      while (i < sql.length && /\s/.test(sql[i])) i++;
      push('ws', start);
    } else if ((ch === '-' && next === '-') || (ch === '/' && next === '/')) {
      // Snowflake treats `//` as a line comment (DuckDB would read integer division).
      while (i < sql.length && sql[i] !== '\n') i++;
      push('ws', start);
    } else if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      push('ws', start);
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw new SqlSyntaxError('unterminated string literal', start);
        const c = sql[i];
        if (c === "'" && sql[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (c === "'") {
          i++;
          break;
        } else if (c === '\\' && i + 1 < sql.length) {
          const e = sql[i + 1];
          value += BACKSLASH_ESCAPES[e] ?? e;
          i += 2;
        } else {
          value += c;
          i++;
        }
      }
      push('string', start, value);
    } else if (ch === '$' && next === '$') {
      const end = sql.indexOf('$$', i + 2);
      if (end < 0) throw new SqlSyntaxError('unterminated $$ string', start);
      i = end + 2;
      push('string', start, sql.slice(start + 2, end));
    } else if (ch === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw new SqlSyntaxError('unterminated quoted identifier', start);
        if (sql[i] === '"' && sql[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (sql[i] === '"') {
          i++;
          break;
        } else value += sql[i++];
      }
      push('qident', start, value);
    } else if (IDENT_START.test(ch)) {
      while (i < sql.length && IDENT_PART.test(sql[i])) i++;
      push('ident', start);
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(next ?? ''))) {
      while (i < sql.length && /[0-9]/.test(sql[i])) i++;
      if (sql[i] === '.' && sql[i + 1] !== '.') {
        i++;
        while (i < sql.length && /[0-9]/.test(sql[i])) i++;
      }
      if (/[eE]/.test(sql[i] ?? '') && /[-+0-9]/.test(sql[i + 1] ?? '')) {
        i += 2;
        while (i < sql.length && /[0-9]/.test(sql[i])) i++;
      }
      push('number', start);
    } else if (ch === '?') {
      i++;
      push('param', start, String(++positional));
    } else if (ch === ':' && /[0-9]/.test(next ?? '') && lastSignificant(tokens)?.kind !== 'string') {
      // `:1` is a bind (a variant path element never starts with a digit), except after an
      // object-constant key: {'a':1}.
      i++;
      while (i < sql.length && /[0-9]/.test(sql[i])) i++;
      push('param', start, sql.slice(start + 1, i));
    } else if (ch === ';') {
      i++;
      push('semi', start);
    } else {
      i += TWO_CHAR_OPS.has(ch + (next ?? '')) ? 2 : 1;
      push('op', start);
    }
  }
  return tokens;
}

function lastSignificant(tokens: Token[]): Token | undefined {
  for (let k = tokens.length - 1; k >= 0; k--) if (tokens[k].kind !== 'ws') return tokens[k];
  return undefined;
}

/** Splits a script into statements on top-level semicolons, dropping empty ones. */
export function splitStatements(tokens: Token[]): Token[][] {
  const out: Token[][] = [];
  let current: Token[] = [];
  for (const t of tokens) {
    if (t.kind === 'semi') {
      if (current.some((x) => x.kind !== 'ws')) out.push(current);
      current = [];
    } else current.push(t);
  }
  if (current.some((x) => x.kind !== 'ws')) out.push(current);
  return out;
}

export function significant(tokens: Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'ws');
}

export function isWord(t: Token | undefined, ...words: string[]): boolean {
  return !!t && t.kind === 'ident' && words.includes(t.text.toUpperCase());
}

export function isOp(t: Token | undefined, op: string): boolean {
  return !!t && t.kind === 'op' && t.text === op;
}

/** Index of the `)` matching the `(` at `open` (indices into the same array). */
export function matchParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    if (isOp(tokens[k], '(') || isOp(tokens[k], '[')) depth++;
    else if (isOp(tokens[k], ')') || isOp(tokens[k], ']')) {
      depth--;
      if (depth === 0) return k;
    }
  }
  throw new SqlSyntaxError('unbalanced parentheses', tokens[open]?.pos ?? 0);
}

/** Splits tokens[from, to) on top-level commas. */
export function splitTopLevel(tokens: Token[], from: number, to: number, sep = ','): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let depth = 0;
  let start = from;
  for (let k = from; k < to; k++) {
    const t = tokens[k];
    if (isOp(t, '(') || isOp(t, '[')) depth++;
    else if (isOp(t, ')') || isOp(t, ']')) depth--;
    else if (depth === 0 && isOp(t, sep)) {
      parts.push([start, k]);
      start = k + 1;
    }
  }
  parts.push([start, to]);
  return parts;
}

/** Normalizes an identifier token the way Snowflake resolves it: unquoted names are upper-cased. */
export function identName(t: Token): string {
  return t.kind === 'qident' ? t.value : t.text.toUpperCase();
}

/** Renders a name for DuckDB, always quoted so that case and reserved words survive. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
