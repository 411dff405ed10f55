// Percentiles, progress reporting (stderr), and DAG spec helpers shared by the benchmarks.
import os from 'node:os';
import { validateDagSpec, specHash } from '@tower/core';

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export function summarize(values) {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : null;
  return {
    n: s.length,
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    max: s.length ? s[s.length - 1] : null,
    mean: mean === null ? null : Math.round(mean * 10) / 10,
  };
}

export const round = (n, d = 1) => (n == null ? null : Math.round(n * 10 ** d) / 10 ** d);

export function load() {
  const [l1, l5, l15] = os.loadavg();
  return { load1: round(l1, 2), load5: round(l5, 2), load15: round(l15, 2), cpus: os.cpus().length };
}

/**
 * A single progress line on stderr: redrawn in place on a TTY, one line every few seconds otherwise.
 */
export class Progress {
  constructor(bench) {
    this.bench = bench;
    this.tty = process.stderr.isTTY;
    this.lastPrint = 0;
    this.t0 = Date.now();
  }

  update(label, done, total, extra = '') {
    const now = Date.now();
    const final = total != null && done >= total;
    if (!this.tty && !final && now - this.lastPrint < 3000) return;
    if (this.tty && !final && now - this.lastPrint < 100) return;
    this.lastPrint = now;
    const elapsed = ((now - this.t0) / 1000).toFixed(1);
    let bar = '';
    if (total) {
      const width = 24;
      const filled = Math.round((Math.min(done, total) / total) * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} `;
    } else if (done != null) {
      bar = `${done} `;
    }
    const line = `[bench ${this.bench}] ${label} ${bar}${extra} (${elapsed}s)`;
    if (this.tty) process.stderr.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  }

  note(message) {
    if (this.tty) process.stderr.write('\r\x1b[2K');
    process.stderr.write(`[bench ${this.bench}] ${message}\n`);
    this.lastPrint = 0;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Task list helpers for raw specs (what a user would send to upsertDag). */
export const noopTasks = (n, prefix = 't') => Array.from({ length: n }, (_, i) => ({ taskId: `${prefix}${i}`, type: 'noop' }));
export const chainTasks = (n, prefix = 't') =>
  Array.from({ length: n }, (_, i) => ({ taskId: `${prefix}${i}`, type: 'noop', ...(i ? { dependsOn: [`${prefix}${i - 1}`] } : {}) }));

/**
 * Validates a raw spec exactly as upsertDag does (optionally with a raised task limit, for DAGs
 * larger than the API's 500-task cap) and returns the canonical spec and its hash, ready to be
 * stored in a DagVersion row.
 */
export function canonicalSpec(raw, maxTasks = 500) {
  const result = validateDagSpec(raw, { connections: new Map(), limits: { maxTasks, maxSpecBytes: 16 * 1024 * 1024 } });
  if (!result.valid) throw new Error(`invalid bench spec: ${JSON.stringify(result.errors.slice(0, 3))}`);
  return { spec: result.spec, hash: specHash(result.spec) };
}

/** Inserts a tenant row directly (no user): for benchmarks that only need tenant-owned DAGs. */
export async function createTenant(prisma, slug, concurrencyQuota) {
  return prisma.tenant.create({ data: { slug, name: slug, ...(concurrencyQuota ? { concurrencyQuota } : {}) } });
}

/** Inserts a DAG and its version 1 directly (bypassing the API's 500-task limit). */
export async function insertDag(prisma, tenantId, spec, hash, extra = {}) {
  const dag = await prisma.dag.create({
    data: { tenantId, dagId: spec.dagId, schedule: spec.schedule, timezone: spec.timezone, tags: spec.tags, latestVersion: 1, ...extra },
  });
  const version = await prisma.dagVersion.create({ data: { tenantId, dagPk: dag.id, version: 1, spec, specHash: hash, createdBy: 'bench' } });
  return { dag, version };
}
