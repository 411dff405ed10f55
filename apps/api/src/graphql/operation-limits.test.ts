import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { armor, OPERATION_LIMITS, PARSE_OPTIONS } from './graphql-options.js';
import { checkOperation } from './operation-check.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const schema = buildSchema(readFileSync(path.join(HERE, '..', '..', 'schema.graphql'), 'utf8'));
/** What graphql-ws's operations are validated with (introspection on). */
const RULES = [...specifiedRules, ...armor().validationRules];

/** Every operation the web app sends (its generated documents), each with every fragment. */
function webDocuments(): string[] {
  const gql = readFileSync(path.join(HERE, '..', '..', '..', 'web', 'src', 'lib', 'graphql', 'generated', 'gql.ts'), 'utf8');
  const texts = [
    ...new Set([...gql.slice(gql.indexOf('const documents')).matchAll(/^ {4}"((?:\\.|[^"\\])*)": types\./gm)].map((m) => JSON.parse(`"${m[1]}"`) as string)),
  ];
  const fragments = texts.filter((t) => t.trim().startsWith('fragment')).join('\n');
  return texts.filter((t) => !t.trim().startsWith('fragment')).map((t) => `${t}\n${fragments}`);
}

describe('operation limits (the token limit, then GraphQL Armor)', () => {
  it("admit every operation of the web app: a limit must never refuse Tower's own UI", () => {
    const docs = webDocuments();
    expect(docs.length).toBeGreaterThan(20);
    const refused = docs.flatMap((d) =>
      validate(schema, parse(d, PARSE_OPTIONS), armor().validationRules).map((e) => `${d.trim().split('\n')[0]} → ${e.message}`),
    );
    expect(refused).toEqual([]);
  });

  it('stop parsing at the token limit (graphql-js), as a parse failure', () => {
    const at = (tokens: number) => `{ ${'__typename '.repeat(tokens - 2)}}`;
    expect(parse(at(OPERATION_LIMITS.maxTokens), PARSE_OPTIONS).definitions).toHaveLength(1);
    const over = checkOperation(schema, { query: at(OPERATION_LIMITS.maxTokens + 1) }, PARSE_OPTIONS, RULES);
    expect(over.errors?.map((e) => [e.extensions.code, e.message])).toEqual([
      ['GRAPHQL_PARSE_FAILED', `Syntax Error: Document contains more that ${OPERATION_LIMITS.maxTokens} tokens. Parsing aborted.`],
    ]);
  });

  it("check GraphQL's own rules and the limits together, each error coded as a validation failure", () => {
    expect(checkOperation(schema, { query: `{ me { nope } }` }, PARSE_OPTIONS, RULES).errors?.map((e) => e.extensions.code)).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    const aliases = `{ ${Array.from({ length: OPERATION_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: me { role }`).join(' ')} }`;
    const refused = checkOperation(schema, { query: aliases }, PARSE_OPTIONS, RULES);
    expect(refused.errors?.map((e) => e.extensions.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(refused.errors?.[0]?.message).toMatch(/alias/i);
    expect(checkOperation(schema, { query: `{ me { role ` }, PARSE_OPTIONS, []).errors?.map((e) => e.extensions.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
    const fine = checkOperation(schema, { query: `subscription { dagRunUpdated { id } }` }, PARSE_OPTIONS, RULES);
    expect(fine.errors).toBeUndefined();
    expect(fine.args?.document.definitions).toHaveLength(1);
  });

  it('resolve the operation and coerce its variables, as Apollo does, with its codes', () => {
    const query = `subscription Runs($d: String) { dagRunUpdated(dagId: $d) { id } }`;
    const check = (operationName: string | null, variables: Record<string, unknown>) =>
      checkOperation(schema, { query, operationName, variables }, PARSE_OPTIONS, []);
    expect(check('Nope', {}).errors?.map((e) => e.extensions.code)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    expect(check(null, { d: 5 }).errors?.map((e) => [e.extensions.code, e.message])).toEqual([
      ['BAD_USER_INPUT', 'Variable "$d" got invalid value 5; String cannot represent a non string value: 5'],
    ]);
    expect(check('Runs', { d: 'sales' }).args).toMatchObject({ operationName: 'Runs', variableValues: { d: 'sales' } });
  });

  it('refuse too many aliases and too deep a nesting', () => {
    const aliases = parse(`{ ${Array.from({ length: OPERATION_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: me { role }`).join(' ')} }`);
    expect(
      validate(schema, aliases, armor().validationRules)
        .map((e) => e.message)
        .join(),
    ).toMatch(/alias/i);
    const deep = parse(`{ ${'dags { edges { node { '.repeat(5)} dagId ${'} } } '.repeat(5)} }`);
    expect(validate(schema, deep, armor().validationRules).length).toBeGreaterThan(0);
  });
});
