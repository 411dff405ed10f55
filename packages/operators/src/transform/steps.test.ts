import { describe, expect, it } from '@jest/globals';
import { RowError, StepError } from './errors.js';
import { compileSteps, parseSteps } from './steps.js';
import type { Cell } from './values.js';

const COLUMNS = ['order_id', 'amount', 'sold_at', 'region', 'email'];

/** Runs `steps` over rows given as arrays aligned with COLUMNS; returns the columns and kept rows. */
function run(steps: unknown[], rows: Cell[][], columns = COLUMNS) {
  const compiled = compileSteps(parseSteps(steps), columns);
  return { columns: compiled.columns, rows: rows.map((r) => compiled.apply([...r])).filter((r) => r !== null) };
}
function stepErr(steps: unknown, columns = COLUMNS): string {
  try {
    compileSteps(parseSteps(steps), columns);
  } catch (e) {
    expect(e).toBeInstanceOf(StepError);
    return (e as Error).message;
  }
  throw new Error('compiled');
}
function rowErr(steps: unknown[], row: Cell[]): string {
  const compiled = compileSteps(parseSteps(steps), COLUMNS);
  try {
    compiled.apply(row);
  } catch (e) {
    expect(e).toBeInstanceOf(RowError);
    return (e as Error).message;
  }
  throw new Error('applied');
}

const ROWS: Cell[][] = [
  ['1', '10.50', '2026-01-01', 'us', 'a@x.io'],
  ['2', '-3', '2026-01-01', 'eu', null],
  ['3', '0', '2026-01-02', 'us', 'c@x.io'],
  ['4', '99.99', '2026-01-02T10:00:00Z', 'jp', 'd@x.io'],
];

