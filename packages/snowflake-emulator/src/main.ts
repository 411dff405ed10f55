#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger } from '@tower/logger';
import { type EmulatorUser, startSnowflakeEmulator } from './index.js';

const USAGE = `Usage: tower-snowflake-emulator [options]
  --port <n>              port to listen on (default 8082; 0 = random)
  --host <addr>           interface to bind (default 127.0.0.1)
  --s3-endpoint <url>     S3-compatible endpoint for COPY INTO from s3:// (e.g. http://127.0.0.1:4569)
  --s3-region <region>    region used to sign S3 requests (default us-east-1)
  --data-dir <dir>        keep databases on disk (default: in memory)
  --user <name:password>  accepted login (repeatable; none = accept any login)
  --user-key <name:file>  accepted key-pair login with a PEM public key file (repeatable)
  --chunk-rows <n>        rows per result chunk (default 10000)
  --log-level <level>     pino level (default info)`;

// The CLI is the only place that reads arguments; the library takes a typed options object.
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8082' },
    host: { type: 'string', default: '127.0.0.1' },
    's3-endpoint': { type: 'string' },
    's3-region': { type: 'string' },
    'data-dir': { type: 'string' },
    user: { type: 'string', multiple: true },
    'user-key': { type: 'string', multiple: true },
    'chunk-rows': { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const logger = createLogger('snowflake-emulator', { level: values['log-level'] });
const split = (spec: string) => {
  const at = spec.indexOf(':');
  if (at < 1) throw new Error(`expected name:value, got "${spec}"`);
  return [spec.slice(0, at), spec.slice(at + 1)] as const;
};
const users: EmulatorUser[] = [
  ...(values.user ?? []).map((spec) => {
    const [user, password] = split(spec);
    return { user, password };
  }),
  ...(values['user-key'] ?? []).map((spec) => {
    const [user, file] = split(spec);
    return { user, publicKeyPem: readFileSync(file, 'utf8') };
  }),
];

const emulator = await startSnowflakeEmulator({
  port: Number(values.port),
  host: values.host,
  s3: values['s3-endpoint'] ? { endpoint: values['s3-endpoint'], region: values['s3-region'], forcePathStyle: true } : undefined,
  users: users.length ? users : undefined,
  dataDir: values['data-dir'] ?? null,
  resultChunkRows: values['chunk-rows'] ? Number(values['chunk-rows']) : undefined,
  logger,
});
logger.info({ url: emulator.url }, `Snowflake emulator ready: use accessUrl ${emulator.url} with snowflake-sdk`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    emulator.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
