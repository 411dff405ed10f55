import { describe, expect, it } from '@jest/globals';
import { compileExpression } from './compile.js';
import { ExpressionError, ValueError } from './errors.js';
import { parseExpression } from './parser.js';
import type { Cell } from './values.js';

/** Evaluates `src` against one record given as an object. */
function ev(src: string, record: Record<string, Cell> = {}): Cell {
  const columns = Object.keys(record);
  return compileExpression(parseExpression(src), columns)(columns.map((c) => record[c]));
}
function evErr(src: string, record: Record<string, Cell> = {}): string {
  try {
    ev(src, record);
  } catch (e) {
    expect(e).toBeInstanceOf(ValueError);
    return (e as Error).message;
  }
  throw new Error(`evaluated: ${src}`);
}

describe('compileExpression', () => {
  it('reads columns by name and fails at compile time on an unknown one', () => {
    expect(ev('amount', { amount: '12' })).toBe('12');
    expect(ev('"order id"', { 'order id': 7 })).toBe(7);
    expect(() => compileExpression(parseExpression('amout > 0'), ['amount', 'region'])).toThrow(
      new ExpressionError('unknown column "amout" (columns: amount, region)'),
    );
  });

  it('does arithmetic, converting numeric text, with NULL propagating', () => {
    expect(ev('a + b * 2', { a: 1, b: '2.5' })).toBe(6);
    expect(ev('a - b', { a: ' 10 ', b: 4 })).toBe(6);
    expect(ev('a / b', { a: 7, b: 2 })).toBe(3.5);
    expect(ev('a % 3', { a: 7 })).toBe(1);
    expect(ev('-a', { a: '5' })).toBe(-5);
    expect(ev('a + 1', { a: null })).toBeNull();
    expect(ev('-a', { a: null })).toBeNull();
    expect(evErr('a + 1', { a: 'abc' })).toBe('"abc" is not a number');
    expect(evErr('a * 2', { a: true })).toBe('boolean true is not a number');
    expect(evErr('a / 0', { a: 1 })).toBe('division by zero');
    expect(evErr('a % 0', { a: 1 })).toBe('division by zero');
  });

  it('concatenates with || (NULL if either side is NULL)', () => {
    expect(ev("a || '-' || b", { a: 'x', b: 2 })).toBe('x-2');
    expect(ev("a || 'x'", { a: true })).toBe('truex');
    expect(ev("a || 'x'", { a: null })).toBeNull();
  });

  it('compares numbers numerically, text lexically, and converts text to the other side’s type', () => {
    expect(ev('a > 0', { a: '12.5' })).toBe(true);
    expect(ev('a > 9', { a: '10' })).toBe(true);
    expect(ev("a > '9'", { a: '10' })).toBe(false);
    expect(ev('a = 1', { a: '1.0' })).toBe(true);
    expect(ev("a = 'us'", { a: 'us' })).toBe(true);
    expect(ev("a != 'us'", { a: 'eu' })).toBe(true);
    expect(ev("a <= 'b'", { a: 'b' })).toBe(true);
    expect(ev("sold_at >= '2026-01-01'", { sold_at: '2026-01-02' })).toBe(true);
    expect(ev('a = true', { a: 'yes' })).toBe(true);
    expect(ev('a < true', { a: false })).toBe(true);
    expect(ev('a = 1', { a: null })).toBeNull();
    expect(ev('null = null')).toBeNull();
    expect(evErr('a > 0', { a: 'n/a' })).toBe('"n/a" is not a number');
    expect(evErr('a = true', { a: 'maybe' })).toBe('"maybe" is not a boolean');
  });

  it('uses three-valued logic and short-circuits', () => {
    const cases: Array<[Cell, Cell, Cell, Cell]> = [
      // a, b, a and b, a or b
      [true, true, true, true],
      [true, false, false, true],
      [false, false, false, false],
      [true, null, null, true],
      [false, null, false, null],
      [null, null, null, null],
      [null, false, false, null],
    ];
    for (const [a, b, and, or] of cases) {
      expect(ev('a and b', { a, b })).toBe(and);
      expect(ev('a or b', { a, b })).toBe(or);
    }
    expect(ev('not a', { a: true })).toBe(false);
    expect(ev('not a', { a: null })).toBeNull();
    expect(ev('not a', { a: 'false' })).toBe(true);
    // The right side is not evaluated when the left decides.
    expect(ev('a is not null and a > 0', { a: null })).toBe(false);
    expect(ev('a is null or a > 0', { a: null })).toBe(true);
    expect(evErr('a and b', { a: 'x', b: true })).toBe('"x" is not a boolean');
  });

  it('tests for NULL', () => {
    expect(ev('a is null', { a: null })).toBe(true);
    expect(ev('a is null', { a: '' })).toBe(false);
    expect(ev('a is not null', { a: 0 })).toBe(true);
    expect(ev('(a + 1) is null', { a: null })).toBe(true);
  });

  it('tests membership with SQL NULL rules', () => {
    expect(ev("r in ('us', 'eu')", { r: 'eu' })).toBe(true);
    expect(ev("r in ('us', 'eu')", { r: 'jp' })).toBe(false);
    expect(ev("r not in ('us', 'eu')", { r: 'jp' })).toBe(true);
    expect(ev("r not in ('us', 'eu')", { r: 'us' })).toBe(false);
    expect(ev('n in (1, 2)', { n: '2' })).toBe(true);
    expect(ev("r in ('us', null)", { r: 'jp' })).toBeNull();
    expect(ev("r in ('us', null)", { r: 'us' })).toBe(true);
    expect(ev("r in ('us')", { r: null })).toBeNull();
    expect(ev('n in (a, b + 1)', { n: 3, a: 1, b: 2 })).toBe(true);
  });

  it('calls functions', () => {
    expect(ev('upper(a)', { a: 'Us' })).toBe('US');
    expect(ev('lower(a)', { a: 'Us' })).toBe('us');
    expect(ev('trim(a)', { a: '  x ' })).toBe('x');
    expect(ev('upper(a)', { a: null })).toBeNull();
    expect(ev('upper(a)', { a: 12 })).toBe('12');
    expect(ev('round(a)', { a: '2.5' })).toBe(3);
    expect(ev('round(a)', { a: -2.5 })).toBe(-3);
    expect(ev('round(a, 2)', { a: 1.005 })).toBe(1.01);
    expect(ev('round(a, 1)', { a: '-1.25' })).toBe(-1.3);
    expect(ev('round(a, -2)', { a: 1250 })).toBe(1300);
    expect(ev('round(a, 2)', { a: null })).toBeNull();
    expect(ev('coalesce(a, b, 0)', { a: null, b: null })).toBe(0);
    expect(ev('coalesce(a, b)', { a: null, b: 'x' })).toBe('x');
    expect(ev("concat(a, '-', b, c)", { a: 'x', b: null, c: 1 })).toBe('x-1');
    expect(evErr('round(a)', { a: 'x' })).toBe('round: "x" is not a number');
    expect(evErr('round(a, 0.5)', { a: 1 })).toBe('round: digits must be an integer between -15 and 15, got 0.5');
  });

  it('computes derived values as in the sales pipeline', () => {
    const row = { amount: '19.99', qty: '3', region: ' us ', discount: null };
    expect(ev('round(amount * qty * (1 - coalesce(discount, 0)), 2)', row)).toBe(59.97);
    expect(ev("upper(trim(region)) || '-' || qty", row)).toBe('US-3');
  });
});
