import {
  SnowflakeError,
  compilationError,
  conversionError,
  databaseDoesNotExist,
  invalidIdentifier,
  objectAlreadyExists,
  objectDoesNotExist,
  schemaDoesNotExist,
  syntaxError,
} from './snowflake-error.js';

/**
 * DuckDB's error text → the Snowflake error a real account would return for the same mistake.
 * Every branch is keyed on DuckDB's wording, which is stable across 1.x releases; anything
 * unrecognised still surfaces DuckDB's message so that the developer sees what went wrong.
 */
export function mapDuckDbError(err: unknown): SnowflakeError {
  if (err instanceof SnowflakeError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const [head] = raw.split('\n');
  const where = caretPosition(raw);
  let m: RegExpMatchArray | null;

  if ((m = head.match(/Table with name "?([^"!]+?)"? does not exist/)) || (m = head.match(/View with name "?([^"!]+?)"? does not exist/)))
    return objectDoesNotExist(m[1]);
  if ((m = head.match(/(?:Table|View|Macro Function|Sequence) with name "?([^"!]+?)"? already exists/))) return objectAlreadyExists(m[1]);
  if ((m = head.match(/Schema with name "?([^"!]+?)"? does not exist/))) return schemaDoesNotExist(m[1]);
  if ((m = head.match(/Schema with name "?([^"!]+?)"? already exists/))) return objectAlreadyExists(m[1]);
  if ((m = head.match(/Catalog (?:with name "?|")([^"!]+?)"? does not exist/))) return databaseDoesNotExist(m[1]);
  if ((m = head.match(/(?:Scalar|Aggregate|Table) Function with name "?([^"!]+?)"? does not exist/)))
    return compilationError('002140', '42601', `Unknown function ${m[1].toUpperCase()}`);
  if ((m = head.match(/Referenced column "?([^"!]+?)"? not found/)) || (m = head.match(/does not have a column named "?([^"!]+?)"?$/)))
    return invalidIdentifier(m[1], where.line, where.position);
  if ((m = head.match(/Referenced table "?([^"!]+?)"? not found/))) return invalidIdentifier(m[1], where.line, where.position);
  if ((m = head.match(/Parser Error: syntax error at or near "(.*)"/))) return syntaxError(where.line, where.position, m[1]);
  if (/Parser Error: syntax error at end of input/.test(head)) return syntaxError(where.line, where.position, '<EOF>');
  if (/Division by zero/i.test(head)) return new SnowflakeError('100051', '22012', 'Division by zero');
  if ((m = head.match(/Could not convert string ['"](.*)['"] to (\w+)/))) return conversionError(duckTypeFamily(m[2]), m[1]);
  if ((m = head.match(/invalid date field format: "(.*?)"/)) || (m = head.match(/date field value out of range: "(.*?)"/)))
    return conversionError('DATE', m[1]);
  if ((m = head.match(/invalid timestamp field format: "(.*?)"/)) || (m = head.match(/timestamp field value out of range: "(.*?)"/)))
    return conversionError('TIMESTAMP', m[1]);
  if ((m = head.match(/Malformed JSON.*?: (.*)$/))) return conversionError('JSON', m[1]);
  if (/NOT NULL constraint failed/.test(head)) return new SnowflakeError('100072', '22000', 'NULL result in a non-nullable column');
  if (/Out of Range Error/.test(head)) return new SnowflakeError('100046', '22003', `Number out of representable range: ${head}`);
  if (/^(Parser|Binder|Catalog) Error/.test(head)) return compilationError('002040', '42601', stripPrefix(head));
  return new SnowflakeError('000603', 'XX000', `SQL execution error: ${stripPrefix(head)}`);
}

function duckTypeFamily(duckType: string): string {
  const t = duckType.toUpperCase();
  if (t === 'BOOL' || t === 'BOOLEAN') return 'BOOLEAN';
  if (t.startsWith('DATE')) return 'DATE';
  if (t.startsWith('TIMESTAMP')) return 'TIMESTAMP';
  if (t.startsWith('TIME')) return 'TIME';
  return 'NUMBER';
}

function stripPrefix(line: string): string {
  return line.replace(/^[A-Za-z ]+ Error: /, '');
}

/** DuckDB marks the failing spot with "LINE n: <sql>" and a caret on the next line. */
function caretPosition(message: string): { line: number; position: number } {
  const m = message.match(/LINE (\d+): (.*)\n( *)\^/);
  if (!m) return { line: 1, position: 0 };
  const prefix = `LINE ${m[1]}: `.length;
  return { line: Number(m[1]), position: Math.max(0, m[3].length - prefix) };
}
