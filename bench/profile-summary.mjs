#!/usr/bin/env node
// Summarizes V8 .cpuprofile files (from BENCH_PROFILE=1 runs, in bench/results/profiles/<bench>/):
// self time by function and by module group, and inclusive time of the hottest functions.
// usage: node bench/profile-summary.mjs <dir-or-file…> [--top N]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const topIdx = args.indexOf('--top');
const TOP = topIdx >= 0 ? Number(args[topIdx + 1]) : 25;
const inputs = args.filter((a, i) => !a.startsWith('--') && (topIdx < 0 || i !== topIdx + 1));

function files(p) {
  if (statSync(p).isDirectory())
    return readdirSync(p)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => path.join(p, f));
  return [p];
}

function group(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native/builtin)';
  if (url.includes('@prisma/client/runtime')) return 'prisma client runtime';
  if (url.includes('@prisma/adapter-pg') || url.includes('driver-adapter')) return 'prisma pg adapter';
  if (url.includes('/node_modules/pg')) return 'pg driver';
  if (url.includes('/node_modules/bullmq')) return 'bullmq';
  if (url.includes('/node_modules/ioredis') || url.includes('redis-parser')) return 'ioredis';
  if (url.includes('/node_modules/pino')) return 'pino (logging)';
  if (url.includes('/node_modules/zod')) return 'zod';
  if (
    url.includes('/node_modules/@nestjs') ||
    url.includes('/node_modules/graphql') ||
    url.includes('/node_modules/@apollo') ||
    url.includes('/node_modules/express') ||
    url.includes('/node_modules/fastify')
  )
    return 'api framework (nest/graphql/http)';
  if (url.includes('/packages/engine/')) return 'tower engine';
  if (url.includes('/packages/core/')) return 'tower core';
  if (url.includes('/packages/')) return `tower ${url.split('/packages/')[1].split('/')[0]}`;
  if (url.includes('/apps/')) return `tower app ${url.split('/apps/')[1].split('/')[0]}`;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/node_modules/'))
    return url
      .split('/node_modules/')
      .pop()
      .split('/')
      .slice(0, url.includes('/node_modules/@') ? 2 : 1)
      .join('/');
  return 'other';
}

function summarize(file) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const groups = new Map();
  const inclusive = new Map();
  let total = 0;
  let idle = 0;
  prof.samples.forEach((id, i) => {
    const dt = (prof.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const n = byId.get(id);
    const cf = n.callFrame;
    if (cf.functionName === '(idle)') {
      idle += dt;
      return;
    }
    const key = `${cf.functionName || '(anonymous)'} ${cf.url ? `${cf.url.replace(/^file:\/\/.*?\/(node_modules|packages|apps)\//, '$1/')}:${cf.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const g = group(cf.url, cf.functionName);
    groups.set(g, (groups.get(g) ?? 0) + dt);
    const seen = new Set();
    for (let cur = id; cur != null; cur = parent.get(cur)) {
      const f = byId.get(cur).callFrame;
      if (!f.url || !(f.url.includes('/packages/') || f.url.includes('/apps/'))) continue;
      const k = `${f.functionName || '(anonymous)'} ${f.url.replace(/^file:\/\/.*?\/(packages|apps)\//, '$1/')}:${f.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  const busy = total - idle;
  const fmt = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([k, v]) => `  ${v.toFixed(0).padStart(7)} ms ${((v / busy) * 100).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  console.log(
    `\n=== ${path.basename(file)}: ${(total / 1000).toFixed(1)}s profiled, ${(busy / 1000).toFixed(1)}s on CPU (${((busy / total) * 100).toFixed(0)}%), idle ${(idle / 1000).toFixed(1)}s`,
  );
  console.log('-- self time by module group (% of CPU time)');
  console.log(fmt(groups));
  console.log('-- self time by function');
  console.log(fmt(self));
  console.log('-- inclusive time of Tower functions (packages/, apps/)');
  console.log(fmt(inclusive));
}

for (const input of inputs.length ? inputs : ['bench/results/profiles']) {
  for (const f of statSync(input).isDirectory() && readdirSync(input).some((e) => statSync(path.join(input, e)).isDirectory())
    ? readdirSync(input).flatMap((d) => files(path.join(input, d)))
    : files(input))
    summarize(f);
}
