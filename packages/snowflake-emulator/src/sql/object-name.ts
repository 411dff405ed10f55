import { type Token, SqlSyntaxError, identName, isOp, isWord, matchParen } from './lexer.js';
import { type TranslateOptions, splitQualifiedName } from './translate.js';
import { skipWs } from './types.js';

/** Reads `a.b.c`, `"a".b` or `IDENTIFIER('a.b')` / `IDENTIFIER(?)` starting at tokens[k]. */
export function readObjectName(tokens: Token[], k: number, opts: TranslateOptions): { name: string[]; end: number } {
  k = skipWs(tokens, k);
  if (isWord(tokens[k], 'IDENTIFIER') && isOp(tokens[skipWs(tokens, k + 1)], '(')) {
    const open = skipWs(tokens, k + 1);
    const close = matchParen(tokens, open);
    const arg = tokens.slice(open + 1, close).find((x) => x.kind !== 'ws');
    const raw = arg?.kind === 'string' ? arg.value : arg?.kind === 'param' ? opts.bindRaw(arg.value) : null;
    if (raw == null) throw new SqlSyntaxError('IDENTIFIER() needs a string literal or a bind', tokens[k].pos);
    return { name: splitQualifiedName(raw), end: skipWs(tokens, close + 1) };
  }
  const name: string[] = [];
  for (;;) {
    const t = tokens[k];
    if (!t || (t.kind !== 'ident' && t.kind !== 'qident')) throw new SqlSyntaxError('expected an object name', t?.pos ?? 0);
    name.push(identName(t));
    k = skipWs(tokens, k + 1);
    if (!isOp(tokens[k], '.')) break;
    k = skipWs(tokens, k + 1);
  }
  return { name, end: k };
}
