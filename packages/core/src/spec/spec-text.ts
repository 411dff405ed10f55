import { createHash } from 'node:crypto';
import { parseDocument } from 'yaml';
import { TowerError } from '../errors.js';

/**
 * Parses spec text: JSON, or the same document in YAML (YAML 1.2 core schema, so `on`, `yes`
 * and unquoted dates stay strings, as they would in JSON). Throws BAD_USER_INPUT with the line.
 */
export function parseDagSpecText(text: string): unknown {
  if (typeof text !== 'string' || text.trim() === '') throw new TowerError('BAD_USER_INPUT', 'the spec is empty');
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed);
    } catch (err) {
      throw new TowerError('BAD_USER_INPUT', `the spec is not valid JSON: ${(err as Error).message}`);
    }
  }
  const doc = parseDocument(text, { schema: 'core', uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    const where = pos ? ` (line ${pos.line}, column ${pos.col})` : '';
    throw new TowerError('BAD_USER_INPUT', `the spec is not valid YAML${where}: ${problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, {
      details: pos ? { line: pos.line, column: pos.col } : undefined,
    });
  }
  try {
    // maxAliasCount bounds alias expansion ("billion laughs").
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new TowerError('BAD_USER_INPUT', `the spec is not valid YAML: ${(err as Error).message}`);
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    // A null prototype keeps a "__proto__" key an ordinary property.
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** JSON with object keys sorted at every level (array order kept): equal specs give equal text. */
export function canonicalSpecJson(spec: unknown): string {
  return JSON.stringify(sortKeys(spec)) ?? 'null';
}

/** sha256 (hex) of the canonical JSON: a new DAG version only when this changes. */
export function specHash(spec: unknown): string {
  return createHash('sha256').update(canonicalSpecJson(spec)).digest('hex');
}
