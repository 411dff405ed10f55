import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ROOT } from './support/stack.js';

/**
 * `npm run bench` at smoke size: all five engine benchmarks (throughput, bullmq_baseline, latency,
 * cron_lag, fairness) complete against real processes and print their figures. No timing
 * assertions — the figures are measured by `npm run bench` and recorded in the notes.
 */
describe('benchmarks (smoke)', () => {
  it('runs all five benchmarks at tiny sizes and prints one JSON figure line each', () => {
    const res = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'smoke.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
    const figures = res.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { bench: string });
    expect({ status: res.status, stderr: res.status === 0 ? '' : res.stderr.slice(-2000) }).toEqual({ status: 0, stderr: '' });
    expect(new Set(figures.map((f) => f.bench))).toEqual(new Set(['throughput', 'bullmq_baseline', 'latency', 'cron_lag', 'fairness']));
  });
});
