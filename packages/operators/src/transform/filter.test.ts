import { describe, expect, it } from '@jest/globals';
import { compileExpression } from './compile.js';
import { structuredFilterToExpr } from './filter.js';
import { parseExpression } from './parser.js';
import type { Cell } from './values.js';

function keep(filter: unknown, record: Record<string, Cell>): Cell {
  const columns = Object.keys(record);
  return compileExpression(structuredFilterToExpr(filter), columns)(columns.map((c) => record[c]));
}

describe('structured filters', () => {
  it('compile to the same tree as the expression they stand for', () => {
    expect(structuredFilterToExpr({ column: 'amount', op: '>', value: 0 })).toEqual(parseExpression('amount > 0'));
    expect(structuredFilterToExpr({ column: 'region', op: 'in', value: ['us', 'eu'] })).toEqual(parseExpression("region in ('us', 'eu')"));
    expect(structuredFilterToExpr({ column: 'email', op: 'is not null' })).toEqual(parseExpression('email is not null'));
    expect(
      structuredFilterToExpr({
        and: [{ column: 'a', op: 'gte', value: 1 }, { or: [{ column: 'b', op: 'eq', value: 'x' }, { not: { column: 'c', op: 'IS  NULL' } }] }],
      }),
    ).toEqual(parseExpression("a >= 1 and (b = 'x' or not c is null)"));
    expect(
      structuredFilterToExpr({
        or: [
          { column: 'a', op: '=', value: 1 },
          { column: 'a', op: '=', value: 2 },
          { column: 'a', op: '=', value: 3 },
        ],
      }),
    ).toEqual(parseExpression('a = 1 or a = 2 or a = 3'));
  });

  it('accept every comparison spelling', () => {
    const ops: Array<[string, boolean]> = [
      ['=', false],
      ['==', false],
      ['eq', false],
      ['!=', true],
      ['<>', true],
      ['ne', true],
      ['<', false],
      ['lt', false],
      ['<=', false],
      ['lte', false],
      ['>', true],
      ['gt', true],
      ['>=', true],
      ['gte', true],
    ];
    for (const [op, expected] of ops) expect([op, keep({ column: 'n', op, value: 5 }, { n: '7' })]).toEqual([op, expected]);
    expect(keep({ column: 'r', op: 'not in', value: ['us'] }, { r: 'eu' })).toBe(true);
    expect(keep({ column: 'r', op: 'is null' }, { r: null })).toBe(true);
  });

  it('reject malformed filters with the path at fault', () => {
    expect(() => structuredFilterToExpr('x')).toThrow('filter must be an expression string or an object');
    expect(() => structuredFilterToExpr({ column: 'a', op: 'like', value: 'x%' })).toThrow(/^filter\.op must be one of =, ==, eq, !=/);
    expect(() => structuredFilterToExpr({ column: 'a', value: 1 })).toThrow(/^filter\.op must be one of/);
    expect(() => structuredFilterToExpr({ op: '=', value: 1 })).toThrow('filter.column must be a column name');
    expect(() => structuredFilterToExpr({ column: 'a', op: '=', value: 1, extra: 2 })).toThrow(
      'filter: unknown key(s) extra (a condition has column, op and value)',
    );
    expect(() => structuredFilterToExpr({ column: 'a', op: '=', value: null })).toThrow(
      'filter: comparing with null is never true; use op "is null" or "is not null"',
    );
    expect(() => structuredFilterToExpr({ column: 'a', op: '=', value: [1] })).toThrow('filter.value must be a string, number or boolean for op "="');
    expect(() => structuredFilterToExpr({ column: 'a', op: '=' })).toThrow('filter.value must be a string, number or boolean for op "="');
    expect(() => structuredFilterToExpr({ column: 'a', op: 'in', value: [] })).toThrow('filter.value must be a non-empty list of values for op "in"');
    expect(() => structuredFilterToExpr({ column: 'a', op: 'is null', value: 1 })).toThrow('filter: op "is null" takes no value');
    expect(() => structuredFilterToExpr({ and: [] })).toThrow('filter.and must be a non-empty list of filters');
    expect(() => structuredFilterToExpr({ and: [{ column: 'a', op: '=', value: 1 }], or: [] })).toThrow('filter: "and" must be the only key of its object');
    expect(() =>
      structuredFilterToExpr({
        or: [
          { column: 'a', op: '=', value: 1 },
          { column: 'b', op: '?' },
        ],
      }),
    ).toThrow(/^filter\.or\[1\]\.op must be one of/);
    expect(() => structuredFilterToExpr({ not: { column: 'a' } })).toThrow(/^filter\.not\.op must be one of/);
  });
});
