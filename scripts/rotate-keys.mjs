#!/usr/bin/env node
// Re-encrypts every connection and alert channel secret under the current encryption key
// (docs/connections.md).
//
//   TOWER_ENCRYPTION_KEYS="new:<base64>,old:<base64>" npm run connections:rotate-keys
//
// The first key of TOWER_ENCRYPTION_KEYS is the current one; the others must still hold every
// key id found in the database. Run it after deploying the new ring to every process; once it
// reports 0 left under old keys, the old key can be removed from TOWER_ENCRYPTION_KEYS.
// Idempotent and safe while Tower runs (each row is a compare-and-set on its ciphertext).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib/env.mjs';

const dist = (pkg) => pathToFileURL(path.join(ROOT, 'packages', pkg, 'dist', 'index.js')).href;
if (!existsSync(path.join(ROOT, 'packages', 'engine', 'dist', 'index.js'))) {
  console.error('Build first: npm run build');
  process.exit(1);
}
const { loadConfig } = await import(dist('config'));
const { createPrismaClient } = await import(dist('db'));
const { ConnectionService } = await import(dist('engine'));
const { AlertChannelService } = await import(dist('alerts'));
const { createLogger } = await import(dist('logger'));
const { keyringFromEnv } = await import(dist('secrets'));

const config = loadConfig();
const keyring = keyringFromEnv(config.TOWER_ENCRYPTION_KEYS, config.NODE_ENV);
const prisma = createPrismaClient(config.DATABASE_URL, { poolMax: 2 });
const logger = createLogger('rotate-keys', { level: config.LOG_LEVEL });
const service = new ConnectionService({ prisma, keyring, logger, clock: () => new Date() });

const bar = (done, total) => {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
};
try {
  const result = await service.rotateKeys((done, total) => {
    if (process.stdout.isTTY) process.stdout.write(`\rre-encrypting ${bar(done, total)}`);
  });
  if (process.stdout.isTTY) process.stdout.write('\n');
  const left = await prisma.connection.count({ where: { secretCiphertext: { not: null }, NOT: { keyId: keyring.current.id } } });
  const channels = await new AlertChannelService({ prisma, keyring, logger, clock: () => new Date() }).rotateKeys();
  console.log(
    JSON.stringify({
      event: 'rotation-finished',
      currentKey: result.keyId,
      connectionsWithSecrets: result.connections,
      reencrypted: result.reencrypted,
      leftUnderOldKeys: left,
      alertChannelsWithSecrets: channels.channels,
      alertChannelsReencrypted: channels.reencrypted,
      alertChannelsLeftUnderOldKeys: channels.left,
    }),
  );
  process.exitCode = left === 0 && channels.left === 0 ? 0 : 1;
} catch (err) {
  console.error(`rotation failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}
