import { FUNCTION_RULES } from './functions.js';
import { type Token, SqlSyntaxError, isOp, isWord, matchParen, quoteIdent, quoteString, splitTopLevel } from './lexer.js';
import { aliasSql, readSelectList } from './select-list.js';
import { mapTypeAt, skipWs } from './types.js';

export interface TranslateOptions {
  /** DuckDB literal for bind `position` (1-based, as a string). */
  bind(position: string): string;
  /** The bind's raw text, for IDENTIFIER(?). */
  bindRaw(position: string): string | null;
  /** Receives every quoted identifier, so result column names can keep their case. */
  quoted?: Set<string>;
}

/**
 * Rewrites Snowflake SQL into DuckDB SQL token by token: unquoted identifiers are upper-cased
 * (Snowflake's identifier resolution), string literals re-encoded (Snowflake allows backslash
 * escapes), binds inlined as literals, type names mapped, Snowflake-only functions rewritten,
 * variant paths (`v:a.b`) turned into json_extract, and `/` guarded so that a zero divisor raises
 * Snowflake's "Division by zero" instead of DuckDB's NULL/Infinity.
 */
export function translate(tokens: Token[], opts: TranslateOptions, from = 0, to = tokens.length): string {
  return new Translator(tokens, opts).emit(from, to);
}

class Translator {
  constructor(
    private readonly t: Token[],
    private readonly opts: TranslateOptions,
  ) {}

  emit(from: number, to: number): string {
    const out: string[] = [];
    const t = this.t;
    let operandStart = 0;
    let prev: Token | undefined;
    // SELECT TOP n → LIMIT n at the end of this query scope.
    let limit = '';
    for (let k = from; k < to; k++) {
      const tok = t[k];
      switch (tok.kind) {
        case 'ws':
          // DuckDB has no `//` comments; keep line breaks so error positions stay meaningful.
          out.push(tok.text.startsWith('-') || tok.text.startsWith('/') ? (tok.text.includes('\n') ? '\n' : ' ') : tok.text);
          continue;
        case 'string':
          out.push(quoteString(tok.value));
          break;
        case 'number':
          out.push(tok.text);
          break;
        case 'param':
          out.push(this.opts.bind(tok.value));
          break;
        case 'semi':
          out.push(';');
          break;
        case 'qident':
          if (!isOp(prev, '.')) operandStart = out.length;
          this.opts.quoted?.add(tok.value);
          out.push(tok.text);
          break;
        case 'ident': {
          const word = tok.text.toUpperCase();
          const at = k;
          const open = skipWs(t, k + 1);
          if (!isOp(prev, '.')) operandStart = out.length;
          if (word === 'X' && t[k + 1]?.kind === 'string' && t[k + 1].pos === tok.pos + 1) {
            // X'0AFF' is a binary literal in Snowflake.
            out.push(`unhex(${quoteString(t[k + 1].value)})`);
            k++;
          } else if (word === 'TABLE' && isOp(t[open], '(') && (isWord(prev, 'FROM', 'JOIN') || isOp(prev, ','))) {
            // FROM TABLE(f(…)) is just f(…) in DuckDB.
            const close = matchParen(t, open);
            out.push(this.emit(open + 1, close).trim());
            k = close;
          } else if (word === 'VALUES' && isWord(prev, 'FROM', 'JOIN') && isOp(t[open], '(')) {
            const values = this.fromValues(open, to);
            out.push(values.sql);
            k = values.end - 1;
          } else if (isOp(t[open], '(') && open < to && !isOp(prev, '.')) {
            const close = matchParen(t, open);
            // LISTAGG(x, ',') WITHIN GROUP (ORDER BY y): DuckDB takes the ORDER BY inside the call.
            let orderBy = '';
            const within = skipWs(t, close + 1);
            const group = skipWs(t, within + 1);
            if (isWord(t[within], 'WITHIN') && isWord(t[group], 'GROUP') && isOp(t[skipWs(t, group + 1)], '(')) {
              const gOpen = skipWs(t, group + 1);
              const gClose = matchParen(t, gOpen);
              orderBy = this.emit(gOpen + 1, gClose).trim();
              k = gClose;
            } else k = close;
            out.push(this.call(word, at, open, close, orderBy));
          } else if (word === 'SELECT') {
            const list = readSelectList(t, k, to);
            const items = list.items.map((item) => {
              const sql = this.emit(item.from, item.to);
              if (!item.alias) return sql;
              this.opts.quoted?.add(item.alias);
              const trimmed = sql.trimEnd();
              return trimmed + aliasSql(item.alias) + sql.slice(trimmed.length);
            });
            out.push(`${['SELECT', ...list.modifiers].join(' ')} ${items.join(',').trimStart()}`);
            if (list.top) limit = ` LIMIT ${list.top}`;
            k = list.end - 1;
          } else out.push(word);
          break;
        }
        case 'op': {
          if (tok.text === '(' || tok.text === '[') {
            const close = matchParen(t, k);
            operandStart = out.length;
            out.push(tok.text, this.emit(k + 1, close), t[close].text);
            k = close;
          } else if (tok.text === '::') {
            const mapped = mapTypeAt(t, k + 1);
            out.push('::', mapped.sql);
            k = mapped.end - 1;
          } else if (tok.text === '/') {
            const end = this.operandEnd(k + 1, to);
            out.push('/ SF_NZ(', this.emit(k + 1, end), ')');
            k = end - 1;
          } else if (tok.text === ':' && (t[k + 1]?.kind === 'ident' || t[k + 1]?.kind === 'qident')) {
            const base = out.splice(operandStart).join('');
            const path = this.variantPath(k + 1, base);
            out.push(path.sql);
            k = path.end - 1;
          } else if (tok.text === '.' && isOp(t[k + 1], '.')) {
            // db..table means the PUBLIC schema of db.
            out.push('."PUBLIC".');
            k++;
          } else if (tok.text === '=>') out.push(':=');
          else if (tok.text === '$' && t[k + 1]?.kind === 'number' && t[k + 1].pos === tok.pos + 1) {
            // $1 is the first column of a staged file or VALUES list: named COLUMN1 here.
            out.push(`COLUMN${t[k + 1].text}`);
            k++;
          } else out.push(tok.text);
          break;
        }
      }
      prev = tok;
    }
    return out.join('') + limit;
  }

