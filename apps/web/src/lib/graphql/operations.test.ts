import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, validate } from 'graphql';
import * as operations from './operations';

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = buildSchema(readFileSync(path.resolve(here, '../../../../api/schema.graphql'), 'utf8'));
const documents = Object.entries(operations).filter((entry): entry is [string, string] => typeof entry[1] === 'string');

describe('the web app’s hand-written GraphQL operations', () => {
  it('exist', () => {
    expect(documents.length).toBeGreaterThan(10);
  });

  it.each(documents)('%s is valid against apps/api/schema.graphql', (_name, source) => {
    expect(validate(schema, parse(source)).map((e) => e.message)).toEqual([]);
  });
});
