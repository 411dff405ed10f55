import { type Token, SqlSyntaxError, identName, isOp, isWord, matchParen, quoteIdent, quoteString, splitTopLevel } from './lexer.js';
import { readObjectName } from './object-name.js';
import { type TranslateOptions, translate } from './translate.js';
import { mapTypeAt, skipWs } from './types.js';

export interface CreateTablePlan {
  /** Name as written (1-3 parts, Snowflake-cased). */
  name: string[];
  orReplace: boolean;
  ifNotExists: boolean;
  temporary: boolean;
  /** DuckDB statements to run in order. */
  statements: string[];
}

const MODIFIERS = [
  'NOT',
  'NULL',
  'DEFAULT',
  'PRIMARY',
  'UNIQUE',
  'REFERENCES',
  'CONSTRAINT',
  'COMMENT',
  'COLLATE',
  'AUTOINCREMENT',
  'IDENTITY',
  'WITH',
  'MASKING',
  'TAG',
  'FOREIGN',
  'ENFORCED',
  'RELY',
  'NORELY',
  'VALIDATE',
  'NOVALIDATE',
];

/**
 * CREATE TABLE in Snowflake's grammar → DuckDB. Column types are mapped; PRIMARY KEY, UNIQUE and
 * FOREIGN KEY are dropped because Snowflake does not enforce them (DuckDB would reject duplicate
 * rows that Snowflake accepts); NOT NULL is kept since Snowflake enforces it. AUTOINCREMENT and
 * IDENTITY become a DuckDB sequence. Table options (CLUSTER BY, COMMENT, DATA_RETENTION…) are
 * accepted and ignored.
 */
export function planCreateTable(tokens: Token[], opts: TranslateOptions, fullName: (parts: string[]) => string[]): CreateTablePlan {
  let k = skipWs(tokens, 0);
  const expect = (...words: string[]) => {
    if (!isWord(tokens[k], ...words)) throw new SqlSyntaxError(`expected ${words.join('/')}`, tokens[k]?.pos ?? 0);
    k = skipWs(tokens, k + 1);
  };
  const accept = (...words: string[]) => {
    if (!isWord(tokens[k], ...words)) return false;
    k = skipWs(tokens, k + 1);
    return true;
  };
  expect('CREATE');
  const orReplace = accept('OR') ? (expect('REPLACE'), true) : false;
  accept('LOCAL', 'GLOBAL');
  const temporary = accept('TEMP', 'TEMPORARY', 'VOLATILE');
  accept('TRANSIENT');
  expect('TABLE');
  const ifNotExists = accept('IF') ? (expect('NOT'), expect('EXISTS'), true) : false;

  const parsed = readObjectName(tokens, k, opts);
  const name = parsed.name;
  k = parsed.end;
  const full = fullName(name);
  const target = full.map(quoteIdent).join('.');
  const head = `CREATE${orReplace ? ' OR REPLACE' : ''} TABLE${ifNotExists ? ' IF NOT EXISTS' : ''} ${target}`;

  if (accept('LIKE')) return { name, orReplace, ifNotExists, temporary, statements: [`${head} AS SELECT * FROM ${translate(tokens, opts, k)} LIMIT 0`] };
  if (accept('CLONE')) return { name, orReplace, ifNotExists, temporary, statements: [`${head} AS SELECT * FROM ${translate(tokens, opts, k)}`] };

  const statements: string[] = [];
  let columns: string[] = [];
  if (isOp(tokens[k], '(')) {
    const close = matchParen(tokens, k);
    columns = splitTopLevel(tokens, k + 1, close)
      .map(([a, b]) => columnDef(tokens, a, b, opts, full, orReplace, statements))
      .filter((c): c is string => c !== null);
    k = skipWs(tokens, close + 1);
  }
  const as = findAsSelect(tokens, k);
  const query = as >= 0 ? translate(tokens, opts, as + 1) : null;
  if (columns.length && query) {
    statements.push(`${head} (${columns.join(', ')})`, `INSERT INTO ${target} ${query}`);
  } else if (query) statements.push(`${head} AS ${query}`);
  else statements.push(`${head} (${columns.join(', ')})`);
  return { name, orReplace, ifNotExists, temporary, statements };
}

