import { columnsOf, type Expr } from './ast.js';
import { castValue, isCastType, CAST_TYPES, type CastTypeName } from './cast.js';
import { compileExpression, type Evaluator } from './compile.js';
import { ExpressionError, RowError, StepError, ValueError } from './errors.js';
import { structuredFilterToExpr } from './filter.js';
import { parseExpression } from './parser.js';
import { toBoolean, type Cell } from './values.js';

export const STEP_OPS = ['select', 'rename', 'cast', 'filter', 'derive'] as const;
export type StepOp = (typeof STEP_OPS)[number];

/** A step checked and its expressions parsed — independent of the data's columns. */
export type ParsedStep = { index: number; label: string } & (
  | { op: 'select'; columns: string[] }
  | { op: 'rename'; renames: Array<[string, string]> }
  | { op: 'cast'; casts: Array<[string, CastTypeName]> }
  | { op: 'filter'; expr: Expr }
  | { op: 'derive'; derives: Array<[string, Expr]> }
);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function entries(label: string, value: unknown): Array<[string, unknown]> {
  if (!isRecord(value) || Object.keys(value).length === 0) throw new StepError(`${label} must be a non-empty object`);
  return Object.entries(value);
}

function parseStep(raw: unknown, index: number): ParsedStep {
  const where = `with.steps[${index}]`;
  if (!isRecord(raw)) throw new StepError(`${where} must be an object with one of ${STEP_OPS.join(', ')}`);
  const ops = Object.keys(raw);
  if (ops.length !== 1 || !(STEP_OPS as readonly string[]).includes(ops[0])) {
    throw new StepError(`${where} must have exactly one of ${STEP_OPS.join(', ')} (got ${ops.length ? ops.join(', ') : 'none'})`);
  }
  const op = ops[0] as StepOp;
  const value = raw[op];
  const label = `${where} (${op})`;
  const base = { index, label };
  switch (op) {
    case 'select': {
      if (!Array.isArray(value) || value.length === 0 || !value.every((c) => typeof c === 'string' && c !== ''))
        throw new StepError(`${label} must be a non-empty list of column names`);
      const dup = value.find((c, i) => value.indexOf(c) !== i);
      if (dup !== undefined) throw new StepError(`${label}: column ${JSON.stringify(dup)} is selected twice`);
      return { ...base, op, columns: value as string[] };
    }
    case 'rename':
      return {
        ...base,
        op,
        renames: entries(label, value).map(([from, to]) => {
          if (typeof to !== 'string' || to === '') throw new StepError(`${label}: the new name of ${JSON.stringify(from)} must be a non-empty string`);
          return [from, to];
        }),
      };
    case 'cast':
      return {
        ...base,
        op,
        casts: entries(label, value).map(([column, type]) => {
          if (!isCastType(type))
            throw new StepError(`${label}: column ${column}: unknown type ${JSON.stringify(type)} (types: ${Object.keys(CAST_TYPES).join(', ')})`);
          return [column, type];
        }),
      };
    case 'filter':
      try {
        return { ...base, op, expr: typeof value === 'string' ? parseExpression(value) : structuredFilterToExpr(value) };
      } catch (err) {
        if (err instanceof ExpressionError) throw new StepError(`${label}: ${err.message}`);
        throw err;
      }
    case 'derive':
      return {
        ...base,
        op,
        derives: entries(label, value).map(([column, source]): [string, Expr] => {
          if (column === '') throw new StepError(`${label}: a derived column needs a name`);
          if (source === null || typeof source === 'number' || typeof source === 'boolean') return [column, { kind: 'literal', value: source }];
          if (typeof source !== 'string') throw new StepError(`${label}: column ${column}: expected an expression string or a number/boolean/null constant`);
          try {
            return [column, parseExpression(source)];
          } catch (err) {
            if (err instanceof ExpressionError) throw new StepError(`${label}: column ${column}: ${err.message}`);
            throw err;
          }
        }),
      };
  }
}

/** Checks the `steps` of a transform.records task and parses their expressions. Throws StepError. */
export function parseSteps(raw: unknown): ParsedStep[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new StepError('with.steps must be a non-empty list of steps');
  return raw.map(parseStep);
}

/** Maps one row to its output row, or null when a filter drops it. Rows are modified in place. */
type RowFn = (row: Cell[]) => Cell[] | null;

