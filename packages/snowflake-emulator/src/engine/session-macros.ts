import { quoteString } from '../sql/lexer.js';

/** Reported by CURRENT_VERSION() and the login response; a plausible Snowflake release number. */
export const EMULATED_SNOWFLAKE_VERSION = '9.30.0';

/** Session context keys read by the CURRENT_*() macros. */
export const SESSION_KEYS = ['DATABASE', 'SCHEMA', 'WAREHOUSE', 'ROLE', 'USER', 'ACCOUNT', 'SESSION', 'REGION', 'CLIENT'] as const;
export type SessionKey = (typeof SESSION_KEYS)[number];

/**
 * Per-connection setup. Temp macros shadow DuckDB built-ins of the same name, which is how
 * CURRENT_DATABASE() etc. report the Snowflake session instead of DuckDB's catalog. Session values
 * live in a temp table so that USE only updates a row instead of recreating macros.
 */
export const SESSION_MACROS: string[] = [
  `SET TimeZone = 'UTC'`,
  `CREATE TEMP TABLE __SF_SESSION (K VARCHAR PRIMARY KEY, V VARCHAR)`,
  // Snowflake raises on x / 0; DuckDB returns NULL or Infinity. The translator wraps every divisor.
  `CREATE TEMP MACRO SF_NZ(X) AS CASE WHEN X = 0 THEN error('Division by zero') ELSE X END`,
  `CREATE TEMP MACRO CURRENT_VERSION() AS ${quoteString(EMULATED_SNOWFLAKE_VERSION)}`,
  ...SESSION_KEYS.map((k) => `CREATE TEMP MACRO CURRENT_${k}() AS (SELECT V FROM temp.main.__SF_SESSION WHERE K = '${k}')`),
  `CREATE TEMP MACRO CURRENT_AVAILABLE_ROLES() AS (SELECT '["' || V || '"]' FROM temp.main.__SF_SESSION WHERE K = 'ROLE')`,
];

export function setSessionValueSql(key: SessionKey, value: string | null): string {
  return `INSERT OR REPLACE INTO temp.main.__SF_SESSION VALUES ('${key}', ${value === null ? 'NULL' : quoteString(value)})`;
}
