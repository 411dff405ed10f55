import { type Token, isOp, isWord, quoteIdent, splitTopLevel } from './lexer.js';
import { skipWs } from './types.js';

const NOT_ALIASES = [
  'END',
  'NULL',
  'TRUE',
  'FALSE',
  'DAY',
  'DAYS',
  'HOUR',
  'HOURS',
  'MINUTE',
  'MINUTES',
  'SECOND',
  'SECONDS',
  'MONTH',
  'MONTHS',
  'YEAR',
  'YEARS',
  'WEEK',
  'WEEKS',
];
const OPERATOR_WORDS = [
  'IS',
  'NOT',
  'AND',
  'OR',
  'LIKE',
  'ILIKE',
  'RLIKE',
  'IN',
  'BETWEEN',
  'ESCAPE',
  'THEN',
  'ELSE',
  'WHEN',
  'CASE',
  'DISTINCT',
  'INTERVAL',
  'SELECT',
  'AS',
];
const LIST_END = [
  'FROM',
  'WHERE',
  'GROUP',
  'HAVING',
  'QUALIFY',
  'ORDER',
  'LIMIT',
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'MINUS',
  'WINDOW',
  'INTO',
  'OFFSET',
  'FETCH',
];

export interface SelectItem {
  from: number;
  to: number;
  /** Snowflake's name for an unaliased expression, or null when DuckDB already names it right. */
  alias: string | null;
}

export interface SelectList {
  /** Tokens between SELECT and the first item (DISTINCT, ALL), already excluding TOP n. */
  modifiers: string[];
  top: string | null;
  items: SelectItem[];
  /** Index of the first token after the list. */
  end: number;
}

/**
 * Splits the list of the SELECT at tokens[at]. Snowflake names an unaliased expression column
 * by the expression's text in upper case (`COUNT(*)`, `CURRENT_DATE()`, `A + 1`); DuckDB names it
 * by its own rendering of the bound expression, which differs most for the functions the
 * translator rewrites. Such items get an explicit alias with Snowflake's name.
 */
export function readSelectList(tokens: Token[], at: number, to: number): SelectList {
  let k = skipWs(tokens, at + 1);
  const modifiers: string[] = [];
  let top: string | null = null;
  for (;;) {
    if (isWord(tokens[k], 'DISTINCT', 'ALL')) modifiers.push(tokens[k].text.toUpperCase());
    else if (isWord(tokens[k], 'TOP') && tokens[skipWs(tokens, k + 1)]?.kind === 'number') {
      k = skipWs(tokens, k + 1);
      top = tokens[k].text;
    } else break;
    k = skipWs(tokens, k + 1);
  }
  let depth = 0;
  let end = k;
  for (; end < to; end++) {
    const t = tokens[end];
    if (isOp(t, '(') || isOp(t, '[')) depth++;
    else if (isOp(t, ')') || isOp(t, ']')) {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (t.kind === 'semi' || isWord(t, ...LIST_END))) {
      // WITHIN GROUP (…) belongs to the item; GROUP BY ends the list.
      if (isWord(t, 'GROUP') && !isWord(tokens[skipWs(tokens, end + 1)], 'BY')) continue;
      break;
    }
  }
  const items = splitTopLevel(tokens, k, end).map(([from, itemTo]) => ({ from, to: itemTo, alias: snowflakeAlias(tokens, from, itemTo) }));
  return { modifiers, top, items, end };
}

function snowflakeAlias(tokens: Token[], from: number, to: number): string | null {
  const sig = tokens.slice(from, to).filter((t) => t.kind !== 'ws');
  if (sig.length === 0) return null;
  const last = sig[sig.length - 1];
  const beforeLast = sig[sig.length - 2];
  // Already aliased: `expr AS name` or `expr name`.
  if (isWord(beforeLast, 'AS')) return null;
  const implicitAlias =
    sig.length >= 2 &&
    (last.kind === 'qident' || (last.kind === 'ident' && !isWord(last, ...NOT_ALIASES))) &&
    endsOperand(beforeLast) &&
    !isWord(beforeLast, ...OPERATOR_WORDS);
  if (implicitAlias) return null;
  // Plain column references and stars keep DuckDB's naming, which already matches.
  if (sig.every((t, i) => (i % 2 === 0 ? t.kind === 'ident' || t.kind === 'qident' || isOp(t, '*') : isOp(t, '.')))) return null;
  if (sig.some((t) => isOp(t, '*')) && !sig.some((t) => isOp(t, '('))) return null;
  if (isWord(sig[0], 'COLUMNS') || sig.some((t) => isWord(t, 'EXCLUDE', 'REPLACE', 'RENAME', 'ILIKE') && isOp(sig[0], '*'))) return null;
  return tokens
    .slice(from, to)
    .filter((t) => !(t.kind === 'ws' && /^(--|\/\/|\/\*)/.test(t.text)))
    .map((t) => (t.kind === 'qident' ? t.value : t.text.toUpperCase()))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

function endsOperand(t: Token | undefined): boolean {
  return !!t && (t.kind === 'ident' || t.kind === 'qident' || t.kind === 'number' || t.kind === 'string' || isOp(t, ')') || isOp(t, ']'));
}

export function aliasSql(alias: string): string {
  return ` AS ${quoteIdent(alias)}`;
}
