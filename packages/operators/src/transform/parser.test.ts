import { describe, expect, it } from '@jest/globals';
import type { Expr } from './ast.js';
import { ExpressionError } from './errors.js';
import { tokenize } from './lexer.js';
import { MAX_EXPRESSION_LENGTH, parseExpression } from './parser.js';

const col = (name: string): Expr => ({ kind: 'column', name });
const lit = (value: string | number | boolean | null): Expr => ({ kind: 'literal', value });

/** The tree as compact S-expressions, to assert precedence readably. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'column':
      return e.name;
    case 'negate':
      return `(neg ${show(e.arg)})`;
    case 'not':
      return `(not ${show(e.arg)})`;
    case 'arithmetic':
    case 'compare':
    case 'logical':
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'isNull':
      return `(${e.negated ? 'notnull' : 'isnull'} ${show(e.arg)})`;
    case 'in':
      return `(${e.negated ? 'notin' : 'in'} ${show(e.arg)} ${e.list.map(show).join(' ')})`;
    case 'call':
      return `(${e.fn} ${e.args.map(show).join(' ')})`;
  }
}
const p = (src: string) => show(parseExpression(src));
const err = (src: string) => {
  try {
    parseExpression(src);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return (e as Error).message;
  }
  throw new Error(`parsed: ${src}`);
};

describe('tokenize', () => {
  it('reads numbers, strings, names, quoted names, keywords and operators with positions', () => {
    expect(tokenize(`a1 >= 1.5e2 AND "x y" <> 'it''s' || .5`)).toEqual([
      { type: 'ident', value: 'a1', quoted: false, pos: 0 },
      { type: 'op', value: '>=', pos: 3 },
      { type: 'number', value: 150, pos: 6 },
      { type: 'keyword', value: 'and', pos: 12 },
      { type: 'ident', value: 'x y', quoted: true, pos: 16 },
      { type: 'op', value: '<>', pos: 22 },
      { type: 'string', value: "it's", pos: 25 },
      { type: 'op', value: '||', pos: 33 },
      { type: 'number', value: 0.5, pos: 36 },
      { type: 'eof', pos: 38 },
    ]);
  });
  it('reads unicode names and "" inside quoted names', () => {
    expect(tokenize('région "a""b"').slice(0, 2)).toEqual([
      { type: 'ident', value: 'région', quoted: false, pos: 0 },
      { type: 'ident', value: 'a"b', quoted: true, pos: 7 },
    ]);
  });
  it('rejects unknown characters and unterminated quotes', () => {
    expect(() => tokenize('a ; b')).toThrow('unexpected character ";" at position 3');
    expect(() => tokenize("a = 'x")).toThrow('unterminated string starting at position 5');
    expect(() => tokenize('"a = 1')).toThrow('unterminated quoted column name starting at position 1');
    expect(() => tokenize('"" = 1')).toThrow('empty column name at position 1');
    expect(() => tokenize('a = `b`')).toThrow('unexpected character "`" at position 5');
  });
});

describe('parseExpression', () => {
  it('parses literals and columns', () => {
    expect(parseExpression('42')).toEqual(lit(42));
    expect(parseExpression("'us'")).toEqual(lit('us'));
    expect(parseExpression('TRUE')).toEqual(lit(true));
    expect(parseExpression('false')).toEqual(lit(false));
    expect(parseExpression('Null')).toEqual(lit(null));
    expect(parseExpression('amount')).toEqual(col('amount'));
    expect(parseExpression('"and"')).toEqual(col('and'));
    expect(parseExpression('-3')).toEqual(lit(-3));
    expect(parseExpression('+3')).toEqual(lit(3));
  });

  it('binds like SQL: or < and < not < comparison < + - || < * / % < unary minus', () => {
    expect(p('a or b and c')).toBe('(or a (and b c))');
    expect(p('not a = 1 and b')).toBe('(and (not (= a 1)) b)');
    expect(p('not not a')).toBe('(not (not a))');
    expect(p('a + b * c > d - e / f')).toBe('(> (+ a (* b c)) (- d (/ e f)))');
    expect(p('a - b - c')).toBe('(- (- a b) c)');
    expect(p('a / b % c')).toBe('(% (/ a b) c)');
    expect(p("a || '-' || b")).toBe("(|| (|| a '-') b)");
    expect(p('-a * b')).toBe('(* (neg a) b)');
    expect(p('- - a')).toBe('(neg (neg a))');
    expect(p('(a or b) and c')).toBe('(and (or a b) c)');
    expect(p('a = 1 or b = 2 and not c = 3')).toBe('(or (= a 1) (and (= b 2) (not (= c 3))))');
  });

  it('reads every comparison operator, with == and <> as = and !=', () => {
    expect(['=', '==', '!=', '<>', '<', '<=', '>', '>='].map((op) => p(`a ${op} 1`))).toEqual([
      '(= a 1)',
      '(= a 1)',
      '(!= a 1)',
      '(!= a 1)',
      '(< a 1)',
      '(<= a 1)',
      '(> a 1)',
      '(>= a 1)',
    ]);
  });

  it('parses is [not] null and [not] in', () => {
    expect(p('email is null')).toBe('(isnull email)');
    expect(p('email IS NOT NULL and x')).toBe('(and (notnull email) x)');
    expect(p("region in ('us', 'eu')")).toBe("(in region 'us' 'eu')");
    expect(p('n not in (1, 2 + 3)')).toBe('(notin n 1 (+ 2 3))');
    expect(p('not region in (1)')).toBe('(not (in region 1))');
    expect(p('a + 1 in (2)')).toBe('(in (+ a 1) 2)');
  });

  it('parses function calls by case-insensitive name', () => {
    expect(p("UPPER(trim(name)) || concat(a, 'x', b)")).toBe("(|| (upper (trim name)) (concat a 'x' b))");
    expect(p('round(amount * 1.1, 2)')).toBe('(round (* amount 1.1) 2)');
    expect(p('coalesce(a, b, 0)')).toBe('(coalesce a b 0)');
    expect(p('"upper"')).toBe('upper');
  });

  it('reports syntax errors with their position', () => {
    expect(err('')).toBe('the expression is empty');
    expect(err('   ')).toBe('the expression is empty');
    expect(err('a >')).toBe('the expression ends too early at position 4');
    expect(err('a > 1 2')).toBe('unexpected "2" at position 7');
    expect(err('a b')).toBe('unexpected name b at position 3');
    expect(err('(a > 1')).toBe('expected ")" to close "(" but found the end of the expression at position 7');
    expect(err('a < b < c')).toBe('comparisons cannot be chained (use and) at position 7');
    expect(err('a is 1')).toBe('expected null after "is" but found "1" at position 6');
    expect(err('a is not x')).toBe('expected null after "is not" but found name x at position 10');
    expect(err('a in 1')).toBe('expected "(" after "in" but found "1" at position 6');
    expect(err('a in ()')).toBe('"in" needs at least one value at position 7');
    expect(err('a in (1, 2')).toBe('expected ")" to close the "in" list but found the end of the expression at position 11');
    expect(err('a and')).toBe('the expression ends too early at position 6');
    expect(err('and a')).toBe('unexpected "and" at position 1');
    expect(err('a = )')).toBe('unexpected ")" at position 5');
    expect(err("'x' 'y'")).toBe("unexpected string 'y' at position 5");
    expect(err('1.2.3')).toBe('unexpected "0.3" at position 4');
  });

  it('rejects unknown functions and wrong argument counts', () => {
    expect(err('eval(x)')).toBe('unknown function eval (functions: upper, lower, trim, round, coalesce, concat) at position 1');
    expect(err('upper()')).toBe('upper takes 1 argument(s), got 0 at position 1');
    expect(err('upper(a, b)')).toBe('upper takes 1 argument(s), got 2 at position 1');
    expect(err('round(a, 1, 2)')).toBe('round takes 1 to 2 argument(s), got 3 at position 1');
    expect(err('coalesce()')).toBe('coalesce takes at least 1 argument(s), got 0 at position 1');
    expect(err('upper(a')).toBe('expected ")" to close the arguments of upper but found the end of the expression at position 8');
  });

  it('limits length and nesting', () => {
    expect(err('a'.repeat(MAX_EXPRESSION_LENGTH + 1))).toBe(`the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
    expect(err(`${'('.repeat(200)}a${')'.repeat(200)}`)).toMatch(/^the expression nests deeper than 100 levels/);
    expect(err(Array.from({ length: 150 }, () => 'a').join(' + '))).toBe('the expression nests deeper than 100 levels');
    expect(err(`${'not '.repeat(150)}a`)).toMatch(/^the expression nests deeper than 100 levels/);
    expect(p(`${'('.repeat(50)}a${')'.repeat(50)}`)).toBe('a');
  });
});
