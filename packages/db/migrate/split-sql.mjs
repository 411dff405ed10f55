// Splits a migration script into its statements at the semicolons that end them: not those inside
// a comment (`--`, `/* */`), a string ('…', E'…'), a quoted identifier ("…") or a dollar-quoted
// body ($$…$$, $tag$…$tag$, as in a DO block or a function). @prisma/adapter-pg's executeScript
// splits at every semicolon, which breaks the last three; Tower's migrations use DO blocks.
const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;

/** The statements of `script`, trimmed, without empty ones (a statement of comments only included as is). */
export function splitSqlScript(script) {
  const statements = [];
  let start = 0;
  let i = 0;
  const n = script.length;
  const skipTo = (end) => {
    i = end < 0 ? n : end;
  };
  while (i < n) {
    const c = script[i];
    const next = script[i + 1];
    if (c === '-' && next === '-') {
      skipTo(script.indexOf('\n', i));
    } else if (c === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      skipTo(end < 0 ? -1 : end + 2);
    } else if (c === "'" || c === '"') {
      // A doubled quote inside is an escaped one: scanning on from it finds the real end.
      let j = i + 1;
      for (;;) {
        const end = script.indexOf(c, j);
        if (end < 0) {
          j = n;
          break;
        }
        if (script[end + 1] === c) {
          j = end + 2;
          continue;
        }
        // E'…' strings escape with a backslash too.
        if (c === "'" && script[end - 1] === '\\' && /[eE]$/.test(script.slice(0, i))) {
          j = end + 1;
          continue;
        }
        j = end + 1;
        break;
      }
      i = j;
    } else if (c === '$' && !/[A-Za-z0-9_]/.test(script[i - 1] ?? '')) {
      const tag = DOLLAR_TAG.exec(script.slice(i));
      if (tag) {
        const end = script.indexOf(tag[0], i + tag[0].length);
        skipTo(end < 0 ? -1 : end + tag[0].length);
      } else {
        i++;
      }
    } else if (c === ';') {
      statements.push(script.slice(start, i));
      i++;
      start = i;
    } else {
      i++;
    }
  }
  statements.push(script.slice(start));
  return statements.map((s) => s.trim()).filter((s) => s.length > 0 && !isOnlyComments(s));
}

function isOnlyComments(statement) {
  return statement
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .every((line) => line.trim() === '' || line.trim().startsWith('--'));
}
