#!/usr/bin/env node
// Fails when apps/api/schema.graphql or docs/roles.md (committed) differ from what the code
// generates, or when an operation declares no role (the generator refuses it).
// `node scripts/schema-check.mjs --write` regenerates both. Needs the API built (npm run build).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib/env.mjs';

const files = {
  schema: { committed: path.join(ROOT, 'apps', 'api', 'schema.graphql'), name: 'apps/api/schema.graphql' },
  roles: { committed: path.join(ROOT, 'docs', 'roles.md'), name: 'docs/roles.md' },
};
const write = process.argv.includes('--write');
const outOf = (kind) => (write ? files[kind].committed : path.join(os.tmpdir(), `tower-${kind}-${process.pid}`));
const generator = path.join(ROOT, 'apps', 'api', 'dist', 'generate-schema.js');
if (!existsSync(generator)) {
  console.error('schema: apps/api is not built; run: npx turbo run build --filter=@tower/api');
  process.exit(1);
}
// The generator builds the schema from the API's feature modules without starting a server.
const res = spawnSync(process.execPath, [generator, '--out', outOf('schema'), '--roles', outOf('roles')], { stdio: 'inherit' });
if (res.status !== 0) process.exit(res.status ?? 1);
if (write) {
  console.log(
    `schema: wrote ${Object.values(files)
      .map((f) => f.name)
      .join(' and ')}`,
  );
  process.exit(0);
}
let stale = false;
for (const kind of Object.keys(files)) {
  const fresh = readFileSync(outOf(kind), 'utf8');
  rmSync(outOf(kind), { force: true });
  let current = '';
  try {
    current = readFileSync(files[kind].committed, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (fresh !== current) {
    console.error(`schema: ${files[kind].name} is stale; run: node scripts/schema-check.mjs --write`);
    stale = true;
  } else console.log(`schema: ${files[kind].name} is up to date`);
}
process.exit(stale ? 1 : 0);