function columnDef(tokens: Token[], from: number, to: number, opts: TranslateOptions, table: string[], orReplace: boolean, pre: string[]): string | null {
  let k = skipWs(tokens, from);
  if (isWord(tokens[k], 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK')) return null;
  const nameTok = tokens[k];
  if (!nameTok || (nameTok.kind !== 'ident' && nameTok.kind !== 'qident')) throw new SqlSyntaxError('expected a column name', nameTok?.pos ?? 0);
  const column = identName(nameTok);
  const type = mapTypeAt(tokens, k + 1);
  const parts = [quoteIdent(column), type.sql];
  k = skipWs(tokens, type.end);
  while (k < to) {
    const t = tokens[k];
    if (isWord(t, 'NOT') && isWord(tokens[skipWs(tokens, k + 1)], 'NULL')) {
      parts.push('NOT NULL');
      k = skipWs(tokens, skipWs(tokens, k + 1) + 1);
    } else if (isWord(t, 'NULL')) {
      k = skipWs(tokens, k + 1);
    } else if (isWord(t, 'DEFAULT')) {
      const start = k + 1;
      k = nextModifier(tokens, start, to);
      parts.push(`DEFAULT ${translate(tokens, opts, start, k).trim()}`);
    } else if (isWord(t, 'AUTOINCREMENT', 'IDENTITY')) {
      const nums: string[] = [];
      k = skipWs(tokens, k + 1);
      if (isOp(tokens[k], '(')) {
        const close = matchParen(tokens, k);
        nums.push(
          ...tokens
            .slice(k + 1, close)
            .filter((x) => x.kind === 'number')
            .map((x) => x.text),
        );
        k = skipWs(tokens, close + 1);
      }
      while (isWord(tokens[k], 'START', 'INCREMENT', 'ORDER', 'NOORDER', 'WITH', 'BY') || tokens[k]?.kind === 'number' || isOp(tokens[k], '=')) {
        if (tokens[k].kind === 'number') nums.push(tokens[k].text);
        k = skipWs(tokens, k + 1);
      }
      const sequence = [...table.slice(0, -1), `${table[table.length - 1]}_${column}_SEQ`].map(quoteIdent).join('.');
      pre.push(`CREATE ${orReplace ? 'OR REPLACE ' : ''}SEQUENCE IF NOT EXISTS ${sequence} START ${nums[0] ?? 1} INCREMENT ${nums[1] ?? 1}`);
      parts.push(`DEFAULT nextval(${quoteString(sequence)})`);
    } else if (isWord(t, 'COMMENT', 'COLLATE')) {
      k = skipWs(tokens, k + 1);
      if (isOp(tokens[k], '=')) k = skipWs(tokens, k + 1);
      k = skipWs(tokens, k + 1);
    } else if (isWord(t, 'REFERENCES')) {
      k = skipWs(tokens, k + 1);
      while (k < to && !isOp(tokens[k], '(') && !isWord(tokens[k], ...MODIFIERS)) k = skipWs(tokens, k + 1);
      if (isOp(tokens[k], '(')) k = skipWs(tokens, matchParen(tokens, k) + 1);
    } else if (isWord(t, 'PRIMARY', 'UNIQUE', 'KEY', 'CONSTRAINT', 'ENFORCED', 'RELY', 'NORELY', 'VALIDATE', 'NOVALIDATE')) {
      k = skipWs(tokens, k + 1);
      if (isWord(t, 'CONSTRAINT')) k = skipWs(tokens, k + 1);
    } else {
      // Masking policies, tags and anything else Snowflake-specific: ignore the rest.
      break;
    }
  }
  return parts.join(' ');
}

function nextModifier(tokens: Token[], from: number, to: number): number {
  let depth = 0;
  for (let k = from; k < to; k++) {
    const t = tokens[k];
    if (isOp(t, '(')) depth++;
    else if (isOp(t, ')')) depth--;
    else if (depth === 0 && isWord(t, ...MODIFIERS.filter((m) => m !== 'NULL'))) return k;
  }
  return to;
}

/** Index of the top-level AS that starts a CTAS query, or -1. */
function findAsSelect(tokens: Token[], from: number): number {
  let depth = 0;
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k];
    if (isOp(t, '(')) depth++;
    else if (isOp(t, ')')) depth--;
    else if (depth === 0 && isWord(t, 'AS')) {
      const n = skipWs(tokens, k + 1);
      if (isWord(tokens[n], 'SELECT', 'WITH', 'VALUES', 'FROM') || isOp(tokens[n], '(')) return k;
    }
  }
  return -1;
}
