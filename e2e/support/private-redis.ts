import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitFor } from './stack.js';

export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGTERM and wait for the server to exit. */
  stop(): Promise<void>;
  /** Starts the server again on the same port (after stop): with its data if it persists them. */
  restart(): Promise<void>;
  /** With `persist`: deletes what it saved (after stop), so the next restart starts empty. */
  wipe(): void;
}

/**
 * A Redis server of the test's own (never the machine's): FLUSHALL or a stopped server cannot
 * disturb tests running in parallel.
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
      }),
    restart: start,
    wipe() {
      if (!dir) return;
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
    },
  };
}
