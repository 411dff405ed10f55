#!/usr/bin/env node
// npm test: the full suite from a clean clone. Installs what is missing, then lint, build
// (which type-checks every package), the tests' type-check, generated-artifact drift checks, and Jest (unit,
// integration on the real Postgres/Redis, e2e through the API and Chromium).
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, bin, bold, ensureChromium, ensureDependencies, ensureServices, green, red, run, step } from './lib/env.mjs';

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const started = Date.now();

try {
  ensureDependencies();
  await ensureServices();
  if (!only || only === 'e2e') ensureChromium();

  if (!only) {
    step('Lint: ESLint, Prettier, import circles (npm run lint)');
    run('npm', ['run', '--silent', 'lint']);
    // Each package's build is `tsc` on its sources, and `next build` type-checks the web app: a
    // workspace's `typecheck` would check the same files again (npm run typecheck does, for
    // a check without building). What no build covers is checked on its own below.
    step('Build every workspace (which type-checks their sources)');
    run(bin('turbo'), ['run', 'build', '--output-logs=errors-only']);
    step('Type-check the tests (packages and apps), the web app with its tests and the e2e workspace');
    run(bin('tsc'), ['-p', 'tsconfig.tests.json']);
    run(bin('turbo'), ['run', 'typecheck', '--filter=@tower/web', '--filter=@tower/e2e', '--output-logs=errors-only']);
    step('Generated artifacts are up to date (Prisma client + migrations, GraphQL schema, web GraphQL types); docs self-contained');
    run('node', ['scripts/db.mjs', 'check']);
    run('node', ['scripts/schema-check.mjs']);
    run('node', ['scripts/web-graphql-check.mjs']);
    run('node', ['scripts/docs-check.mjs']);
  }

  step('Jest');
  mkdirSync(path.join(ROOT, '.tower'), { recursive: true });
  const report = path.join(ROOT, '.tower', 'jest-report.json');
  const projects = only ? ['--selectProjects', only] : [];
  let jestFailed = false;
  try {
    run(
      'node',
      [
        '--experimental-vm-modules',
        'node_modules/jest/bin/jest.js',
        ...projects,
        '--forceExit',
        '--json',
        `--outputFile=${report}`,
        ...args.filter((a) => !a.startsWith('--only=')),
      ],
      {
        env: { NODE_NO_WARNINGS: '1' },
      },
    );
  } catch {
    jestFailed = true;
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`\n${bold('Tower test suite')}: ${result.numTotalTestSuites} suites in ${seconds}s`);
  // The plain closing line CI reads.
  console.log(`${result.numPassedTests} passed, ${result.numFailedTests} failed, ${result.numPendingTests} skipped`);
  if (jestFailed || result.numFailedTests > 0 || !result.success) {
    console.log(red('FAILED'));
    process.exit(1);
  }
  console.log(green('OK'));
} catch (err) {
  console.error(red(`\n${err.message}`));
  console.log('0 passed, 1 failed');
  process.exit(err.exitCode ?? 1);
}
