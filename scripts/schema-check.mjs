#!/usr/bin/env node
// Fails when apps/api/schema.graphql (committed) differs from the schema the code generates.
// `node scripts/schema-check.mjs --write` regenerates it. Needs the API built (npm run build).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib/env.mjs';

const committed = path.join(ROOT, 'apps', 'api', 'schema.graphql');
const write = process.argv.includes('--write');
const out = write ? committed : path.join(os.tmpdir(), `tower-schema-${process.pid}.graphql`);
const generator = path.join(ROOT, 'apps', 'api', 'dist', 'generate-schema.js');
if (!existsSync(generator)) {
  console.error('schema: apps/api is not built; run: npx turbo run build --filter=@tower/api');
  process.exit(1);
}
// The generator builds the schema from the API's feature modules without starting a server.
const res = spawnSync(process.execPath, [generator, '--out', out], { stdio: 'inherit' });
if (res.status !== 0) process.exit(res.status ?? 1);
if (write) {
  console.log('schema: wrote apps/api/schema.graphql');
  process.exit(0);
}
const fresh = readFileSync(out, 'utf8');
rmSync(out, { force: true });
let current = '';
try {
  current = readFileSync(committed, 'utf8');
} catch {
  // missing counts as stale
}
if (fresh !== current) {
  console.error('schema: apps/api/schema.graphql is stale; run: node scripts/schema-check.mjs --write');
  process.exit(1);
}
console.log('schema: apps/api/schema.graphql is up to date');
