import { loadConfig } from '@tower/config';
import { createLogger } from '@tower/logger';
import { startTracing } from '@tower/telemetry';
import { createApiApp } from './app-factory.js';

// SIGTERM/SIGINT are handled by the app (enableShutdownHooks): it stops accepting requests,
// completes subscriptions, closes Postgres and Redis, then exits 0.
const config = loadConfig();
const logger = createLogger('api', { level: config.LOG_LEVEL });
if (config.OTEL_EXPORTER_OTLP_ENDPOINT) startTracing({ serviceName: 'tower-api', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
try {
  await createApiApp(config, { logger });
} catch (err) {
  logger.fatal({ err }, 'api failed to start');
  process.exit(1);
}
