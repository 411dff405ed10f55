import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Imports that would make packages/core impure: it must stay free of frameworks and I/O clients. */
const IMPURE = [
  '@nestjs/*',
  '@prisma/*',
  'prisma',
  'bullmq',
  'ioredis',
  'pg',
  'redis',
  '@tower/db',
  '@tower/queue',
  '@tower/events',
  'node:fs',
  'fs',
  'node:net',
  'node:http',
];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/.next/**', '**/generated/**', '**/coverage/**', 'apps/web/next-env.d.ts', 'bench/results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'off',
    },
  },
  {
    // A file past 400 lines is asking to be split by concern.
    files: ['**/*.{ts,tsx,mjs,js}'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    files: ['packages/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: IMPURE, message: 'packages/core is pure: no frameworks, databases, queues or I/O.' }] }],
      'no-restricted-globals': ['error', { name: 'process', message: 'packages/core takes configuration and time as parameters.' }],
    },
  },
  {
    files: ['**/*.test.ts', 'e2e/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
