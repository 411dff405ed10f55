import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUN_STATES, TASK_STATES } from '@tower/core';
import ts from 'typescript';

/**
 * The engine's SQL names states only through state-sql.ts, which builds them from core's state
 * machine: a state spelled as an SQL literal anywhere else (`WHERE state = 'queued'`) is a rule
 * core no longer owns. This test reads every engine source file and fails on such a literal.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const STATES = [...new Set<string>([...TASK_STATES, ...RUN_STATES])];
const LITERAL = new RegExp(`'(${STATES.join('|')})'`, 'g');

/** The text of every string and template part in a source file (not the `${…}` between them). */
function stringTexts(file: string, text: string): Array<{ line: number; text: string }> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Array<{ line: number; text: string }> = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      out.push({ line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** State literals spelled inside SQL-looking strings of `text`. */
function stateLiteralsInSql(file: string, text: string): string[] {
  return stringTexts(file, text).flatMap(({ line, text: s }) => [...s.matchAll(LITERAL)].map((m) => `${file}:${line}: ${m[0]} in "${s.trim().slice(0, 80)}"`));
}

describe('engine SQL takes its states from core (state-sql.ts)', () => {
  it('finds a state literal in SQL (the guard works)', () => {
    const sample = "const q = `UPDATE \"TaskInstance\" SET x = 1 WHERE state = 'queued' AND ${id}`;\nconst ok = `WHERE ${taskLeaving('state', 'start')}`;";
    expect(stateLiteralsInSql('sample.ts', sample)).toEqual([expect.stringContaining("sample.ts:1: 'queued'")]);
  });

  it('no engine source file spells a state in SQL outside state-sql.ts', () => {
    const files = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'state-sql.ts');
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) => stateLiteralsInSql(f, readFileSync(path.join(here, f), 'utf8')));
    expect(found).toEqual([]);
  });
});
