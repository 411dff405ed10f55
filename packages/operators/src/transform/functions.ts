import { ValueError } from './errors.js';
import { toNumber, toText, type Cell } from './values.js';

interface FunctionDef {
  minArgs: number;
  maxArgs: number;
  apply(args: Cell[]): Cell;
}

/** Half away from zero at `digits` decimals, exact on decimal text (round(1.005, 2) = 1.01). */
function round(x: number, digits: number): number {
  if (!Number.isInteger(digits) || digits < -15 || digits > 15) throw new ValueError(`round: digits must be an integer between -15 and 15, got ${digits}`);
  const shifted = Math.round(Number(`${Math.abs(x)}e${digits}`));
  return Math.sign(x) * Number(`${shifted}e${-digits}`);
}

const text1 = (f: (s: string) => string): FunctionDef => ({ minArgs: 1, maxArgs: 1, apply: ([v]) => (v === null ? null : f(toText(v))) });

/**
 * The functions expressions may call (names are case-insensitive). NULL in → NULL out, except:
 * coalesce returns its first non-NULL argument, concat skips NULLs (as PostgreSQL's concat).
 */
export const FUNCTIONS: Record<string, FunctionDef> = {
  upper: text1((s) => s.toUpperCase()),
  lower: text1((s) => s.toLowerCase()),
  trim: text1((s) => s.trim()),
  round: {
    minArgs: 1,
    maxArgs: 2,
    apply: ([v, d]) => (v === null || d === null ? null : round(toNumber(v), d === undefined ? 0 : toNumber(d))),
  },
  coalesce: { minArgs: 1, maxArgs: Infinity, apply: (args) => args.find((a) => a !== null) ?? null },
  concat: { minArgs: 1, maxArgs: Infinity, apply: (args) => args.map((a) => (a === null ? '' : toText(a))).join('') },
};
