import { toBind, type SnowflakeBind } from '../snowflake/binds.js';

export const CHECK_TYPES = ['rowCount', 'notNull', 'unique', 'acceptedValues', 'customSql'] as const;
export type CheckType = (typeof CHECK_TYPES)[number];
export type Severity = 'fail' | 'warn';

interface CheckBase {
  name: string;
  severity: Severity;
}

/** A validated check of `with.checks`; `table` is the check's own or the task's `with.table`. */
export type QualityCheck = CheckBase &
  (
    | { type: 'rowCount'; table: string; min?: number; max?: number }
    | { type: 'notNull'; table: string; columns: string[] }
    | { type: 'unique'; table: string; columns: string[] }
    | { type: 'acceptedValues'; table: string; column: string; values: SnowflakeBind[] }
    | { type: 'customSql'; sql: string }
  );

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** `column` or `columns` (a name or a non-empty list of names). */
function columnsOf(raw: Record<string, unknown>, where: string): string[] {
  const value = raw.columns ?? raw.column;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every(nonEmpty)) throw new Error(`${where} needs column (a name) or columns (a list of names)`);
  return list;
}

function count(raw: Record<string, unknown>, key: 'min' | 'max', where: string): number | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${where}.${key} must be a non-negative integer`);
  return v;
}

/** The default name: the type and its columns, e.g. `notNull(order_id, amount)`, `customSql[3]`. */
function defaultName(type: CheckType, raw: Record<string, unknown>, index: number): string {
  if (type === 'customSql') return `customSql[${index}]`;
  if (type === 'rowCount') return raw.table ? `rowCount(${String(raw.table)})` : 'rowCount';
  const cols = raw.columns ?? raw.column;
  return `${type}(${(Array.isArray(cols) ? cols : [cols]).join(', ')})`;
}

/** Validates `with.checks` into QualityChecks; throws an Error naming the offending check. */
export function parseChecks(checks: unknown, defaultTable: unknown): QualityCheck[] {
  if (!Array.isArray(checks) || checks.length === 0) throw new Error('quality.check needs with.checks: a non-empty list');
  return checks.map((raw, index): QualityCheck => {
    const where = `checks[${index}]`;
    if (!isRecord(raw)) throw new Error(`${where} must be an object`);
    const type = raw.type as CheckType;
    if (!CHECK_TYPES.includes(type)) throw new Error(`${where}.type must be one of ${CHECK_TYPES.join(', ')}`);
    const severity = (raw.severity ?? 'fail') as Severity;
    if (severity !== 'fail' && severity !== 'warn') throw new Error(`${where}.severity must be fail or warn`);
    if (raw.name !== undefined && !nonEmpty(raw.name)) throw new Error(`${where}.name must be a non-empty string`);
    const base = { name: (raw.name as string | undefined) ?? defaultName(type, raw, index), severity };
    if (type === 'customSql') {
      if (!nonEmpty(raw.sql)) throw new Error(`${where} (customSql) needs sql: a query that returns the offending rows`);
      return { ...base, type, sql: raw.sql };
    }
    const table = raw.table ?? defaultTable;
    if (!nonEmpty(table)) throw new Error(`${where} (${type}) needs a table: set with.table or the check's table`);
    if (type === 'rowCount') {
      const min = count(raw, 'min', where);
      const max = count(raw, 'max', where);
      if (min !== undefined && max !== undefined && min > max) throw new Error(`${where}: min ${min} is greater than max ${max}`);
      return { ...base, type, table, min, max };
    }
    if (type === 'acceptedValues') {
      const column = raw.column;
      if (!nonEmpty(column)) throw new Error(`${where} (acceptedValues) needs column`);
      if (!Array.isArray(raw.values) || raw.values.length === 0) throw new Error(`${where} (acceptedValues) needs values: a non-empty list`);
      const values = raw.values.map((v, i) => toBind(v, `${where}.values[${i}]`));
      if (values.includes(null)) throw new Error(`${where}.values must not contain null (NULLs are not checked; use notNull)`);
      return { ...base, type, table, column, values };
    }
    return { ...base, type, table, columns: columnsOf(raw, `${where} (${type})`) };
  });
}
