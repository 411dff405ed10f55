// A PostgreSQL cluster of the benchmark's own (initdb + pg_ctl from the installed server binaries,
// as the `postgres` user, on a free port), so a long benchmark runs with production settings
// (autovacuum on, fsync on, checkpoints spaced) whatever the machine's server is set to, and can be run with
// autovacuum off on purpose.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './stack.mjs';

export async function startPrivatePostgres({ autovacuum = true, settings = {} } = {}) {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  const bin = path.join('/usr/lib/postgresql', versions[versions.length - 1], 'bin');
  const dir = mkdtempSync(path.join(process.env.BENCH_PG_DIR ?? tmpdir(), 'tower-bench-pg-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dir, uid, gid);
  const port = await freePort();
  const asPostgres = (cmd, args) => execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args], { stdio: 'pipe' });
  asPostgres('initdb', ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres']);
  // Production settings for a write-heavy database (docs/database.md, "Postgres settings"): with the
  // defaults (max_wal_size 1 GB, checkpoint_timeout 5 min) a load on full tables checkpointed every
  // 15-20 s — the first change of each page after a checkpoint logs the whole page, and inserts into
  // a large random-uuid index touch a new page nearly every time — and the soak fell 20 % below its
  // empty-table figure. One checkpoint per 15 min, WAL room for it, and compressed page images:
  const all = {
    listen_addresses: '127.0.0.1',
    max_connections: '300',
    shared_buffers: '512MB',
    max_wal_size: '8GB',
    checkpoint_timeout: '15min',
    wal_compression: 'lz4',
    autovacuum: autovacuum ? 'on' : 'off',
    ...settings,
  };
  const options = [`-p ${port}`, `-k ${dir}`, ...Object.entries(all).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  asPostgres('pg_ctl', ['-D', path.join(dir, 'data'), '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    settings: all,
    /** The server's log file (autovacuum's reports when `log_autovacuum_min_duration` is set). */
    logPath: path.join(dir, 'log'),
    async destroy() {
      try {
        asPostgres('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'fast', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `fn(pg)` on a private cluster: the stacks it starts use it (`TEST_DATABASE_URL` points
 * there meanwhile); the cluster is destroyed after, whatever happened.
 */
export async function withPrivatePostgres(opts, fn) {
  const pg = await startPrivatePostgres(opts);
  const previousServer = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = pg.url;
  try {
    return await fn(pg);
  } finally {
    if (previousServer === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = previousServer;
    await pg.destroy();
  }
}