export interface CompiledSteps {
  /** The output columns. */
  columns: string[];
  /** Applies every step in order; throws RowError naming the step (and column) at fault. */
  apply(row: Cell[]): Cell[] | null;
}

function indexOf(columns: string[], name: string, label: string): number {
  const i = columns.indexOf(name);
  if (i < 0) throw new StepError(`${label}: unknown column ${JSON.stringify(name)} (columns: ${columns.join(', ')})`);
  return i;
}

function compileExpr(expr: Expr, columns: string[], label: string): Evaluator {
  try {
    return compileExpression(expr, columns);
  } catch (err) {
    if (err instanceof ExpressionError) throw new StepError(`${label}: ${err.message}`);
    throw err;
  }
}

function rowError(label: string, column: string | undefined, err: unknown): unknown {
  if (!(err instanceof ValueError)) return err;
  return new RowError(`${label}: ${column === undefined ? '' : `column ${column}: `}${err.message}`);
}

function compileStep(step: ParsedStep, columns: string[]): { fn: RowFn; columns: string[] } {
  const { label } = step;
  switch (step.op) {
    case 'select': {
      const idx = step.columns.map((c) => indexOf(columns, c, label));
      return { columns: [...step.columns], fn: (row) => idx.map((i) => row[i]) };
    }
    case 'rename': {
      // All renames of a step apply at once, so { a: b, b: a } swaps two columns.
      const out = [...columns];
      for (const [from, to] of step.renames) out[indexOf(columns, from, label)] = to;
      const dup = out.find((c, i) => out.indexOf(c) !== i);
      if (dup !== undefined) throw new StepError(`${label}: two columns would be named ${JSON.stringify(dup)}`);
      return { columns: out, fn: (row) => row };
    }
    case 'cast': {
      const casts = step.casts.map(([column, type]) => ({ column, type, i: indexOf(columns, column, label) }));
      return {
        columns,
        fn: (row) => {
          for (const c of casts) {
            try {
              row[c.i] = castValue(row[c.i] ?? null, c.type);
            } catch (err) {
              throw rowError(label, c.column, err);
            }
          }
          return row;
        },
      };
    }
    case 'filter': {
      const test = compileExpr(step.expr, columns, label);
      const reads = columnsOf(step.expr);
      return {
        columns,
        fn: (row) => {
          try {
            const v = test(row);
            return v !== null && toBoolean(v) ? row : null;
          } catch (err) {
            throw rowError(`${label}${reads.length ? ` on ${reads.join(', ')}` : ''}`, undefined, err);
          }
        },
      };
    }
    case 'derive': {
      // Derivations run in order: a later one may use a column an earlier one made.
      let current = columns;
      const plan = step.derives.map(([column, expr]) => {
        const evaluate = compileExpr(expr, current, `${label}: column ${column}`);
        const existing = current.indexOf(column);
        const i = existing >= 0 ? existing : current.length;
        if (existing < 0) current = [...current, column];
        return { column, evaluate, i };
      });
      return {
        columns: current,
        fn: (row) => {
          for (const d of plan) {
            try {
              row[d.i] = d.evaluate(row);
            } catch (err) {
              throw rowError(label, d.column, err);
            }
          }
          return row;
        },
      };
    }
  }
}

/**
 * Compiles parsed steps for input rows with `inputColumns`: resolves every column reference
 * (an unknown one is a StepError before any row is read) and computes the output columns.
 * - select: keeps these columns, in this order;
 * - rename: { old: new }, all at once;
 * - cast: { column: type } (see castValue);
 * - filter: keeps a row when the condition is true (NULL or false drops it);
 * - derive: { column: expression }, adds the column (or replaces it in place), in order.
 */
export function compileSteps(steps: ParsedStep[], inputColumns: string[]): CompiledSteps {
  let columns = [...inputColumns];
  const fns: RowFn[] = [];
  for (const step of steps) {
    const compiled = compileStep(step, columns);
    fns.push(compiled.fn);
    columns = compiled.columns;
  }
  const width = inputColumns.length;
  return {
    columns,
    apply(row) {
      if (row.length < width) for (let i = row.length; i < width; i++) row[i] = null;
      let r: Cell[] | null = row;
      for (let s = 0; s < fns.length && r; s++) r = fns[s](r);
      return r;
    },
  };
}
