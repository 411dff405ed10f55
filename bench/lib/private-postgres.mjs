// A PostgreSQL cluster of the benchmark's own (initdb + pg_ctl from the installed server binaries,
// as the `postgres` user, on a free port), so a long benchmark runs with production settings
// (autovacuum on, fsync on) whatever the machine's server is set to, and can be run with
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
  const all = { listen_addresses: '127.0.0.1', max_connections: '300', shared_buffers: '512MB', autovacuum: autovacuum ? 'on' : 'off', ...settings };
  const options = [`-p ${port}`, `-k ${dir}`, ...Object.entries(all).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  asPostgres('pg_ctl', ['-D', path.join(dir, 'data'), '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    settings: all,
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
