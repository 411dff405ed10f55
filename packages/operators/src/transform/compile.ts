import type { Expr } from './ast.js';
import { ExpressionError, ValueError } from './errors.js';
import { FUNCTIONS } from './functions.js';
import { compare, toBoolean, toNumber, toText, type Cell } from './values.js';

/** Evaluates an expression against one row (an array aligned with the columns it was compiled for). */
export type Evaluator = (row: readonly Cell[]) => Cell;

/** SQL truth value of a non-null operand of and/or/not. */
const truth = (v: Cell): boolean | null => (v === null ? null : toBoolean(v));

function arithmetic(op: '+' | '-' | '*' | '/' | '%', a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0) throw new ValueError('division by zero');
      return a / b;
    case '%':
      if (b === 0) throw new ValueError('division by zero');
      return a % b;
  }
}

/**
 * Turns a tree into nested closures once per step (not per row). Unknown columns fail here, so a
 * typo is reported before any data is read. Semantics are SQL's: NULL propagates through
 * arithmetic, `||` and comparisons; and/or/not use three-valued logic, and `and`/`or` do not
 * evaluate their right side when the left decides; `in` is NULL when nothing matches and the
 * list holds a NULL. Text in arithmetic or compared with a number is converted to a number.
 */
export function compileExpression(expr: Expr, columns: readonly string[]): Evaluator {
  switch (expr.kind) {
    case 'literal': {
      const value = expr.value;
      return () => value;
    }
    case 'column': {
      const i = columns.indexOf(expr.name);
      if (i < 0) throw new ExpressionError(`unknown column ${JSON.stringify(expr.name)} (columns: ${columns.join(', ')})`);
      return (row) => row[i] ?? null;
    }
    case 'negate': {
      const arg = compileExpression(expr.arg, columns);
      return (row) => {
        const v = arg(row);
        return v === null ? null : -toNumber(v);
      };
    }
    case 'not': {
      const arg = compileExpression(expr.arg, columns);
      return (row) => {
        const v = truth(arg(row));
        return v === null ? null : !v;
      };
    }
    case 'arithmetic': {
      const left = compileExpression(expr.left, columns);
      const right = compileExpression(expr.right, columns);
      const op = expr.op;
      if (op === '||') {
        return (row) => {
          const a = left(row);
          const b = right(row);
          return a === null || b === null ? null : toText(a) + toText(b);
        };
      }
      return (row) => {
        const a = left(row);
        const b = right(row);
        return a === null || b === null ? null : arithmetic(op, toNumber(a), toNumber(b));
      };
    }
    case 'compare': {
      const left = compileExpression(expr.left, columns);
      const right = compileExpression(expr.right, columns);
      const test = COMPARE_TESTS[expr.op];
      return (row) => {
        const c = compare(left(row), right(row));
        return c === null ? null : test(c);
      };
    }
    case 'logical': {
      const left = compileExpression(expr.left, columns);
      const right = compileExpression(expr.right, columns);
      if (expr.op === 'and') {
        return (row) => {
          const a = truth(left(row));
          if (a === false) return false;
          const b = truth(right(row));
          if (b === false) return false;
          return a === null || b === null ? null : true;
        };
      }
      return (row) => {
        const a = truth(left(row));
        if (a === true) return true;
        const b = truth(right(row));
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    }
    case 'isNull': {
      const arg = compileExpression(expr.arg, columns);
      const negated = expr.negated;
      return (row) => (arg(row) === null) !== negated;
    }
    case 'in': {
      const arg = compileExpression(expr.arg, columns);
      const list = expr.list.map((e) => compileExpression(e, columns));
      const negated = expr.negated;
      return (row) => {
        const v = arg(row);
        if (v === null) return null;
        let sawNull = false;
        for (const item of list) {
          const c = compare(v, item(row));
          if (c === 0) return !negated;
          if (c === null) sawNull = true;
        }
        return sawNull ? null : negated;
      };
    }
    case 'call': {
      const def = FUNCTIONS[expr.fn];
      if (!def) throw new ExpressionError(`unknown function ${expr.fn}`);
      const args = expr.args.map((e) => compileExpression(e, columns));
      const fn = expr.fn;
      return (row) => {
        const values = args.map((a) => a(row));
        try {
          return def.apply(values);
        } catch (err) {
          if (err instanceof ValueError && !err.message.startsWith(`${fn}:`)) throw new ValueError(`${fn}: ${err.message}`);
          throw err;
        }
      };
    }
  }
}

const COMPARE_TESTS: Record<string, (c: -1 | 0 | 1) => boolean> = {
  '=': (c) => c === 0,
  '!=': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};