  /** FROM VALUES (…), (…) [alias] → a parenthesised VALUES with Snowflake's COLUMN1… names. */
  private fromValues(open: number, to: number): { sql: string; end: number } {
    const t = this.t;
    const groups: string[] = [];
    let k = open;
    let width = 0;
    for (;;) {
      const close = matchParen(t, k);
      if (!groups.length) width = splitTopLevel(t, k + 1, close).length;
      groups.push(`(${this.emit(k + 1, close)})`);
      const next = skipWs(t, close + 1);
      if (next < to && isOp(t[next], ',') && isOp(t[skipWs(t, next + 1)], '(')) k = skipWs(t, next + 1);
      else {
        k = close + 1;
        break;
      }
    }
    const aliased =
      isWord(t[skipWs(t, k)], 'AS') ||
      (t[skipWs(t, k)]?.kind === 'ident' &&
        !isWord(t[skipWs(t, k)], 'WHERE', 'ORDER', 'GROUP', 'LIMIT', 'UNION', 'JOIN', 'ON', 'QUALIFY', 'HAVING', 'LEFT', 'INNER', 'CROSS', 'FULL', 'RIGHT'));
    const columns = Array.from({ length: width }, (_, i) => `COLUMN${i + 1}`).join(', ');
    return { sql: `(VALUES ${groups.join(', ')})${aliased ? '' : ` AS "VALUES"(${columns})`}`, end: k };
  }

  private call(word: string, at: number, open: number, close: number, orderBy = ''): string {
    const t = this.t;
    if (word === 'CAST' || word === 'TRY_CAST') {
      const as = this.findTopLevelWord(open + 1, close, 'AS');
      if (as < 0) throw new SqlSyntaxError(`${word} without AS`, t[open].pos);
      return `${word}(${this.emit(open + 1, as).trim()} AS ${mapTypeAt(t, as + 1).sql})`;
    }
    if (word === 'IDENTIFIER') return this.identifier(open, close);
    // A table named like a rewritten function (INSERT INTO SPLIT (…)) is not a call.
    const before = t
      .slice(0, at)
      .reverse()
      .find((x) => x.kind !== 'ws');
    const rule = isWord(before, 'INTO', 'TABLE', 'FROM', 'JOIN', 'UPDATE') ? undefined : FUNCTION_RULES[word];
    if (!rule) return `${word}(${this.emit(open + 1, close)})`;
    const parts = open + 1 === close || t.slice(open + 1, close).every((x) => x.kind === 'ws') ? [] : splitTopLevel(t, open + 1, close);
    const sql = parts.map(([a, b]) => this.emit(a, b).trim());
    const word0 = (i: number): string => {
      const part = parts[i];
      if (!part) return '';
      const sig = t.slice(part[0], part[1]).filter((x) => x.kind !== 'ws');
      return sig.length === 1 && (sig[0].kind === 'string' || sig[0].kind === 'qident')
        ? sig[0].value.toUpperCase()
        : sig
            .map((x) => x.text)
            .join('')
            .toUpperCase();
    };
    return rule({ sql, word: word0, orderBy });
  }

