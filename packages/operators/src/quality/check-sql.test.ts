import { describe, expect, it } from '@jest/globals';
import { checkQuery, judge } from './check-sql.js';
import { parseChecks } from './checks.js';

const one = (check: Record<string, unknown>, table: unknown = 'raw.sales') => parseChecks([check], table)[0];

describe('parseChecks', () => {
  it('fills names, severity and the task table', () => {
    expect(
      parseChecks(
        [{ type: 'rowCount' }, { type: 'notNull', columns: ['a', 'b'], severity: 'warn' }, { type: 'customSql', sql: 'select 1', name: 'mine' }],
        'T',
      ),
    ).toEqual([
      { type: 'rowCount', name: 'rowCount', severity: 'fail', table: 'T', min: undefined, max: undefined },
      { type: 'notNull', name: 'notNull(a, b)', severity: 'warn', table: 'T', columns: ['a', 'b'] },
      { type: 'customSql', name: 'mine', severity: 'fail', sql: 'select 1' },
    ]);
    expect(one({ type: 'unique', column: 'id', table: 'other' })).toMatchObject({ table: 'other', columns: ['id'], name: 'unique(id)' });
  });
  it('rejects incomplete or invalid checks, naming them', () => {
    expect(() => parseChecks([], 'T')).toThrow('non-empty list');
    expect(() => parseChecks([{ type: 'vibes' }], 'T')).toThrow('checks[0].type must be one of');
    expect(() => parseChecks([{ type: 'rowCount', severity: 'loud' }], 'T')).toThrow('checks[0].severity must be fail or warn');
    expect(() => parseChecks([{ type: 'notNull', column: 'a' }], undefined)).toThrow('checks[0] (notNull) needs a table');
    expect(() => parseChecks([{ type: 'unique', columns: [] }], 'T')).toThrow('needs column (a name) or columns');
    expect(() => parseChecks([{ type: 'rowCount', min: 5, max: 2 }], 'T')).toThrow('min 5 is greater than max 2');
    expect(() => parseChecks([{ type: 'acceptedValues', column: 'c', values: [] }], 'T')).toThrow('needs values');
    expect(() => parseChecks([{ type: 'acceptedValues', column: 'c', values: ['a', null] }], 'T')).toThrow('must not contain null');
    expect(() => parseChecks([{ type: 'customSql' }], 'T')).toThrow('needs sql');
  });
});

describe('checkQuery', () => {
  it('builds one quoted query per check, values as binds', () => {
    expect(checkQuery(one({ type: 'rowCount' }))).toEqual({ sql: 'SELECT COUNT(*) AS "OBSERVED" FROM "RAW"."SALES"' });
    expect(checkQuery(one({ type: 'notNull', columns: ['order_id', 'Amount Due'] }))).toEqual({
      sql: 'SELECT COUNT(*) AS "OBSERVED" FROM "RAW"."SALES" WHERE "ORDER_ID" IS NULL OR "Amount Due" IS NULL',
    });
    expect(checkQuery(one({ type: 'unique', columns: ['a', 'b'] }))).toEqual({
      sql: 'SELECT COUNT(*) AS "OBSERVED" FROM (SELECT "A", "B" FROM "RAW"."SALES" WHERE "A" IS NOT NULL AND "B" IS NOT NULL GROUP BY "A", "B" HAVING COUNT(*) > 1)',
    });
    expect(checkQuery(one({ type: 'acceptedValues', column: 'status', values: ['new', "it's", 3] }))).toEqual({
      sql: 'SELECT COUNT(*) AS "OBSERVED" FROM "RAW"."SALES" WHERE "STATUS" IS NOT NULL AND "STATUS" NOT IN (?, ?, ?)',
      binds: ['new', "it's", 3],
    });
    expect(checkQuery(one({ type: 'customSql', sql: 'select * from t where x < 0;  ' }))).toEqual({ sql: 'select * from t where x < 0' });
  });
  it('cannot be injected through names', () => {
    const { sql } = checkQuery(one({ type: 'notNull', column: 'x IS NULL; drop table t; --' }, 'a"; drop'));
    expect(sql).toBe('SELECT COUNT(*) AS "OBSERVED" FROM "a""; drop" WHERE "x IS NULL; drop table t; --" IS NULL');
  });
});

describe('judge', () => {
  it('defaults rowCount to at least one row and honours min/max', () => {
    expect(judge(one({ type: 'rowCount' }), 0)).toEqual({ passed: false, message: 'raw.sales has 0 row(s), expected >= 1' });
    expect(judge(one({ type: 'rowCount', max: 10 }), 0).passed).toBe(true);
    expect(judge(one({ type: 'rowCount', min: 2, max: 3 }), 4)).toEqual({ passed: false, message: 'raw.sales has 4 row(s), expected in [2, 3]' });
  });
  it('passes the other checks on zero offenders only', () => {
    expect(judge(one({ type: 'unique', column: 'id' }), 2)).toEqual({ passed: false, message: '2 duplicated value(s) of (id) in raw.sales' });
    expect(judge(one({ type: 'notNull', column: 'id' }), 0).passed).toBe(true);
    expect(judge(one({ type: 'customSql', sql: 'x' }), 1).passed).toBe(false);
  });
});
