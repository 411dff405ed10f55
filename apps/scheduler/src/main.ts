import { loadConfig } from '@tower/config';
import { closeOnSignals, createLogger } from '@tower/logger';
import { startScheduler } from './scheduler-runtime.js';

const config = loadConfig();
const logger = createLogger('scheduler', { level: config.LOG_LEVEL });
const handle = await startScheduler(config, logger);
closeOnSignals('scheduler', () => handle.close(), logger);
