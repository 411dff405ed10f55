// Disk stall probe: a child process writes 8 KiB and fdatasyncs it every 100 ms, and reports every
// flush of STALL_MS or more. Postgres waits for such a flush at every synchronous commit,
// so a stall here is a stall of every commit on the same disk: the probe tells a latency tail the
// disk caused from one Tower caused. A child process, because fdatasync blocks its caller.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const CHILD = `
const fs = require('node:fs');
const [file, intervalMs, reportMs] = process.argv.slice(1);
const fd = fs.openSync(file, 'w');
const buf = Buffer.alloc(8192, 120);
const tick = () => {
  const t = Date.now();
  const h = process.hrtime.bigint();
  fs.writeSync(fd, buf, 0, buf.length, 0);
  fs.fdatasyncSync(fd);
  const ms = Number(process.hrtime.bigint() - h) / 1e6;
  if (ms >= Number(reportMs)) process.stdout.write(JSON.stringify({ t, ms: Math.round(ms) }) + '\\n');
  setTimeout(tick, Number(intervalMs));
};
tick();
process.on('SIGTERM', () => { fs.closeSync(fd); fs.rmSync(file, { force: true }); process.exit(0); });
`;

/** A flush this long is a stall: the disk's median here is 0.4 ms. */
const STALL_MS = 50;

export function startDiskProbe(dir) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `.disk-probe-${process.pid}`);
  const child = spawn(process.execPath, ['-e', CHILD, file, '100', String(STALL_MS)], { stdio: ['ignore', 'pipe', 'ignore'] });
  const stalls = [];
  let rest = '';
  child.stdout.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) if (line) stalls.push(JSON.parse(line));
  });
  process.once('exit', () => child.exitCode === null && child.kill('SIGKILL'));
  return {
    /** Stalls that began in [from, to] (epoch ms). */
    between(from, to) {
      return stalls.filter((s) => s.t >= from && s.t <= to);
    },
    /** Whether a stall overlapped [from, to]. */
    overlaps(from, to) {
      return stalls.some((s) => s.t <= to && s.t + s.ms >= from);
    },
    stop() {
      child.kill('SIGTERM');
    },
  };
}

/** What the probe saw during one phase, for a figure. */
export function diskSummary(probe, from, to) {
  const s = probe.between(from, to);
  return { stallsOver50Ms: s.length, maxStallMs: s.reduce((m, x) => Math.max(m, x.ms), 0), stalledMs: s.reduce((n, x) => n + x.ms, 0) };
}
