// Shared helpers for the root scripts (npm start, npm test): dependency checks and child processes.
// Plain Node ESM with no dependencies, so it runs on a fresh clone before `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const color = (code) => (s) => (process.stdout.isTTY ? `\x1b[${code}m${s}\x1b[0m` : s);
export const bold = color('1');
export const dim = color('2');
export const green = color('32');
export const red = color('31');
export const yellow = color('33');

const scriptStarted = Date.now();

/** A step's heading, with the seconds since the script started (where a long run spends its time). */
export function step(message) {
  console.log(`${bold('▸')} ${message} ${dim(`[${Math.round((Date.now() - scriptStarted) / 1000)} s]`)}`);
}

/**
 * A dependency's executable from node_modules/.bin. Scripts call it directly rather than through
 * npx, whose lookup changes under `npm test`/`npm start` (npm's own environment) and can fail.
 */
export function bin(name) {
  return path.join(ROOT, 'node_modules', '.bin', name);
}

/** Runs a command, streaming its output; throws with the command line when it fails. */
export function run(cmd, args, opts = {}) {
  const { env: extraEnv, ...rest } = opts;
  // The child gets the whole environment plus extraEnv (a bare `env` option would replace it).
  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1', ...(extraEnv ?? {}) };
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...rest, env });
  if (res.status !== 0) {
    const err = new Error(`${cmd} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
    err.exitCode = res.status ?? 1;
    throw err;
  }
}

export function canConnect(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const SERVICES = [
  {
    name: 'PostgreSQL',
    host: '127.0.0.1',
    port: 5432,
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    install: 'apt-get install -y postgresql',
  },
  {
    name: 'Redis',
    host: '127.0.0.1',
    port: 6379,
    start: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
    install: 'apt-get install -y redis-server',
  },
];

/** Postgres and Redis must be up. Tries to start a stopped local one; otherwise says what to do. */
export async function ensureServices() {
  for (const svc of SERVICES) {
    if (await canConnect(svc.host, svc.port)) continue;
    step(`${svc.name} is not answering on ${svc.host}:${svc.port}; trying to start it`);
    spawnSync('bash', ['-c', svc.start], { stdio: 'inherit' });
    for (let i = 0; i < 20 && !(await canConnect(svc.host, svc.port)); i++) await new Promise((r) => setTimeout(r, 500));
    if (!(await canConnect(svc.host, svc.port))) {
      throw new Error(`${svc.name} is required on ${svc.host}:${svc.port}.\n  Start it with: ${svc.start}\n  Or install it with: ${svc.install}`);
    }
  }
}

/** Installs npm dependencies when node_modules is missing or older than the lockfile. */
export function ensureDependencies() {
  const lock = path.join(ROOT, 'package-lock.json');
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs)) return;
  step('Installing npm dependencies');
  run('npm', existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund']);
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Browser tests drive Debian's Chromium; install it when missing (root on Debian). */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  step('Installing Chromium for the browser tests (apt-get install chromium)');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = isRoot ? '' : 'sudo ';
  const res = spawnSync('bash', ['-c', `${sudo}apt-get update -qq && ${sudo}DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`], {
    stdio: 'inherit',
  });
  if (res.status !== 0 || !existsSync(CHROMIUM)) {
    throw new Error(`Chromium is required at ${CHROMIUM} for the browser tests: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
}

/** Starts a long-running child whose output is prefixed with its name. */
export function startChild(name, cmd, args, env, colorFn = dim) {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const prefix = colorFn(`[${name}]`.padEnd(12));
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (chunk) => {
      buf += chunk.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) process.stdout.write(`${prefix} ${line}\n`);
    });
  }
  return child;
}

export async function waitForHttp(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}
