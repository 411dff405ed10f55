#!/usr/bin/env node
// npm test: the full suite from a clean clone. Installs what is missing, then lint, build
// (which type-checks every package), the tests' type-check, generated-artifact drift checks, and Jest (unit,
// integration on the real Postgres/Redis, e2e through the API and Chromium).
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
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

  // Unit and integration test files run two at a time at least (each has a database and a Redis
  // prefix of its own: about 230 s serially, 120-145 s so on a 2-core box); the e2e files, which
  // start whole stacks and time what they run, as many as Jest's default (cores - 1: one here).
  const groups = [
    { name: 'unit-integration', projects: ['unit', 'integration'], workers: ['--maxWorkers', String(Math.max(2, os.cpus().length - 1))] },
    { name: 'e2e', projects: ['e2e'], workers: [] },
  ]
    .map((g) => ({ ...g, projects: only ? g.projects.filter((p) => p === only) : g.projects }))
    .filter((g) => g.projects.length > 0);
  mkdirSync(path.join(ROOT, '.tower'), { recursive: true });
  const passThrough = args.filter((a) => !a.startsWith('--only='));
  const totals = { suites: 0, passed: 0, failed: 0, skipped: 0 };
  let jestFailed = false;
  for (const group of groups) {
    step(`Jest: ${group.projects.join(' and ')}`);
    const report = path.join(ROOT, '.tower', `jest-report-${group.name}.json`);
    rmSync(report, { force: true });
    try {
      run(
        'node',
        [
          '--experimental-vm-modules',
          'node_modules/jest/bin/jest.js',
          '--selectProjects',
          ...group.projects,
          ...group.workers,
          '--forceExit',
          '--json',
          `--outputFile=${report}`,
          // A path pattern given to npm test may match files of one group only.
          ...(passThrough.length ? ['--passWithNoTests'] : []),
          ...passThrough,
        ],
        { env: { NODE_NO_WARNINGS: '1' } },
      );
    } catch {
      jestFailed = true;
    }
    if (!existsSync(report)) {
      jestFailed = true;
      totals.failed += 1;
      continue;
    }
    const result = JSON.parse(readFileSync(report, 'utf8'));
    totals.suites += result.numTotalTestSuites;
    totals.passed += result.numPassedTests;
    totals.failed += result.numFailedTests;
    totals.skipped += result.numPendingTests;
    if (!result.success) jestFailed = true;
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`\n${bold('Tower test suite')}: ${totals.suites} suites in ${seconds}s`);
  // The plain closing line CI reads.
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  if (jestFailed || totals.failed > 0) {
    console.log(red('FAILED'));
    process.exit(1);
  }
  console.log(green('OK'));
} catch (err) {
  console.error(red(`\n${err.message}`));
  console.log('0 passed, 1 failed');
  process.exit(err.exitCode ?? 1);
}
