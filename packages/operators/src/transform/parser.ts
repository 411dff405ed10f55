import { depthOf, type CompareOp, type Expr } from './ast.js';
import { ExpressionError } from './errors.js';
import { FUNCTIONS } from './functions.js';
import { tokenize, type Keyword, type Token } from './lexer.js';

export const MAX_EXPRESSION_LENGTH = 10_000;
const MAX_DEPTH = 100;
/** Comparison operators as written; == and <> are read as = and !=. */
const COMPARISON_TOKENS = ['=', '==', '!=', '<>', '<', '<=', '>', '>='];

/**
 * A hand-written recursive-descent parser for the transform expression language — never eval or
 * new Function: an expression can only read columns, compare, compute and call FUNCTIONS.
 * Grammar, loosest binding first (SQL-like):
 *   or      := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | cmp
 *   cmp     := sum [ (= | == | != | <> | < | <= | > | >=) sum
 *                  | 'is' ['not'] 'null' | ['not'] 'in' '(' or (',' or)* ')' ]
 *   sum     := product (('+' | '-' | '||') product)*
 *   product := unary (('*' | '/' | '%') unary)*
 *   unary   := '-' unary | '+' unary | primary
 *   primary := number | 'string' | true | false | null | column | "quoted column"
 *            | name '(' [or (',' or)*] ')' | '(' or ')'
 * Comparisons do not chain (`a < b < c` is an error).
 */
export function parseExpression(source: string): Expr {
  if (typeof source !== 'string' || source.trim() === '') throw new ExpressionError('the expression is empty');
  if (source.length > MAX_EXPRESSION_LENGTH) throw new ExpressionError(`the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  const expr = new Parser(tokenize(source)).parseAll();
  if (depthOf(expr) > MAX_DEPTH) throw new ExpressionError(`the expression nests deeper than ${MAX_DEPTH} levels`);
  return expr;
}

function describe(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'the end of the expression';
    case 'string':
      return `string '${t.value}'`;
    case 'ident':
      return `name ${t.value}`;
    default:
      return `"${t.value}"`;
  }
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private get peek(): Token {
    return this.tokens[this.i];
  }

  private fail(message: string, t: Token = this.peek): never {
    throw new ExpressionError(`${message} at position ${t.pos + 1}`);
  }

  private isKeyword(k: Keyword, offset = 0): boolean {
    const t = this.tokens[this.i + offset];
    return t.type === 'keyword' && t.value === k;
  }

  private isOp(...ops: string[]): boolean {
    const t = this.peek;
    return t.type === 'op' && ops.includes(t.value);
  }

  private expectOp(op: string, context: string): void {
    if (!this.isOp(op)) this.fail(`expected "${op}" ${context} but found ${describe(this.peek)}`);
    this.i++;
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(`the expression nests deeper than ${MAX_DEPTH} levels`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  parseAll(): Expr {
    const e = this.or();
    if (this.peek.type !== 'eof') this.fail(`unexpected ${describe(this.peek)}`);
    return e;
  }

  private or(): Expr {
    return this.nested(() => {
      let left = this.and();
      while (this.isKeyword('or')) {
        this.i++;
        left = { kind: 'logical', op: 'or', left, right: this.and() };
      }
      return left;
    });
  }

  private and(): Expr {
    let left = this.not();
    while (this.isKeyword('and')) {
      this.i++;
      left = { kind: 'logical', op: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): Expr {
    if (this.isKeyword('not')) {
      this.i++;
      return this.nested(() => ({ kind: 'not', arg: this.not() }));
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.sum();
    const t = this.peek;
    if (t.type === 'op' && COMPARISON_TOKENS.includes(t.value)) {
      this.i++;
      const op = (t.value === '==' ? '=' : t.value === '<>' ? '!=' : t.value) as CompareOp;
      const right = this.sum();
      const after = this.peek;
      if (after.type === 'op' && COMPARISON_TOKENS.includes(after.value)) this.fail('comparisons cannot be chained (use and)', after);
      return { kind: 'compare', op, left, right };
    }
    if (this.isKeyword('is')) {
      this.i++;
      const negated = this.isKeyword('not');
      if (negated) this.i++;
      if (!this.isKeyword('null')) this.fail(`expected null after "is${negated ? ' not' : ''}" but found ${describe(this.peek)}`);
      this.i++;
      return { kind: 'isNull', arg: left, negated };
    }
    const negatedIn = this.isKeyword('not') && this.isKeyword('in', 1);
    if (negatedIn || this.isKeyword('in')) {
      this.i += negatedIn ? 2 : 1;
      this.expectOp('(', 'after "in"');
      if (this.isOp(')')) this.fail('"in" needs at least one value');
      const list = [this.or()];
      while (this.isOp(',')) {
        this.i++;
        list.push(this.or());
      }
      this.expectOp(')', 'to close the "in" list');
      return { kind: 'in', arg: left, list, negated: negatedIn };
    }
    return left;
  }

  private sum(): Expr {
    let left = this.product();
    while (this.isOp('+', '-', '||')) {
      const op = (this.tokens[this.i++] as { value: '+' | '-' | '||' }).value;
      left = { kind: 'arithmetic', op, left, right: this.product() };
    }
    return left;
  }

  private product(): Expr {
    let left = this.unary();
    while (this.isOp('*', '/', '%')) {
      const op = (this.tokens[this.i++] as { value: '*' | '/' | '%' }).value;
      left = { kind: 'arithmetic', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp('-', '+')) {
      const minus = this.isOp('-');
      this.i++;
      return this.nested(() => {
        const arg = this.unary();
        if (!minus) return arg;
        return arg.kind === 'literal' && typeof arg.value === 'number' ? { kind: 'literal', value: -arg.value } : { kind: 'negate', arg };
      });
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.peek;
    switch (t.type) {
      case 'number':
      case 'string':
        this.i++;
        return { kind: 'literal', value: t.value };
      case 'keyword':
        if (t.value === 'true' || t.value === 'false' || t.value === 'null') {
          this.i++;
          return { kind: 'literal', value: t.value === 'null' ? null : t.value === 'true' };
        }
        return this.fail(`unexpected ${describe(t)}`);
      case 'ident':
        this.i++;
        // A quoted name is always a column, even before "(".
        if (!t.quoted && this.isOp('(')) return this.call(t);
        return { kind: 'column', name: t.value };
      case 'op':
        if (t.value === '(') {
          this.i++;
          const e = this.or();
          this.expectOp(')', 'to close "("');
          return e;
        }
        return this.fail(`unexpected ${describe(t)}`);
      case 'eof':
        return this.fail('the expression ends too early');
    }
  }

  private call(name: Token & { type: 'ident' }): Expr {
    const fn = name.value.toLowerCase();
    const def = FUNCTIONS[fn];
    if (!def) this.fail(`unknown function ${name.value} (functions: ${Object.keys(FUNCTIONS).join(', ')})`, name);
    this.expectOp('(', `after ${name.value}`);
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      args.push(this.or());
      while (this.isOp(',')) {
        this.i++;
        args.push(this.or());
      }
    }
    this.expectOp(')', `to close the arguments of ${fn}`);
    if (args.length < def.minArgs || args.length > def.maxArgs) {
      const expected =
        def.maxArgs === Infinity ? `at least ${def.minArgs}` : def.minArgs === def.maxArgs ? `${def.minArgs}` : `${def.minArgs} to ${def.maxArgs}`;
      this.fail(`${fn} takes ${expected} argument(s), got ${args.length}`, name);
    }
    return { kind: 'call', fn, args };
  }
}
