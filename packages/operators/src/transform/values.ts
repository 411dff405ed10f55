import type { Cell } from '../s3/records.js';
import { ValueError } from './errors.js';

export type { Cell };

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', 'off', '0']);

/** A value as it appears in an error message: quoted, shortened. */
export function show(v: Cell): string {
  if (v === null) return 'NULL';
  if (typeof v !== 'string') return String(v);
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
}

/** Parses decimal text (surrounding spaces allowed, no hex, no Infinity) or returns undefined. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (!NUMBER.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** A non-null value as a number: numbers as they are, numeric text parsed (implicit cast, as SQL). */
export function toNumber(v: Exclude<Cell, null>): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = parseNumber(v);
    if (n === undefined) throw new ValueError(`${show(v)} is not a number`);
    return n;
  }
  throw new ValueError(`boolean ${v} is not a number`);
}

/** A non-null value as a boolean: true/false, t/f, yes/no, y/n, on/off, 1/0 (any case); a number is true unless 0. */
export function toBoolean(v: Exclude<Cell, null>): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  const w = v.trim().toLowerCase();
  if (TRUE_WORDS.has(w)) return true;
  if (FALSE_WORDS.has(w)) return false;
  throw new ValueError(`${show(v)} is not a boolean`);
}

/** A non-null value as text: numbers in JavaScript's shortest form, booleans as true/false. */
export function toText(v: Exclude<Cell, null>): string {
  return typeof v === 'string' ? v : String(v);
}

const sign = (d: number) => (d < 0 ? -1 : d > 0 ? 1 : 0);

/**
 * SQL comparison: NULL on either side gives NULL. Same types compare directly (strings by code
 * unit, false < true); a number against text converts the text to a number, a boolean against
 * another type converts that to a boolean — failing when it does not convert.
 */
export function compare(a: Cell, b: Cell): -1 | 0 | 1 | null {
  if (a === null || b === null) return null;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' || typeof b === 'boolean') return sign(Number(toBoolean(a)) - Number(toBoolean(b)));
  const x = toNumber(a);
  const y = toNumber(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