describe('transform steps', () => {
  it('select keeps the named columns in that order', () => {
    expect(run([{ select: ['region', 'order_id'] }], ROWS.slice(0, 2))).toEqual({
      columns: ['region', 'order_id'],
      rows: [
        ['us', '1'],
        ['eu', '2'],
      ],
    });
  });

  it('rename renames all at once (a swap works)', () => {
    expect(run([{ rename: { order_id: 'id', amount: 'total' } }], ROWS.slice(0, 1)).columns).toEqual(['id', 'total', 'sold_at', 'region', 'email']);
    expect(run([{ rename: { order_id: 'amount', amount: 'order_id' } }], ROWS.slice(0, 1))).toEqual({
      columns: ['amount', 'order_id', 'sold_at', 'region', 'email'],
      rows: [ROWS[0]],
    });
  });

  it('cast converts values in place', () => {
    expect(run([{ cast: { order_id: 'int', amount: 'decimal', sold_at: 'date' } }, { select: ['order_id', 'amount', 'sold_at'] }], ROWS).rows).toEqual([
      [1, 10.5, '2026-01-01'],
      [2, -3, '2026-01-01'],
      [3, 0, '2026-01-02'],
      [4, 99.99, '2026-01-02'],
    ]);
  });

  it('filter keeps rows where the condition is true (string or structured form)', () => {
    expect(run([{ cast: { amount: 'number' } }, { filter: 'amount > 0' }], ROWS).rows.map((r) => r[0])).toEqual(['1', '4']);
    expect(run([{ filter: { column: 'amount', op: '>', value: 0 } }], ROWS).rows.map((r) => r[0])).toEqual(['1', '4']);
    // Row 2's email is NULL, so `email != …` is NULL, not true: the row is dropped.
    expect(run([{ filter: "email != 'a@x.io'" }], ROWS).rows.map((r) => r[0])).toEqual(['3', '4']);
    expect(run([{ filter: "region in ('us', 'eu') and email is not null" }], ROWS).rows.map((r) => r[0])).toEqual(['1', '3']);
  });

  it('derive adds columns in order (a later one may use an earlier one) or replaces one in place', () => {
    const out = run(
      [
        { cast: { amount: 'number' } },
        {
          derive: {
            amount_cents: 'round(amount * 100)',
            label: "upper(region) || '#' || order_id",
            big: 'amount_cents > 1000',
            source: "'web'",
            version: 2,
            flag: true,
            nothing: null,
          },
        },
        { derive: { region: 'upper(region)' } },
        { select: ['order_id', 'region', 'amount_cents', 'label', 'big', 'source', 'version', 'flag', 'nothing'] },
      ],
      ROWS.slice(0, 2),
    );
    expect(out).toEqual({
      columns: ['order_id', 'region', 'amount_cents', 'label', 'big', 'source', 'version', 'flag', 'nothing'],
      rows: [
        ['1', 'US', 1050, 'US#1', true, 'web', 2, true, null],
        ['2', 'EU', -300, 'EU#2', false, 'web', 2, true, null],
      ],
    });
  });

  it('runs the reference pipeline steps', () => {
    const out = run(
      [
        { select: ['order_id', 'amount', 'sold_at', 'region'] },
        { rename: { sold_at: 'sold_on' } },
        { cast: { order_id: 'integer', amount: 'number', sold_on: 'date' } },
        { filter: 'amount > 0' },
        { derive: { amount_usd: 'round(amount * 1.1, 2)', region: 'upper(region)' } },
      ],
      ROWS,
    );
    expect(out).toEqual({
      columns: ['order_id', 'amount', 'sold_on', 'region', 'amount_usd'],
      rows: [
        [1, 10.5, '2026-01-01', 'US', 11.55],
        [4, 99.99, '2026-01-02', 'JP', 109.99],
      ],
    });
  });

  it('pads short rows with NULL', () => {
    expect(run([{ filter: 'email is null' }], [['9', '1']]).rows).toEqual([['9', '1', null, null, null]]);
  });

  it('reports bad step shapes with the step path', () => {
    expect(() => parseSteps([])).toThrow(new StepError('with.steps must be a non-empty list of steps'));
    expect(stepErr([{ select: ['a'], rename: {} }])).toBe('with.steps[0] must have exactly one of select, rename, cast, filter, derive (got select, rename)');
    expect(stepErr([{ drop: ['a'] }])).toBe('with.steps[0] must have exactly one of select, rename, cast, filter, derive (got drop)');
    expect(stepErr(['select'])).toBe('with.steps[0] must be an object with one of select, rename, cast, filter, derive');
    expect(stepErr([{ select: [] }])).toBe('with.steps[0] (select) must be a non-empty list of column names');
    expect(stepErr([{ select: ['amount', 'amount'] }])).toBe('with.steps[0] (select): column "amount" is selected twice');
    expect(stepErr([{ rename: {} }])).toBe('with.steps[0] (rename) must be a non-empty object');
    expect(stepErr([{ rename: { amount: 5 } }])).toBe('with.steps[0] (rename): the new name of "amount" must be a non-empty string');
    expect(stepErr([{ cast: { amount: 'money' } }])).toBe(
      'with.steps[0] (cast): column amount: unknown type "money" (types: int, integer, number, float, decimal, string, boolean, date, timestamp)',
    );
    expect(stepErr([{ select: ['amount'] }, { filter: 'amount >' }])).toBe('with.steps[1] (filter): the expression ends too early at position 9');
    expect(stepErr([{ filter: { column: 'amount', op: '~' } }])).toMatch(/^with\.steps\[0\] \(filter\): filter\.op must be one of/);
    expect(stepErr([{ derive: { x: 'amount +' } }])).toBe('with.steps[0] (derive): column x: the expression ends too early at position 9');
    expect(stepErr([{ derive: { x: ['a'] } }])).toBe('with.steps[0] (derive): column x: expected an expression string or a number/boolean/null constant');
  });

  it('reports unknown columns against the columns at that step', () => {
    expect(stepErr([{ select: ['amount', 'qty'] }])).toBe('with.steps[0] (select): unknown column "qty" (columns: order_id, amount, sold_at, region, email)');
    expect(stepErr([{ select: ['amount'] }, { filter: 'region = 1' }])).toBe('with.steps[1] (filter): unknown column "region" (columns: amount)');
    expect(stepErr([{ rename: { amount: 'total' } }, { cast: { amount: 'int' } }])).toBe(
      'with.steps[1] (cast): unknown column "amount" (columns: order_id, total, sold_at, region, email)',
    );
    expect(stepErr([{ rename: { amount: 'region' } }])).toBe('with.steps[0] (rename): two columns would be named "region"');
    expect(stepErr([{ rename: { qty: 'q' } }])).toMatch(/^with\.steps\[0\] \(rename\): unknown column "qty"/);
    expect(stepErr([{ derive: { a: 'b + 1', b: 'amount' } }])).toBe(
      'with.steps[0] (derive): column a: unknown column "b" (columns: order_id, amount, sold_at, region, email)',
    );
  });

  it('reports a value a step cannot handle with the step and column', () => {
    expect(rowErr([{ cast: { order_id: 'int', amount: 'int' } }], ['1', '10.50', null, null, null])).toBe(
      'with.steps[0] (cast): column amount: "10.50" is not an integer',
    );
    expect(rowErr([{ filter: 'amount > 0' }], ['1', 'n/a', null, null, null])).toBe('with.steps[0] (filter) on amount: "n/a" is not a number');
    expect(rowErr([{ derive: { per_unit: 'amount / order_id' } }], ['0', '5', null, null, null])).toBe(
      'with.steps[0] (derive): column per_unit: division by zero',
    );
  });
});
