import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(fn: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await fn()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGTERM and wait for the server to exit. */
  stop(): Promise<void>;
  /** Starts the server again on the same port (after stop): with its data if it persists them. */
  restart(): Promise<void>;
  /** With `persist`: deletes what it saved (after stop), so the next restart starts empty. */
  wipe(): void;
  /** SIGSTOP: the server keeps its connections open and answers nothing (a hung Redis). */
  pause(): void;
  /** SIGCONT after pause. */
  resume(): void;
}

/**
 * A Redis server of the test's own (never the machine's): FLUSHALL, a stopped or a hung (SIGSTOP)
 * server cannot disturb tests running in parallel.
 */
export async function startPrivateRedis(opts: { persist?: boolean } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  // `persist`: an append-only file written at every command, so a restart keeps every write.
  const dir = opts.persist ? mkdtempSync(path.join(tmpdir(), 'tower-redis-')) : null;
  const storage = dir ? ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...storage], { stdio: 'ignore' });
    await waitFor(
      async () => {
        const r = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
        try {
          await r.connect();
          return (await r.ping()) === 'PONG';
        } finally {
          r.disconnect();
        }
      },
      10_000,
      'a private redis-server (is redis-server installed?)',
    );
  };
  await start();
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        const c = child;
        if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
        c.kill('SIGCONT'); // a paused server handles the SIGTERM once it runs again
      }),
    restart: start,
    wipe() {
      if (!dir) return;
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
  };
}
