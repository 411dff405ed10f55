import { loadConfig } from '@tower/config';
import { createLogger } from '@tower/logger';
import { startScheduler } from './scheduler-runtime.js';

const config = loadConfig();
const logger = createLogger('scheduler', { level: config.LOG_LEVEL });
const handle = await startScheduler(config, logger);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    handle.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'scheduler did not stop cleanly');
        process.exit(1);
      },
    );
  });
}
