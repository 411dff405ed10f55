import { ExpressionError } from './errors.js';

export const KEYWORDS = ['and', 'or', 'not', 'is', 'null', 'in', 'true', 'false'] as const;
export type Keyword = (typeof KEYWORDS)[number];

export type Token =
  | { type: 'number'; value: number; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'ident'; value: string; quoted: boolean; pos: number }
  | { type: 'keyword'; value: Keyword; pos: number }
  | { type: 'op'; value: string; pos: number }
  | { type: 'eof'; pos: number };

/** Longest first, so "<=" is not read as "<" then "=". */
const OPERATORS = ['<=', '>=', '<>', '!=', '==', '||', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ','];
const NUMBER = /\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?/y;
const IDENT = /[\p{L}_][\p{L}\p{N}_]*/uy;
const SPACE = /\s+/y;

function quoted(src: string, start: number, quote: string, what: string): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    const j = src.indexOf(quote, i);
    if (j < 0) throw new ExpressionError(`unterminated ${what} starting at position ${start + 1}`);
    value += src.slice(i, j);
    if (src[j + 1] === quote) {
      value += quote;
      i = j + 2;
    } else {
      return { value, end: j + 1 };
    }
  }
}

/**
 * Splits an expression into tokens. Literals: numbers (12, 1.5, .5, 1e3), strings in single
 * quotes ('it''s'). Column names: bare identifiers (letters, digits, _) or in double quotes
 * ("order id"). Keywords (and, or, not, is, null, in, true, false) are case-insensitive; quote a
 * column with such a name. Positions in messages are 1-based characters.
 */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    SPACE.lastIndex = i;
    if (SPACE.test(src)) {
      i = SPACE.lastIndex;
      continue;
    }
    const c = src[i];
    if (c === "'" || c === '"') {
      const { value, end } = quoted(src, i, c, c === "'" ? 'string' : 'quoted column name');
      if (c === '"' && value.length === 0) throw new ExpressionError(`empty column name at position ${i + 1}`);
      tokens.push(c === "'" ? { type: 'string', value, pos: i } : { type: 'ident', value, quoted: true, pos: i });
      i = end;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(src);
    if (num) {
      tokens.push({ type: 'number', value: Number(num[0]), pos: i });
      i = NUMBER.lastIndex;
      continue;
    }
    IDENT.lastIndex = i;
    const ident = IDENT.exec(src);
    if (ident) {
      const lower = ident[0].toLowerCase();
      tokens.push(
        (KEYWORDS as readonly string[]).includes(lower)
          ? { type: 'keyword', value: lower as Keyword, pos: i }
          : { type: 'ident', value: ident[0], quoted: false, pos: i },
      );
      i = IDENT.lastIndex;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected character ${JSON.stringify(c)} at position ${i + 1}`);
    tokens.push({ type: 'op', value: op, pos: i });
    i += op.length;
  }
  tokens.push({ type: 'eof', pos: src.length });
  return tokens;
}
