#!/usr/bin/env node
// Runs all five benchmarks at tiny sizes (well under 60 s on the 2-core box) and exits non-zero
// when any of them failed to complete. No timing assertions: this only proves the suite works.
import { BENCHMARKS, runBenchmarks } from './run.mjs';

const t0 = Date.now();
const result = await runBenchmarks({ names: BENCHMARKS, smoke: true, argv: ['--smoke'] });
const seconds = (Date.now() - t0) / 1000;
const missing = BENCHMARKS.filter((b) => !result.figures.some((f) => f.bench === b));
process.stderr.write(
  `[bench smoke] ${seconds.toFixed(1)}s, ${result.figures.length} figures${missing.length ? `, no figure from: ${missing.join(', ')}` : ''}\n`,
);
process.exitCode = result.failures.length || missing.length ? 1 : 0;
