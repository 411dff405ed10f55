import { describe, expect, it } from '@jest/globals';
import { castValue, isCastType, type CastTypeName } from './cast.js';
import { ValueError } from './errors.js';
import type { Cell } from './values.js';

function castErr(v: Cell, type: CastTypeName): string {
  try {
    castValue(v, type);
  } catch (e) {
    expect(e).toBeInstanceOf(ValueError);
    return (e as Error).message;
  }
  throw new Error(`cast ${String(v)} to ${type}`);
}

describe('castValue', () => {
  it('keeps NULL for every type', () => {
    for (const t of ['int', 'integer', 'number', 'float', 'decimal', 'string', 'boolean', 'date', 'timestamp'] as const) expect(castValue(null, t)).toBeNull();
  });

  it('casts integers', () => {
    expect(castValue('42', 'int')).toBe(42);
    expect(castValue(' -7 ', 'integer')).toBe(-7);
    expect(castValue('+3', 'int')).toBe(3);
    expect(castValue('42.0', 'int')).toBe(42);
    expect(castValue(5, 'int')).toBe(5);
    expect(castErr('4.5', 'int')).toBe('"4.5" is not an integer');
    expect(castErr('abc', 'int')).toBe('"abc" is not an integer');
    expect(castErr('', 'int')).toBe('"" is not an integer');
    expect(castErr(1.5, 'integer')).toBe('1.5 is not an integer');
    expect(castErr(true, 'int')).toBe('true is not an integer');
    expect(castErr('9007199254740993', 'int')).toBe('"9007199254740993" is out of the integer range (±2^53)');
  });

  it('casts numbers (number, float, decimal)', () => {
    expect(castValue('10.50', 'number')).toBe(10.5);
    expect(castValue('-2e3', 'float')).toBe(-2000);
    expect(castValue('.5', 'decimal')).toBe(0.5);
    expect(castValue('7.', 'number')).toBe(7);
    expect(castValue(3, 'number')).toBe(3);
    expect(castErr('1,000.00', 'decimal')).toBe('"1,000.00" is not a number');
    expect(castErr('0x10', 'number')).toBe('"0x10" is not a number');
    expect(castErr('Infinity', 'number')).toBe('"Infinity" is not a number');
    expect(castErr('1e999', 'number')).toBe('"1e999" is not a number');
    expect(castErr(false, 'number')).toBe('false is not a number');
  });

  it('casts strings and booleans', () => {
    expect(castValue(12.5, 'string')).toBe('12.5');
    expect(castValue(true, 'string')).toBe('true');
    expect(castValue('x', 'string')).toBe('x');
    for (const t of ['true', 'TRUE', 't', 'yes', 'Y', 'on', '1', ' true ']) expect(castValue(t, 'boolean')).toBe(true);
    for (const f of ['false', 'F', 'no', 'n', 'OFF', '0']) expect(castValue(f, 'boolean')).toBe(false);
    expect(castValue(0, 'boolean')).toBe(false);
    expect(castValue(2, 'boolean')).toBe(true);
    expect(castErr('maybe', 'boolean')).toBe('"maybe" is not a boolean');
  });

  it('casts dates, validating the calendar', () => {
    expect(castValue('2026-01-31', 'date')).toBe('2026-01-31');
    expect(castValue('2026-01-31T23:30:00-05:00', 'date')).toBe('2026-01-31');
    expect(castValue('2024-02-29', 'date')).toBe('2024-02-29');
    expect(castErr('2026-02-29', 'date')).toMatch(/^"2026-02-29" is not a date \(expected YYYY-MM-DD/);
    expect(castErr('2026-13-01', 'date')).toMatch(/is not a date/);
    expect(castErr('01/02/2026', 'date')).toMatch(/is not a date/);
    expect(castErr('2026-01-01T25:00', 'date')).toMatch(/is not a date/);
    expect(castErr(20260101, 'date')).toBe('20260101 is not a date');
  });

  it('casts timestamps to UTC ISO 8601 with milliseconds', () => {
    expect(castValue('2026-01-01', 'timestamp')).toBe('2026-01-01T00:00:00.000Z');
    expect(castValue('2026-01-01 03:04', 'timestamp')).toBe('2026-01-01T03:04:00.000Z');
    expect(castValue('2026-01-01T03:04:05.123456Z', 'timestamp')).toBe('2026-01-01T03:04:05.123Z');
    expect(castValue('2026-01-01T03:04:05.5+02:00', 'timestamp')).toBe('2026-01-01T01:04:05.500Z');
    expect(castValue('2026-01-01T23:00:00-0530', 'timestamp')).toBe('2026-01-02T04:30:00.000Z');
    expect(castValue('2026-01-01T00:00:00 z', 'timestamp')).toBe('2026-01-01T00:00:00.000Z');
    expect(castValue('0050-06-01', 'timestamp')).toBe('0050-06-01T00:00:00.000Z');
    expect(castErr('2026-01-01T12:60', 'timestamp')).toMatch(/^"2026-01-01T12:60" is not a timestamp/);
    expect(castErr('2026-01-01T12:00+25:00', 'timestamp')).toMatch(/is not a timestamp/);
    expect(castErr('yesterday', 'timestamp')).toMatch(/is not a timestamp/);
    expect(castErr(true, 'timestamp')).toBe('true is not a timestamp');
  });

  it('knows its type names', () => {
    expect(isCastType('int')).toBe(true);
    expect(isCastType('varchar')).toBe(false);
    expect(isCastType('toString')).toBe(false);
  });
});
