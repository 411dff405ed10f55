#!/usr/bin/env node
// npm start: install what is missing, migrate, build, then run API (4000), scheduler, worker and
// web (3000) on local defaults with a demo tenant. Ctrl-C stops everything cleanly.
import { bin, bold, canConnect, dim, ensureDependencies, ensureServices, green, red, run, startChild, step, waitForHttp, yellow } from './lib/env.mjs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEMO, DEMO_CLOUD, seedDemo } from './lib/demo-seed.mjs';

const API_PORT = Number(process.env.API_PORT ?? 4000);
const WEB_PORT = Number(process.env.WEB_PORT ?? 3000);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/tower';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const API_URL = `http://127.0.0.1:${API_PORT}/graphql`;
// Local stand-ins for the demo tenant's cloud: S3 (s3rver), Snowflake (Tower's emulator), and
// a mail + webhook catcher for notifications. Their data lives under .tower/.
const S3_PORT = Number(process.env.TOWER_DEMO_S3_PORT ?? 4569);
const SNOWFLAKE_PORT = Number(process.env.TOWER_DEMO_SNOWFLAKE_PORT ?? 8082);
const SMTP_PORT = Number(process.env.TOWER_DEMO_SMTP_PORT ?? 2525);
const WEBHOOK_PORT = Number(process.env.TOWER_DEMO_WEBHOOK_PORT ?? 4580);
const DATA_DIR = process.env.TOWER_DATA_DIR ?? '.tower';
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
  const ports = [
    ['API', API_PORT, 'API_PORT'],
    ['web', WEB_PORT, 'WEB_PORT'],
    ['local S3', S3_PORT, 'TOWER_DEMO_S3_PORT'],
    ['Snowflake emulator', SNOWFLAKE_PORT, 'TOWER_DEMO_SNOWFLAKE_PORT'],
    ['mail catcher', SMTP_PORT, 'TOWER_DEMO_SMTP_PORT'],
    ['webhook catcher', WEBHOOK_PORT, 'TOWER_DEMO_WEBHOOK_PORT'],
  ];
  for (const [name, port, variable] of ports) {
    if (await canConnect('127.0.0.1', port)) throw new Error(`port ${port} (${name}) is already in use: stop what runs there or set ${variable}`);
  }
  step('Migrating the database');
  run('node', ['scripts/db.mjs', 'migrate'], { env });
  step('Building');
  run(bin('turbo'), ['run', 'build', '--output-logs=errors-only']);

  step('Starting the local S3, Snowflake emulator and notification catchers');
  mkdirSync(path.join(DATA_DIR, 's3'), { recursive: true });
  mkdirSync(path.join(DATA_DIR, 'snowflake'), { recursive: true });
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
  // --openssl-legacy-provider: s3rver's listing tokens use DES, which Node 20 refuses otherwise.
  spawnOne('s3', 'node', [
    '--openssl-legacy-provider',
    'node_modules/s3rver/bin/s3rver.js',
    '-d',
    path.join(DATA_DIR, 's3'),
    '-a',
    '127.0.0.1',
    '-p',
    String(S3_PORT),
    '--silent',
    '--configure-bucket',
    'sales',
  ]);
  spawnOne('snowflake', 'node', [
    'packages/snowflake-emulator/dist/main.js',
    '--port',
    String(SNOWFLAKE_PORT),
    '--s3-endpoint',
    `http://127.0.0.1:${S3_PORT}`,
    '--data-dir',
    path.join(DATA_DIR, 'snowflake'),
    '--user',
    `${DEMO_CLOUD.snowflakeUser}:${DEMO_CLOUD.snowflakePassword}`,
    '--log-level',
    'warn',
  ]);
  spawnOne('sinks', 'node', ['scripts/local-sinks.mjs', '--smtp-port', String(SMTP_PORT), '--webhook-port', String(WEBHOOK_PORT)]);
  await waitForHttp(`http://127.0.0.1:${SNOWFLAKE_PORT}/health`);

  step('Starting API, scheduler, worker and web');
  // Invitation emails go to the local mail catcher, which prints them in this console.
  spawnOne('api', 'node', ['apps/api/dist/main.js'], { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(SMTP_PORT) });
  spawnOne('scheduler', 'node', ['apps/scheduler/dist/main.js']);
  spawnOne('worker', 'node', ['apps/worker/dist/main.js']);
  spawnOne('web', 'node', ['node_modules/next/dist/bin/next', 'start', 'apps/web', '-p', String(WEB_PORT)], {
    TOWER_API_URL: `http://localhost:${API_PORT}/graphql`,
    // Enables the "Drop a sample file" button of the demo pipeline.
    TOWER_DEMO_S3_ENDPOINT: `http://127.0.0.1:${S3_PORT}`,
  });

  await waitForHttp(`http://127.0.0.1:${API_PORT}/health`);
  step('Seeding the demo tenant');
  await seedDemo(API_URL, { s3Port: S3_PORT, snowflakePort: SNOWFLAKE_PORT, smtpPort: SMTP_PORT, webhookPort: WEBHOOK_PORT });
  await waitForHttp(`http://127.0.0.1:${WEB_PORT}/login`);

  console.log(`
${bold(green('Tower is running.'))}
  Web app   ${bold(`http://localhost:${WEB_PORT}`)}
  GraphQL   ${bold(`http://localhost:${API_PORT}/graphql`)}  (queries, mutations, graphql-ws subscriptions)
  Login     ${bold(DEMO.email)} / ${bold(DEMO.password)}
  Demo      daily_sales_pipeline: ${bold('npm run demo:drop-file')} (or the button on its page) drops a sales file
            into the local S3 (http://127.0.0.1:${S3_PORT}, bucket sales); the run loads the local Snowflake
            emulator (http://127.0.0.1:${SNOWFLAKE_PORT}); notifications print here as sink lines.
${dim('Press Ctrl-C to stop everything.')}
`);
} catch (err) {
  console.error(red(`\nnpm start failed: ${err.message}`));
  await stopAll(1);
}
