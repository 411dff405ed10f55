// rls: what row-level security (docs/database.md, "Row-level security") costs the engine's
// throughput, measured in one run (lib/paired.mjs): "on" is this checkout; "off" is the built
// checkout at BENCH_RLS_BASELINE_ROOT of the code before it (its processes connect as the login
// role, which the policies do not apply to, and its API sends no tenant setting), on the same
// schema. Over BENCH_RLS_PAIRS pairs (default 6); the target: "on" within 5 % of "off".
//
//   git worktree add /tmp/pre-rls <commit before row-level security>
//   (cd /tmp/pre-rls && npm ci && npx turbo run build)
//   BENCH_RLS_BASELINE_ROOT=/tmp/pre-rls npm run bench -- rls
import { existsSync } from 'node:fs';
import path from 'node:path';
import { comparePaired } from '../lib/paired.mjs';

export default async function rls(ctx) {
  const baseline = process.env.BENCH_RLS_BASELINE_ROOT;
  if (!baseline || !existsSync(path.join(baseline, 'apps', 'api', 'dist', 'main.js'))) {
    throw new Error('rls: BENCH_RLS_BASELINE_ROOT must name a built checkout of the code before row-level security (see bench/benchmarks/rls.mjs)');
  }
  return comparePaired(ctx, {
    bench: 'rls',
    pairs: ctx.smoke ? 1 : Number(process.env.BENCH_RLS_PAIRS ?? 6),
    target: 0.05,
    variants: { on: {}, off: { root: baseline } },
  });
}
