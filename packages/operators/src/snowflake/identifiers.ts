/**
 * Safe SQL text for names and literals the DAG author writes (tables, columns) or that come
 * from data (CSV headers). Every identifier is emitted double-quoted, so nothing in a name can
 * end the identifier and inject SQL; the Snowflake meaning of the name is kept:
 * - a name that is a valid unquoted identifier (`order_id`, `Sales$2`) is upper-cased, as
 *   Snowflake resolves unquoted names (`order_id` → `"ORDER_ID"`);
 * - a name written in double quotes (`"Order Id"`) is kept exactly, inner `""` included;
 * - any other text (`order id`, `a;b`) is taken literally, case kept, quotes doubled.
 */

const UNQUOTED = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const QUOTED = /^"(?:[^"]|"")+"$/;

export function quoteIdentifier(name: string): string {
  const text = name.trim();
  if (text.length === 0) throw new Error('an identifier must not be empty');
  if (QUOTED.test(text)) return text;
  if (UNQUOTED.test(text)) return `"${text.toUpperCase()}"`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** Splits `db.schema.table` on the dots outside double quotes. */
export function splitQualifiedName(name: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of name.trim()) {
    if (ch === '"') quoted = !quoted;
    if (ch === '.' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** `raw.sales` → `"RAW"."SALES"`; at most three parts (database.schema.object). */
export function quoteQualifiedName(name: string): string {
  const parts = splitQualifiedName(name);
  if (parts.length > 3) throw new Error(`"${name}" has more than three parts (database.schema.object)`);
  if (parts.some((p) => p.trim() === '')) throw new Error(`"${name}" has an empty part`);
  return parts.map(quoteIdentifier).join('.');
}

/**
 * A Snowflake single-quoted string literal. Snowflake treats backslash as an escape character
 * inside literals, so backslashes are doubled as well as single quotes.
 */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

const SQL_TYPE = /^[A-Za-z][A-Za-z0-9_]*(?: [A-Za-z][A-Za-z0-9_]*)*(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?$/;

/** A column type as written by the author (`NUMBER(38,2)`, `TIMESTAMP_NTZ`, `DOUBLE PRECISION`). */
export function sqlType(type: string): string {
  const text = type.trim();
  if (!SQL_TYPE.test(text)) throw new Error(`"${type}" is not a column type (e.g. VARCHAR, NUMBER(38,2), TIMESTAMP_NTZ)`);
  return text.toUpperCase();
}
