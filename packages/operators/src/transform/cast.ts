import { ValueError } from './errors.js';
import { parseNumber, show, toBoolean, toText, type Cell } from './values.js';

/** Accepted cast type names → what they produce. `decimal` is a JavaScript double (about 15 significant digits). */
export const CAST_TYPES = {
  int: 'integer',
  integer: 'integer',
  number: 'number',
  float: 'number',
  decimal: 'number',
  string: 'string',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
} as const;
export type CastTypeName = keyof typeof CAST_TYPES;
export type CastKind = (typeof CAST_TYPES)[CastTypeName];

export function isCastType(name: unknown): name is CastTypeName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CAST_TYPES, name);
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface ParsedTimestamp {
  date: string;
  epochMs: number;
}

function parseTimestamp(text: string, what: string): ParsedTimestamp {
  const m = TIMESTAMP.exec(text.trim());
  const bad = () => new ValueError(`${show(text)} is not a ${what} (expected YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM])`);
  if (!m) throw bad();
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1])) throw bad();
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw bad();
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || '0');
    if (oh > 23 || om > 59) throw bad();
    offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const utc = new Date(Date.UTC(2000, month - 1, day, Number(h), Number(mi), Number(s), ms));
  utc.setUTCFullYear(year); // Date.UTC would read years 0-99 as 1900-1999
  return { date: `${y}-${mo}-${d}`, epochMs: utc.getTime() - offsetMin * 60_000 };
}

/**
 * Converts one value; NULL stays NULL for every type. Failures throw a ValueError naming the value.
 * - integer: an integral number or numeric text with an integral value ("42", "42.0"), within ±2^53;
 * - number: a number or decimal text ("1.5", "-2e3", " 7 "); no thousands separators;
 * - string: text; numbers and booleans are written out;
 * - boolean: true/false, t/f, yes/no, y/n, on/off, 1/0 (any case), or a number (0 is false);
 * - date: "YYYY-MM-DD", optionally followed by a valid time → "YYYY-MM-DD" (the date as written);
 * - timestamp: ISO 8601 date-time; without a zone it is UTC → "YYYY-MM-DDTHH:MM:SS.sssZ" (ms precision).
 * Dates and timestamps stay text in that canonical form, so they compare correctly as strings.
 */
export function castValue(v: Cell, type: CastTypeName): Cell {
  if (v === null) return null;
  switch (CAST_TYPES[type]) {
    case 'string':
      return toText(v);
    case 'boolean':
      return toBoolean(v);
    case 'number': {
      if (typeof v === 'number') return v;
      const n = typeof v === 'string' ? parseNumber(v) : undefined;
      if (n === undefined) throw new ValueError(`${show(v)} is not a number`);
      return n;
    }
    case 'integer': {
      const n = typeof v === 'number' ? v : typeof v === 'string' ? parseNumber(v) : undefined;
      if (n === undefined || !Number.isInteger(n)) throw new ValueError(`${show(v)} is not an integer`);
      if (!Number.isSafeInteger(n)) throw new ValueError(`${show(v)} is out of the integer range (±2^53)`);
      return n;
    }
    case 'date':
      if (typeof v !== 'string') throw new ValueError(`${show(v)} is not a date`);
      return parseTimestamp(v, 'date').date;
    case 'timestamp': {
      if (typeof v !== 'string') throw new ValueError(`${show(v)} is not a timestamp`);
      const { epochMs } = parseTimestamp(v, 'timestamp');
      const d = new Date(epochMs);
      if (Number.isNaN(d.getTime())) throw new ValueError(`${show(v)} is out of the timestamp range`);
      return d.toISOString();
    }
  }
}
