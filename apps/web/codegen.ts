/**
 * GraphQL Code Generator: typed documents for every operation in src/, from the API's committed
 * schema. Output lands in src/lib/graphql/generated/ (committed; `node scripts/web-graphql-check.mjs`
 * fails when it drifts, `--write` regenerates it).
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../api/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/lib/graphql/generated/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/lib/graphql/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: false,
        scalars: { DateTime: 'string', JSON: 'unknown', ID: 'string' },
        defaultScalarType: 'unknown',
      },
    },
  },
};

export default config;
