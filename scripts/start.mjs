#!/usr/bin/env node
// npm start: install what is missing, migrate, build, then run API (4000), scheduler, worker and
// web (3000) on local defaults with a demo tenant. Ctrl-C stops everything cleanly.
import { bin, bold, canConnect, dim, ensureDependencies, ensureServices, green, red, run, startChild, step, waitForHttp, yellow } from './lib/env.mjs';
import { DEMO, seedDemo } from './lib/demo-seed.mjs';

const API_PORT = Number(process.env.API_PORT ?? 4000);
const WEB_PORT = Number(process.env.WEB_PORT ?? 3000);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/tower';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const API_URL = `http://127.0.0.1:${API_PORT}/graphql`;
const env = { DATABASE_URL, REDIS_URL, API_PORT: String(API_PORT), LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };

const children = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${bold('Stopping Tower…')}`);
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
  const deadline = Date.now() + 15_000;
  while (children.some(({ child }) => child.exitCode === null && child.signalCode === null) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const { child, name } of children) {
    if (child.exitCode === null && child.signalCode === null) {
      console.log(yellow(`${name} did not stop in time; killing it`));
      child.kill('SIGKILL');
    }
  }
  console.log('Stopped.');
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  ensureDependencies();
  await ensureServices();
  for (const [name, port] of [['API', API_PORT], ['web', WEB_PORT]]) {
    if (await canConnect('127.0.0.1', port)) throw new Error(`port ${port} (${name}) is already in use: stop what runs there or set ${name === 'API' ? 'API_PORT' : 'WEB_PORT'}`);
  }
  step('Migrating the database');
  run('node', ['scripts/db.mjs', 'migrate'], { env });
  step('Building');
  run(bin('turbo'), ['run', 'build', '--output-logs=errors-only']);

  step('Starting API, scheduler, worker and web');
  const spawnOne = (name, cmd, args, extraEnv = {}) => {
    const child = startChild(name, cmd, args, { ...env, ...extraEnv });
    children.push({ name, child });
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(red(`${name} exited (${code ?? signal}); stopping everything`));
        void stopAll(1);
      }
    });
  };
  spawnOne('api', 'node', ['apps/api/dist/main.js']);
  spawnOne('scheduler', 'node', ['apps/scheduler/dist/main.js']);
  spawnOne('worker', 'node', ['apps/worker/dist/main.js']);
  spawnOne('web', 'node', ['node_modules/next/dist/bin/next', 'start', 'apps/web', '-p', String(WEB_PORT)], { TOWER_API_URL: `http://localhost:${API_PORT}/graphql` });

  await waitForHttp(`http://127.0.0.1:${API_PORT}/health`);
  step('Seeding the demo tenant');
  await seedDemo(API_URL);
  await waitForHttp(`http://127.0.0.1:${WEB_PORT}/login`);

  console.log(`
${bold(green('Tower is running.'))}
  Web app   ${bold(`http://localhost:${WEB_PORT}`)}
  GraphQL   ${bold(`http://localhost:${API_PORT}/graphql`)}  (queries, mutations, graphql-ws subscriptions)
  Login     ${bold(DEMO.email)} / ${bold(DEMO.password)}
${dim('Press Ctrl-C to stop everything.')}
`);
} catch (err) {
  console.error(red(`\nnpm start failed: ${err.message}`));
  await stopAll(1);
}
