#!/usr/bin/env node
// Keeps the docs self-contained. Fails (exit 1, one `file:line: …` per problem) when
//  - a tracked text file (*.md, *.ts, *.tsx, *.mjs, *.js; generated files and build output excluded)
//    points at a document outside the repository (a product design file and its sections, a stack or
//    style guide, a sibling `shared` folder): state the fact in place, or link the repo doc that does;
//  - a Markdown file names a repository path (packages/…, apps/…, docs/…, scripts/…, e2e/…, bench/…,
//    prisma/…, infra/…) that is not in the repository, or links a relative file that is not there.
// Paths with placeholders (`<name>`, `{a,b}`, `*`, `…`) and build or run output (dist/, bench/results/)
// are not checked. Plain Node ESM, no dependencies: `node scripts/docs-check.mjs`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/env.mjs';

const TEXT = /\.(md|ts|tsx|mjs|js)$/;
const SKIP = [/(^|\/)node_modules\//, /(^|\/)dist\//, /(^|\/)generated\//, /(^|\/)\.next\//, /^bench\/results\//, /^apps\/web\/next-env\.d\.ts$/];

/** References to documents the repository does not contain (written so that this file does not match them). */
const OUTSIDE = [
  { re: /\bDESIGN\b(\.md)?/, what: 'a design file outside the repository' },
  { re: /\bSTACK\.md\b/, what: 'a stack notes file outside the repository' },
  { re: /\bSTYLE\.md\b/, what: 'a style guide outside the repository' },
  { re: /\.\.\/shared\b|\/work\/shared\b/, what: 'a folder outside the repository' },
];

/** A repository path as docs write it: a top-level folder, then at least one more segment. */
const REPO_PATH = /(?<![\w./@-])((?:packages|apps|docs|scripts|e2e|bench|prisma|infra)\/[^\s`'"()[\],;|]+)/g;
const PLACEHOLDER = /[<>{}*…?$]/;
const NOT_IN_REPO = [/(^|\/)dist(\/|$)/, /^bench\/results(\/|$)/, /(^|\/)node_modules(\/|$)/];
/** Markdown links to relative targets: [text](target) */
const LINK = /\]\(([^)\s]+)\)/g;

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
  .split('\0')
  .filter(Boolean);
const known = new Set();
for (const file of files) {
  known.add(file);
  for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) known.add(dir);
}
const exists = (p) => known.has(p.replace(/\/+$/, ''));

const problems = [];
for (const file of files) {
  if (!TEXT.test(file) || SKIP.some((re) => re.test(file))) continue;
  let text;
  try {
    text = readFileSync(path.join(ROOT, file), 'utf8');
  } catch {
    continue; // deleted in the working tree
  }
  const lines = text.split('\n');
  const markdown = file.endsWith('.md');
  lines.forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    for (const { re, what } of OUTSIDE) {
      const m = re.exec(line);
      if (m) problems.push(`${at}: "${m[0]}" refers to ${what}: ${line.trim()}`);
    }
    if (!markdown) return;
    for (const m of line.matchAll(REPO_PATH)) {
      const p = m[1].replace(/[.:]+$/, '');
      if (PLACEHOLDER.test(p) || NOT_IN_REPO.some((re) => re.test(p))) continue;
      if (!exists(p)) problems.push(`${at}: names ${p}, which is not in the repository`);
    }
    for (const m of line.matchAll(LINK)) {
      const target = m[1].split('#')[0];
      if (!target || /^[a-z]+:/i.test(target) || target.startsWith('/') || PLACEHOLDER.test(target)) continue;
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), target));
      if (!exists(resolved)) problems.push(`${at}: links ${target}, which is not in the repository`);
    }
  });
}

if (problems.length > 0) {
  for (const p of problems) console.log(p);
  console.error(`docs: ${problems.length} problem(s): docs must name only what the repository holds`);
  process.exit(1);
}
console.log('docs: self-contained, every named path exists');
