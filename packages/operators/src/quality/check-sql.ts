import type { SnowflakeBind } from '../snowflake/binds.js';
import { quoteIdentifier, quoteQualifiedName } from '../snowflake/identifiers.js';
import type { QualityCheck } from './checks.js';

export interface CheckQuery {
  sql: string;
  binds?: SnowflakeBind[];
}

/**
 * One query per check; each but customSql returns a single row with OBSERVED, the number the
 * check judges. Identifiers are quoted (see quoteIdentifier) and values bound, never inlined.
 * - rowCount:       the table's row count.
 * - notNull:        rows with a NULL in any of the columns.
 * - unique:         key values (over all columns) that occur more than once; rows with a NULL
 *                   in the key are left out, as in SQL UNIQUE constraints (notNull covers them).
 * - acceptedValues: non-NULL rows whose value is not in the list.
 * - customSql:      the author's query as written: it returns the offending rows.
 */
export function checkQuery(check: QualityCheck): CheckQuery {
  if (check.type === 'customSql') return { sql: check.sql.trim().replace(/;\s*$/, '') };
  const table = quoteQualifiedName(check.table);
  switch (check.type) {
    case 'rowCount':
      return { sql: `SELECT COUNT(*) AS "OBSERVED" FROM ${table}` };
    case 'notNull': {
      const cols = check.columns.map(quoteIdentifier);
      return { sql: `SELECT COUNT(*) AS "OBSERVED" FROM ${table} WHERE ${cols.map((c) => `${c} IS NULL`).join(' OR ')}` };
    }
    case 'unique': {
      const cols = check.columns.map(quoteIdentifier);
      const key = cols.join(', ');
      return {
        sql: `SELECT COUNT(*) AS "OBSERVED" FROM (SELECT ${key} FROM ${table} WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(' AND ')} GROUP BY ${key} HAVING COUNT(*) > 1)`,
      };
    }
    case 'acceptedValues': {
      const col = quoteIdentifier(check.column);
      return {
        sql: `SELECT COUNT(*) AS "OBSERVED" FROM ${table} WHERE ${col} IS NOT NULL AND ${col} NOT IN (${check.values.map(() => '?').join(', ')})`,
        binds: check.values,
      };
    }
  }
}

/** Whether the observed number passes, and the message of the result. */
export function judge(check: QualityCheck, observed: number): { passed: boolean; message: string } {
  switch (check.type) {
    case 'rowCount': {
      const min = check.min ?? (check.max === undefined ? 1 : 0);
      const passed = observed >= min && (check.max === undefined || observed <= check.max);
      const range = check.max === undefined ? `>= ${min}` : `in [${min}, ${check.max}]`;
      return { passed, message: `${check.table} has ${observed} row(s), expected ${range}` };
    }
    case 'notNull':
      return { passed: observed === 0, message: `${observed} row(s) with NULL in ${check.columns.join(', ')} of ${check.table}` };
    case 'unique':
      return { passed: observed === 0, message: `${observed} duplicated value(s) of (${check.columns.join(', ')}) in ${check.table}` };
    case 'acceptedValues':
      return {
        passed: observed === 0,
        message: `${observed} row(s) of ${check.table} with ${check.column} not in [${check.values.map((v) => JSON.stringify(v)).join(', ')}]`,
      };
    case 'customSql':
      return { passed: observed === 0, message: `query returned ${observed} row(s), expected none` };
  }
}
