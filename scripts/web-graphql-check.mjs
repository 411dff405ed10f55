#!/usr/bin/env node
// Fails when the web app's generated GraphQL types (apps/web/src/lib/graphql/generated, committed)
// differ from what GraphQL Code Generator makes of apps/api/schema.graphql and the app's documents.
// `node scripts/web-graphql-check.mjs --write` regenerates them.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, bin } from './lib/env.mjs';

const write = process.argv.includes('--write');
const cwd = path.join(ROOT, 'apps', 'web');
const res = spawnSync(bin('graphql-codegen'), ['--config', 'codegen.ts', ...(write ? [] : ['--check']), '--silent'], {
  cwd,
  stdio: 'inherit',
});
if (res.status !== 0) {
  if (!write) console.error('web graphql: apps/web/src/lib/graphql/generated is stale; run: node scripts/web-graphql-check.mjs --write');
  process.exit(res.status ?? 1);
}
console.log(write ? 'web graphql: regenerated apps/web/src/lib/graphql/generated' : 'web graphql: generated types are up to date');
