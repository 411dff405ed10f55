/** Bind values for snowflake-sdk: positional `?` / `:n`, and `:name` mapped to positions. */

export type SnowflakeBind = string | number | boolean | null;

export interface Placeholder {
  kind: 'positional' | 'numbered' | 'named';
  /** The name for `:name`, the 1-based position for `:n`. */
  name?: string;
  start: number;
  end: number;
}

const IDENT_CHAR = /[A-Za-z0-9_$\]")]/;

/** Index just past a quoted run starting at `i` (quote `q`), honouring doubled quotes and backslashes. */
function skipQuoted(sql: string, i: number, q: string): number {
  for (let j = i + 1; j < sql.length; j++) {
    if (q === "'" && sql[j] === '\\') j++;
    else if (sql[j] === q) {
      if (sql[j + 1] === q) j++;
      else return j + 1;
    }
  }
  return sql.length;
}

/**
 * The bind placeholders of one statement, outside string literals, `$$…$$` blocks, quoted
 * identifiers and comments. `:name` only counts when `name` is in `names` and the colon does
 * not follow a name (so `v:a.b` variant paths and `x::int` casts are left alone).
 */
export function scanPlaceholders(sql: string, names: ReadonlySet<string> = new Set()): Placeholder[] {
  const out: Placeholder[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const two = sql.slice(i, i + 2);
    if (ch === "'" || ch === '"') i = skipQuoted(sql, i, ch);
    else if (two === '$$') {
      const close = sql.indexOf('$$', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (two === '--' || two === '//') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? sql.length : eol + 1;
    } else if (two === '/*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (ch === '?') {
      out.push({ kind: 'positional', start: i, end: i + 1 });
      i++;
    } else if (two === '::') i += 2;
    else if (ch === ':' && !(i > 0 && IDENT_CHAR.test(sql[i - 1]))) {
      const m = /^(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i + 1));
      if (m && /^\d/.test(m[1])) out.push({ kind: 'numbered', name: m[1], start: i, end: i + 1 + m[1].length });
      else if (m && names.has(m[1])) out.push({ kind: 'named', name: m[1], start: i, end: i + 1 + m[1].length });
      i += 1 + (m ? m[1].length : 0);
    } else i++;
  }
  return out;
}

/** A bind value the driver accepts; anything else is a configuration error naming `where`. */
export function toBind(value: unknown, where: string): SnowflakeBind {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new Error(`${where} must be a string, a finite number, a boolean or null`);
}

/**
 * The SQL and binds to send for one statement. An array gives positional binds to every
 * statement that has `?` or `:n` placeholders; an object gives named binds: each `:name` becomes
 * `?` and its value is bound in order of appearance. A statement without placeholders gets none.
 */
export function bindStatement(sql: string, binds: readonly unknown[] | Record<string, unknown> | undefined): { sql: string; binds?: SnowflakeBind[] } {
  if (binds === undefined) return { sql };
  if (Array.isArray(binds)) {
    if (scanPlaceholders(sql).length === 0) return { sql };
    return { sql, binds: binds.map((v, i) => toBind(v, `binds[${i}]`)) };
  }
  const named = binds as Record<string, unknown>;
  const found = scanPlaceholders(sql, new Set(Object.keys(named)));
  if (found.some((p) => p.kind !== 'named')) throw new Error('named binds (an object) cannot be mixed with ? or :n placeholders');
  if (found.length === 0) return { sql };
  let text = '';
  let last = 0;
  const values: SnowflakeBind[] = [];
  for (const p of found) {
    text += `${sql.slice(last, p.start)}?`;
    last = p.end;
    values.push(toBind(named[p.name!], `binds.${p.name}`));
  }
  return { sql: text + sql.slice(last), binds: values };
}
