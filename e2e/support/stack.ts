import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '@tower/db';
import { deleteRedisPrefix } from '@tower/queue';
import { freePort } from '../../packages/db/src/test-support/private-postgres.js';
import type { PrismaClient } from '@tower/db';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = path.join(ROOT, 'e2e', 'artifacts');

/** A free TCP port on loopback: the one helper, with the private Postgres server's. */
export { freePort };

export interface TowerProcess {
  name: string;
  child: ChildProcess;
  /** SIGTERM and wait for exit (SIGKILL after timeoutMs). */
  stop(timeoutMs?: number): Promise<void>;
  kill9(): Promise<void>;
  /**
   * Resolves once the process has logged a line whose msg is `msg` (at any time since it started);
   * rejects if it exits first or after timeoutMs.
   */
  waitForLog(msg: string, timeoutMs?: number): Promise<void>;
  /** The ops port (`/healthz`, `/readyz`, `/metrics`) a scheduler or worker logged at start; the API's is apiPort. */
  opsPort: number | null;
}

export interface Stack {
  apiUrl: string;
  wsUrl: string;
  apiPort: number;
  databaseUrl: string;
  prisma: PrismaClient;
  redisPrefix: string;
  env: Record<string, string>;
  processes: TowerProcess[];
  startProcess(kind: 'api' | 'scheduler' | 'worker', extraEnv?: Record<string, string>, spawnOpts?: { detached?: boolean }): Promise<TowerProcess>;
  stop(): Promise<void>;
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, what = 'condition', intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * Starts one of Tower's real processes (the built dist of apps/<kind>) with `env` over this
 * process's environment, its output in e2e/artifacts/<log>.log, and resolves once it is ready: the
 * API when `/health` answers (on `env.API_PORT`), a scheduler or worker once it logs that it
 * started. `spawned` sees the process before that wait, so that a caller can stop it if the wait
 * fails. `detached`: the process leads a session of its own (setsid), as under a supervisor.
 */
export async function startTowerProcess(
  kind: 'api' | 'scheduler' | 'worker',
  env: Record<string, string>,
  opts: { name: string; log: string; detached?: boolean; spawned?: (proc: TowerProcess) => void },
): Promise<TowerProcess> {
  const { name } = opts;
  mkdirSync(ARTIFACTS, { recursive: true });
  const child = spawn(process.execPath, [path.join(ROOT, 'apps', kind, 'dist', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  // Out of the test's process group: if the test process ends without stopping it, it goes too.
  if (opts.detached) process.once('exit', () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  // Two pipes into one file: neither may end it, or the other's last lines would be written after its end.
  const log = createWriteStream(path.join(ARTIFACTS, `${opts.log}.log`));
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.once('close', () => log.end());
  // The messages logged so far (pino JSON lines), for waitForLog.
  const logged = new Set<string>();
  const collect = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const msg = /"msg":("(?:[^"\\]|\\.)*")/.exec(line)?.[1];
        const opsPort = /"opsPort":(\d+)/.exec(line)?.[1];
        if (opsPort) proc.opsPort = Number(opsPort);
        if (msg) logged.add(JSON.parse(msg) as string);
      }
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const proc: TowerProcess = {
    name,
    child,
    opsPort: null,
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await waitExit(child);
      clearTimeout(timer);
    },
    async kill9() {
      child.kill('SIGKILL');
      await waitExit(child);
    },
    async waitForLog(msg, timeoutMs = 30_000) {
      await waitFor(async () => logged.has(msg) || exited(), timeoutMs, `${name} to log ${msg}`);
      if (!logged.has(msg)) throw new Error(`${name} exited before logging ${msg}`);
    },
  };
  opts.spawned?.(proc);
  if (kind === 'api') {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${env.API_PORT}/health`)).ok, 30_000, `${name} /health`);
  } else {
    // Ready once it says so (the stack logs at info): a worker when its queue consumers and stop
    // listener are connected, a scheduler once its loops have begun.
    await proc.waitForLog(`${kind} started`, 30_000);
  }
  return proc;
}

/**
 * Starts Tower's real processes (built dist of apps/api, apps/scheduler, apps/worker) against a
 * fresh database and a Redis key prefix of its own. Nothing is faked. `databaseServer`: the URL of
 * any database on the server to create it on (a private one, for a test that stops it); by default
 * the machine's.
 */
export async function startStack(opts: {
  name: string;
  schedulers?: number;
  workers?: number;
  env?: Record<string, string>;
  databaseServer?: string;
  /**
   * The API leads a session of its own (setsid), as under a supervisor or in a container: Linux
   * shares CPU fairly between sessions (autogroups), so the test's own client threads do not take
   * the API's share of it. Stopped by stop() like the others.
   */
  detachedApi?: boolean;
}): Promise<Stack> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const db = await createTestDatabase(opts.name, opts.databaseServer);
  const apiPort = await freePort();
  const redisPrefix = `tower-test-${opts.name}-${process.pid}-${Date.now().toString(36)}`;
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_PREFIX: redisPrefix,
    API_PORT: String(apiPort),
    API_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SCHEDULER_TICK_MS: '200',
    WORKER_CONCURRENCY: '4',
    // Several schedulers and workers run side by side: each takes a free ops port (logged).
    SCHEDULER_OPS_PORT: '0',
    WORKER_OPS_PORT: '0',
    ...(opts.env ?? {}),
  };
  const processes: TowerProcess[] = [];
  let counter = 0;

  /** `detached`: the process leads a session of its own (setsid), as under a supervisor. */
  const startProcess = (
    kind: 'api' | 'scheduler' | 'worker',
    extraEnv: Record<string, string> = {},
    spawnOpts: { detached?: boolean } = {},
  ): Promise<TowerProcess> => {
    const name = `${kind}-${++counter}`;
    return startTowerProcess(
      kind,
      { ...env, ...extraEnv },
      { name, log: `${opts.name}-${name}`, detached: spawnOpts.detached, spawned: (proc) => processes.push(proc) },
    );
  };

  await startProcess('api', {}, { detached: opts.detachedApi ?? false });
  for (let i = 0; i < (opts.schedulers ?? 1); i++) await startProcess('scheduler');
  for (let i = 0; i < (opts.workers ?? 1); i++) await startProcess('worker');

  return {
    apiUrl: `http://127.0.0.1:${apiPort}/graphql`,
    wsUrl: `ws://127.0.0.1:${apiPort}/graphql`,
    apiPort,
    databaseUrl: db.url,
    prisma: db.prisma,
    redisPrefix,
    env,
    processes,
    startProcess,
    async stop() {
      await Promise.all(processes.map((p) => p.stop()));
      await db.drop();
      // The stack's Redis prefix is its own: its keys go with its database.
      await deleteRedisPrefix(env.REDIS_URL, redisPrefix);
    },
  };
}
