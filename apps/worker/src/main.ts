import { loadConfig } from '@tower/config';
import { createLogger } from '@tower/logger';
import { startWorker } from './worker-runtime.js';

const config = loadConfig();
const logger = createLogger('worker', { level: config.LOG_LEVEL });
const handle = await startWorker(config, logger);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    handle.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'worker did not stop cleanly');
        process.exit(1);
      },
    );
  });
}
