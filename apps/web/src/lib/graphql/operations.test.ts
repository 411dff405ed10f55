import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { buildSchema, validate, type DocumentNode } from 'graphql';
import * as dags from './operations';
import * as alerts from './operations-alerts';
import * as tasks from './operations-tasks';
import * as tenant from './operations-tenant';

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = buildSchema(readFileSync(path.resolve(here, '../../../../api/schema.graphql'), 'utf8'));
const documents = Object.entries({ ...dags, ...tasks, ...tenant, ...alerts }).filter(
  (entry): entry is [string, DocumentNode] => typeof entry[1] === 'object' && (entry[1] as DocumentNode | null)?.kind === 'Document',
);

describe('the web app’s generated GraphQL documents', () => {
  it('exist', () => {
    expect(documents.length).toBeGreaterThan(20);
  });

  it.each(documents)('%s is valid against apps/api/schema.graphql', (_name, document) => {
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  });
});
