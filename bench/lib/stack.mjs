// A Tower stack for benchmarks: the real built processes (apps/*/dist/main.js) against a fresh
// database and a Redis prefix of their own. Minimal copy of e2e/support/stack.ts (which is
// TypeScript and owned by the e2e suite), plus benchmark knobs: worker count/concurrency,
// optional --cpu-prof (BENCH_PROFILE=1) and an optional SQL round-trip counting proxy (BENCH_COUNT_SQL=1).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '@tower/db';
import { deleteRedisPrefix } from '@tower/queue';
import { startSqlProxy } from './sql-proxy.mjs';
import { startPgSampler } from './pg-sampler.mjs';
import { writeFileSync } from 'node:fs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS = path.join(ROOT, 'bench', 'results');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Stacks not yet stopped: run.mjs stops them on SIGINT/SIGTERM so no process or database is left behind. */
export const activeStacks = new Set();

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function waitFor(fn, timeoutMs = 30_000, what = 'condition', intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

function waitExit(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Worker layout used by every benchmark (documented in bench/README.md). */
export function workerLayout() {
  return {
    workers: Number(process.env.BENCH_WORKERS ?? 1),
    concurrency: Number(process.env.BENCH_WORKER_CONCURRENCY ?? 256),
    // Worker processes serving only the interactive lane (the others then serve only bulk);
    // 0: every worker serves both lanes.
    interactiveWorkers: Number(process.env.BENCH_INTERACTIVE_WORKERS ?? 1),
  };
}

/**
 * @param {{ name: string, workers?: number, concurrency?: number, env?: Record<string,string>, tickMs?: number, root?: string }} opts
 */
export async function startStack(opts) {
  const logDir = path.join(RESULTS, 'logs');
  mkdirSync(logDir, { recursive: true });
  const layout = workerLayout();
  const workers = opts.workers ?? layout.workers;
  const concurrency = opts.concurrency ?? layout.concurrency;
  const interactiveWorkers = opts.interactiveWorkers ?? layout.interactiveWorkers;
  const tStart = Date.now();
  const db = await createTestDatabase(`bench_${opts.name}`);
  const dbMs = Date.now() - tStart;
  const apiPort = await freePort();
  const redisPrefix = `tower-bench-${opts.name}-${process.pid}-${Date.now().toString(36)}`;
  const profile = process.env.BENCH_PROFILE === '1';
  const countSql = process.env.BENCH_COUNT_SQL === '1';
  const proxies = [];
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: redisPrefix,
    API_PORT: String(apiPort),
    API_HOST: '127.0.0.1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    SCHEDULER_TICK_MS: String(opts.tickMs ?? 200),
    WORKER_CONCURRENCY: String(concurrency),
    // Several workers side by side: each takes a free ops port. METRICS_ENABLED (default true)
    // passes through from the environment, to compare the cost of metrics on and off.
    SCHEDULER_OPS_PORT: '0',
    WORKER_OPS_PORT: '0',
    // The benchmarks load the engine from one address and one token on purpose: request rate
    // limits (docs/api.md) would measure themselves, so they are off unless a benchmark sets them.
    RATE_LIMIT_PER_IP: '0',
    RATE_LIMIT_PER_PRINCIPAL: '0',
    // So is the cap on one principal's open subscriptions: the api bench's 2,000 subscribers share one token.
    SUBSCRIPTIONS_PER_PRINCIPAL: '0',
    ...(opts.env ?? {}),
  };
  const processes = [];
  let counter = 0;

  const startProcess = async (kind, extraEnv = {}) => {
    const name = `${kind}-${++counter}`;
    const procEnv = { ...process.env, ...env, ...extraEnv, NODE_NO_WARNINGS: '1' };
    // --cpu-prof is refused in NODE_OPTIONS: it goes on the command line.
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    if (profile) {
      const dir = path.join(RESULTS, 'profiles', opts.name);
      mkdirSync(dir, { recursive: true });
      nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`);
    }
    if (countSql) {
      // Every process gets its own counting proxy, so round trips can be attributed per process kind.
      const proxy = await startSqlProxy(db.url, name);
      proxies.push(proxy);
      procEnv.DATABASE_URL = proxy.url;
    }
    // A niced worker in a session of its own: it lowers its autogroup too (WORKER_NICE).
    // BENCH_BULK_OWN_SESSION=0 keeps it in the bench's session (threads niced only).
    const detached = Number(extraEnv.WORKER_NICE ?? 0) > 0 && process.env.BENCH_BULK_OWN_SESSION !== '0';
    // opts.root: another checkout's built processes (a code change measured against the code before it).
    const root = opts.root ?? process.env.BENCH_STACK_ROOT ?? ROOT;
    const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'apps', kind, 'dist', 'main.js')], {
      cwd: root,
      env: procEnv,
      detached,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A detached worker is out of the terminal's process group (Ctrl-C does not reach it): the
    // signal handlers in run.mjs stop it, and if the bench dies otherwise it is killed on exit.
    if (detached) process.once('exit', () => child.exitCode === null && child.kill('SIGKILL'));
    const log = createWriteStream(path.join(logDir, `${opts.name}-${name}.log`));
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    const proc = {
      name,
      kind,
      child,
      async stop(timeoutMs = 20_000) {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        await waitExit(child);
        clearTimeout(timer);
      },
    };
    processes.push(proc);
    if (kind === 'api') {
      // A further API replica listens on a port of its own (extraEnv.API_PORT).
      const port = extraEnv.API_PORT ?? apiPort;
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 60_000, `${name} /health`);
    } else {
      await waitFor(async () => child.exitCode === null && (await sleep(300).then(() => true)), 5_000, name);
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} (see bench/results/logs)`);
    }
    return proc;
  };

  let sampler = null;
  const startAll = async () => {
    await startProcess('api');
    await startProcess('scheduler');
    const bulkLanes = interactiveWorkers > 0 ? 'bulk' : 'interactive,bulk';
    // Bulk-lane workers give way to the rest when CPU runs short (WORKER_NICE; BENCH_BULK_NICE=0 turns it off).
    const bulkNice = interactiveWorkers > 0 ? (process.env.BENCH_BULK_NICE ?? '19') : '0';
    for (let i = 0; i < workers; i++) await startProcess('worker', { WORKER_LANES: bulkLanes, WORKER_NICE: bulkNice });
    for (let i = 0; i < interactiveWorkers; i++) await startProcess('worker', { WORKER_LANES: 'interactive' });
    if (process.env.BENCH_PG_SAMPLE === '1') sampler = await startPgSampler(db.url);
    const timing = { databaseMs: dbMs, totalMs: Date.now() - tStart };
    opts.progress?.note(
      `stack up in ${(timing.totalMs / 1000).toFixed(1)}s (database ${(dbMs / 1000).toFixed(1)}s; ${workers} ${interactiveWorkers ? 'bulk-lane' : ''} workers + ${interactiveWorkers} interactive-lane x concurrency ${concurrency})`,
    );
    return timing;
  };

  const stack = {
    name: opts.name,
    apiUrl: `http://127.0.0.1:${apiPort}/graphql`,
    databaseUrl: db.url,
    prisma: db.prisma,
    redisPrefix,
    env,
    workers,
    interactiveWorkers,
    concurrency,
    processes,
    proxies,
    startProcess,
    startAll,
    /** CPU seconds (user + system, from /proc) used so far by each Tower process. */
    /**
     * CPU seconds so far of each Tower process, of this database's Postgres backends together
     * (their process titles name the database) and of redis-server (the bench has it to itself).
     */
    cpu() {
      const seconds = (pid) => {
        try {
          const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
          return (Number(fields[11]) + Number(fields[12])) / 100;
        } catch {
          return null;
        }
      };
      const out = {};
      for (const p of processes) out[p.name] = seconds(p.child.pid);
      const dbName = new URL(db.url).pathname.slice(1);
      let postgres = 0;
      let redis = 0;
      for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
        let cmd;
        try {
          cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          continue;
        }
        if (cmd.startsWith('postgres: ') && cmd.includes(` ${dbName} `)) postgres += seconds(pid) ?? 0;
        else if (cmd.startsWith('redis-server')) redis += seconds(pid) ?? 0;
      }
      return { ...out, postgres, redis };
    },
    async stop() {
      if (sampler) {
        const report = await sampler.stop();
        writeFileSync(path.join(RESULTS, `pg-activity-${opts.name}.json`), JSON.stringify(report, null, 2));
      }
      await Promise.all(processes.map((p) => p.stop()));
      for (const p of proxies) await p.close();
      // BENCH_KEEP_DB=1 keeps the database for a look at the timestamps afterwards.
      if (process.env.BENCH_KEEP_DB === '1') opts.progress?.note(`kept database ${db.url}`);
      else await db.drop();
      await deleteRedisPrefix(env.REDIS_URL, redisPrefix).catch(() => undefined);
      activeStacks.delete(stack);
    },
  };
  activeStacks.add(stack);
  return stack;
}
