#!/usr/bin/env node
// npm run chaos: the full chaos suite (e2e/chaos.e2e.test.ts with TOWER_CHAOS=full): 1,000 runs on
// a private PostgreSQL cluster and redis-server while workers, schedulers, Redis, Postgres and an
// API process are killed, restarted and paused. Builds first; prints the report (also written to
// e2e/artifacts/chaos-report.json). `npm test` runs the same test in its one-minute smoke size.
import { bin, ensureDependencies, ensureServices, run, step } from './lib/env.mjs';

try {
  ensureDependencies();
  await ensureServices();
  step('Build');
  run(bin('turbo'), ['run', 'build', '--output-logs=errors-only']);
  step('Chaos (full)');
  run(
    'node',
    [
      '--experimental-vm-modules',
      'node_modules/jest/bin/jest.js',
      '--selectProjects',
      'e2e',
      '--testPathPatterns',
      'e2e/chaos',
      '--testTimeout',
      String(60 * 60_000),
    ],
    {
      env: { NODE_NO_WARNINGS: '1', TOWER_CHAOS: 'full' },
    },
  );
} catch (err) {
  console.error(err.message);
  process.exit(err.exitCode ?? 1);
}
