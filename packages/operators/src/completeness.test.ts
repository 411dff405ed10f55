import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { CONNECTION_TYPES, isConnectionType, isTaskType, OPERATOR_CONNECTION_TYPES, OPERATOR_WITH_SCHEMAS, TASK_TYPES } from '@tower/core';
import { CONNECTION_TESTERS } from './connection-testers.js';
import { OPERATORS } from './registry.js';

// The compiler already ties the registry and the testers to core's types; this test also covers
// what it cannot see — the docs — and holds when the tests run without a type check (swc).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** The first-column `names` of the table whose header row starts with `| <header> |`. */
function tableNames(markdown: string, header: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${header} |`));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start + 2, end < 0 ? undefined : end).flatMap((l) => /^\| `([^`]+)` \|/.exec(l)?.[1] ?? []);
}

describe('every task type is complete', () => {
  const documented = tableNames(read('docs/operators.md'), 'type');

  it('has an operator registered under it, a `with` schema and a row in docs/operators.md', () => {
    const gaps = TASK_TYPES.flatMap((type) => [
      ...((OPERATORS as Record<string, { type: string } | undefined>)[type]?.type === type
        ? []
        : [`${type}: no operator in packages/operators/src/registry.ts`]),
      ...(typeof OPERATOR_WITH_SCHEMAS[type]?.safeParse === 'function' ? [] : [`${type}: no with schema in core's TASK_TYPE_DEFINITIONS`]),
      ...(documented.includes(type) ? [] : [`${type}: no row in the table of docs/operators.md`]),
    ]);
    expect(gaps).toEqual([]);
  });

  it('has nothing registered or documented that core does not declare', () => {
    expect(Object.keys(OPERATORS).filter((t) => !isTaskType(t))).toEqual([]);
    expect(documented.filter((t) => !isTaskType(t))).toEqual([]);
  });

  it('names a connection type that exists for the connection it needs', () => {
    expect(Object.entries(OPERATOR_CONNECTION_TYPES).filter(([type, conn]) => !isTaskType(type) || !isConnectionType(conn))).toEqual([]);
  });

  it('and docs/operators.md says how to add one', () => {
    const headings = read('docs/operators.md')
      .split('\n')
      .filter((l) => l.startsWith('## '));
    expect(headings).toContain('## Adding an operator');
  });
});

describe('every connection type is complete', () => {
  it('has a tester and a row in docs/connections.md', () => {
    const documented = tableNames(read('docs/connections.md'), 'type');
    const gaps = CONNECTION_TYPES.flatMap((type) => [
      ...(typeof (CONNECTION_TESTERS as Record<string, unknown>)[type] === 'function'
        ? []
        : [`${type}: no tester in packages/operators/src/connection-testers.ts`]),
      ...(documented.includes(type) ? [] : [`${type}: no row in the table of docs/connections.md`]),
    ]);
    expect(gaps).toEqual([]);
    expect(Object.keys(CONNECTION_TESTERS).filter((t) => !isConnectionType(t))).toEqual([]);
  });
});