  /** IDENTIFIER('db.schema.t') / IDENTIFIER(?) → a quoted, correctly cased name. */
  private identifier(open: number, close: number): string {
    const arg = this.t.slice(open + 1, close).find((x) => x.kind !== 'ws');
    const raw = arg?.kind === 'string' ? arg.value : arg?.kind === 'param' ? this.opts.bindRaw(arg.value) : null;
    if (raw == null) throw new SqlSyntaxError('IDENTIFIER() needs a string literal or a bind', this.t[open].pos);
    return splitQualifiedName(raw).map(quoteIdent).join('.');
  }

  private findTopLevelWord(from: number, to: number, word: string): number {
    let depth = 0;
    for (let k = from; k < to; k++) {
      const x = this.t[k];
      if (isOp(x, '(') || isOp(x, '[')) depth++;
      else if (isOp(x, ')') || isOp(x, ']')) depth--;
      else if (depth === 0 && isWord(x, word)) return k;
    }
    return -1;
  }

  /** End (exclusive) of the operand right of a binary operator: a unary expression with postfixes. */
  private operandEnd(k: number, to: number): number {
    const t = this.t;
    k = skipWs(t, k);
    while (isOp(t[k], '-') || isOp(t[k], '+')) k = skipWs(t, k + 1);
    const first = t[k];
    if (!first) return to;
    if (isOp(first, '(')) k = matchParen(t, k) + 1;
    else if (isWord(first, 'CASE')) {
      let depth = 0;
      for (; k < to; k++) {
        if (isWord(t[k], 'CASE')) depth++;
        else if (isWord(t[k], 'END') && --depth === 0) break;
      }
      k++;
    } else if (first.kind === 'ident' || first.kind === 'qident') {
      k++;
      for (;;) {
        const n = skipWs(t, k);
        if (isOp(t[n], '.') && t[n + 1] && t[n + 1].kind !== 'ws') k = n + 2;
        else if (isOp(t[n], '(')) k = matchParen(t, n) + 1;
        else break;
      }
    } else k++;
    for (;;) {
      const n = skipWs(t, k);
      if (isOp(t[n], '::')) k = mapTypeAt(t, n + 1).end;
      else if (isOp(t[n], '[')) k = matchParen(t, n) + 1;
      else if (isOp(t[n], ':') && (t[n + 1]?.kind === 'ident' || t[n + 1]?.kind === 'qident')) k = this.variantPath(n + 1, '').end;
      else break;
    }
    return Math.min(k, to);
  }

  /** `base:a.b[0]` [::type] → json_extract… Path keys keep their case, as in Snowflake. */
  private variantPath(k: number, base: string): { sql: string; end: number } {
    const t = this.t;
    let path = '$';
    const key = (x: Token) => (x.kind === 'qident' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(x.value) ? `."${x.value}"` : `.${x.text}`);
    path += key(t[k]);
    k++;
    for (;;) {
      if (isOp(t[k], '.') && (t[k + 1]?.kind === 'ident' || t[k + 1]?.kind === 'qident')) {
        path += key(t[k + 1]);
        k += 2;
      } else if (isOp(t[k], '[') && isOp(t[k + 2], ']') && (t[k + 1]?.kind === 'number' || t[k + 1]?.kind === 'string')) {
        path += t[k + 1].kind === 'number' ? `[${t[k + 1].text}]` : `."${t[k + 1].value}"`;
        k += 3;
      } else break;
    }
    const n = skipWs(t, k);
    const literal = quoteString(path);
    if (isOp(t[n], '::')) {
      const mapped = mapTypeAt(t, n + 1);
      if (mapped.sql === 'JSON') return { sql: `json_extract(${base}, ${literal})`, end: mapped.end };
      const text = `json_extract_string(${base}, ${literal})`;
      return { sql: mapped.sql === 'VARCHAR' ? text : `CAST(${text} AS ${mapped.sql})`, end: mapped.end };
    }
    return { sql: `json_extract(${base}, ${literal})`, end: k };
  }
}

/** 'db."My Schema".t' → ['DB', 'My Schema', 'T'] with Snowflake's case rules. */
export function splitQualifiedName(raw: string): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < raw.length) {
    if (raw[i] === '"') {
      let v = '';
      i++;
      while (i < raw.length && !(raw[i] === '"' && raw[i + 1] !== '"')) {
        if (raw[i] === '"') i++;
        v += raw[i++];
      }
      i++;
      parts.push(v);
    } else {
      const end = raw.indexOf('.', i);
      parts.push(
        raw
          .slice(i, end < 0 ? raw.length : end)
          .trim()
          .toUpperCase(),
      );
      i = end < 0 ? raw.length : end;
    }
    if (raw[i] === '.') i++;
  }
  return parts;
}
