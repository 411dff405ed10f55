import type { Cell } from './values.js';

export const COMPARE_OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '||';

/** An expression tree: what the parser produces and the structured filter converts to. */
export type Expr =
  | { kind: 'literal'; value: Cell }
  | { kind: 'column'; name: string }
  | { kind: 'negate'; arg: Expr }
  | { kind: 'not'; arg: Expr }
  | { kind: 'arithmetic'; op: ArithmeticOp; left: Expr; right: Expr }
  | { kind: 'compare'; op: CompareOp; left: Expr; right: Expr }
  | { kind: 'logical'; op: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'isNull'; arg: Expr; negated: boolean }
  | { kind: 'in'; arg: Expr; list: Expr[]; negated: boolean }
  | { kind: 'call'; fn: string; args: Expr[] };

/** Column names an expression reads, in first-use order. */
export function columnsOf(expr: Expr, out: string[] = []): string[] {
  switch (expr.kind) {
    case 'literal':
      break;
    case 'column':
      if (!out.includes(expr.name)) out.push(expr.name);
      break;
    case 'negate':
    case 'not':
    case 'isNull':
      columnsOf(expr.arg, out);
      break;
    case 'arithmetic':
    case 'compare':
    case 'logical':
      columnsOf(expr.left, out);
      columnsOf(expr.right, out);
      break;
    case 'in':
      columnsOf(expr.arg, out);
      expr.list.forEach((e) => columnsOf(e, out));
      break;
    case 'call':
      expr.args.forEach((e) => columnsOf(e, out));
      break;
  }
  return out;
}

/** Depth of the tree (a literal or a column is 1). */
export function depthOf(expr: Expr): number {
  switch (expr.kind) {
    case 'literal':
    case 'column':
      return 1;
    case 'negate':
    case 'not':
    case 'isNull':
      return 1 + depthOf(expr.arg);
    case 'arithmetic':
    case 'compare':
    case 'logical':
      return 1 + Math.max(depthOf(expr.left), depthOf(expr.right));
    case 'in':
      return 1 + Math.max(depthOf(expr.arg), ...expr.list.map(depthOf));
    case 'call':
      return 1 + Math.max(0, ...expr.args.map(depthOf));
  }
}
