/** Masks secrets in SQL text and messages before they reach a log line, an XCom or an error. */

export const REDACTED = '[redacted]';

const CREDENTIALS_CLAUSE = /CREDENTIALS\s*=\s*\((?:[^()']|'(?:[^'\\]|''|\\.)*')*\)/gi;

/** Replaces every `CREDENTIALS = ( … )` clause of a statement, whatever it holds. */
export function redactSql(sql: string): string {
  return sql.replace(CREDENTIALS_CLAUSE, `CREDENTIALS=(${REDACTED})`);
}

/** Replaces each occurrence of the given secret values (and CREDENTIALS clauses) in `text`. */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = redactSql(text);
  const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4).sort((a, b) => b.length - a.length);
  for (const secret of values) out = out.split(secret).join(REDACTED);
  return out;
}
