import { describe, expect, it } from '@jest/globals';
import { fnmatchRegExp, keyMatcher, literalPrefix } from './list.js';

const match = (pattern: string, key: string) => fnmatchRegExp(pattern).test(key);

describe('literalPrefix', () => {
  it('is the pattern up to its first wildcard character', () => {
    expect(literalPrefix('incoming/sales_data_*.csv')).toBe('incoming/sales_data_');
    expect(literalPrefix('a/b?c')).toBe('a/b');
    expect(literalPrefix('a/[0-9]/x')).toBe('a/');
    expect(literalPrefix('plain/key.csv')).toBe('plain/key.csv');
    expect(literalPrefix('*.csv')).toBe('');
  });
});

describe('fnmatch semantics (as Airflow S3KeySensor)', () => {
  it('lets * match any run of characters, slashes included', () => {
    expect(match('incoming/sales_data_*.csv', 'incoming/sales_data_2026-01-01.csv')).toBe(true);
    expect(match('incoming/sales_data_*.csv', 'incoming/sales_data_.csv')).toBe(true);
    expect(match('incoming/*.csv', 'incoming/2026/01/a.csv')).toBe(true);
    expect(match('incoming/sales_data_*.csv', 'incoming/sales_data_1.csv.tmp')).toBe(false);
    expect(match('incoming/sales_data_*.csv', 'other/sales_data_1.csv')).toBe(false);
    expect(match('a**b', 'a/x/y/b')).toBe(true);
  });
  it('lets ? match exactly one character, slash included', () => {
    expect(match('f?.csv', 'f1.csv')).toBe(true);
    expect(match('f?.csv', 'f12.csv')).toBe(false);
    expect(match('a?b', 'a/b')).toBe(true);
  });
  it('supports [seq], ranges and [!seq]', () => {
    expect(match('day[0-9].csv', 'day7.csv')).toBe(true);
    expect(match('day[0-9].csv', 'dayx.csv')).toBe(false);
    expect(match('day[!0-9].csv', 'dayx.csv')).toBe(true);
    expect(match('day[!0-9].csv', 'day1.csv')).toBe(false);
    expect(match('x[]]y', 'x]y')).toBe(true);
    expect(match('x[!]]y', 'xay')).toBe(true);
    expect(match('x[^a]y', '^')).toBe(false);
    expect(match('x[^a]y', 'x^y')).toBe(true);
    expect(match('x[\\]y', 'x\\y')).toBe(true);
  });
  it('treats an unclosed [ and regex metacharacters literally', () => {
    expect(match('a[b', 'a[b')).toBe(true);
    expect(match('a.b+(c)|{d}$^', 'a.b+(c)|{d}$^')).toBe(true);
    expect(match('a.b', 'axb')).toBe(false);
  });
  it('is case-sensitive and anchored, and matches newlines in keys', () => {
    expect(match('A*.csv', 'a1.csv')).toBe(false);
    expect(match('a*', 'ba')).toBe(false);
    expect(match('a*b', 'a\nb')).toBe(true);
  });
  it('reports an invalid range with the pattern', () => {
    expect(() => fnmatchRegExp('a[z-a]')).toThrow('invalid key pattern "a[z-a]"');
  });
});

describe('keyMatcher', () => {
  it('compares exactly without wildcard', () => {
    expect(keyMatcher('a*.csv', false)('a*.csv')).toBe(true);
    expect(keyMatcher('a*.csv', false)('ab.csv')).toBe(false);
    expect(keyMatcher('a*.csv', true)('ab.csv')).toBe(true);
  });
});
