import { loadConfig } from '@tower/config';
import { closeOnSignals, createLogger } from '@tower/logger';
import { startWorker } from './worker-runtime.js';

const config = loadConfig();
const logger = createLogger('worker', { level: config.LOG_LEVEL });
const handle = await startWorker(config, logger);
closeOnSignals('worker', () => handle.close(config.WORKER_DRAIN_MS), logger);
