import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { TowerConfig } from '@tower/config';
import { createPrismaClient } from '@tower/db';
import { createEngine } from '@tower/engine';
import { EventPublisher } from '@tower/events';
import { createLogger, type Logger } from '@tower/logger';
import { createRedis, TaskQueue } from '@tower/queue';
import { AppModule, SCHEMA_FILE, type ApiResources } from './app.module.js';
import { AuthService } from './auth/auth.service.js';
import { EventStreamService } from './events/event-stream.service.js';

export interface ApiApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Builds and starts the API on config.API_PORT (0 = any free port). Shared by main.ts and tests. */
export async function createApiApp(config: TowerConfig, logger: Logger = createLogger('api', { level: config.LOG_LEVEL }), opts: { schemaFile?: string | false } = {}): Promise<ApiApp> {
  const prisma = createPrismaClient(config.DATABASE_URL, { poolMax: 10 });
  const redis = createRedis(config.REDIS_URL);
  const queue = new TaskQueue(redis, config.REDIS_PREFIX);
  const engine = createEngine({ prisma, queue, events: new EventPublisher(redis, config.REDIS_PREFIX), logger, clock: () => new Date() });
  const resources: ApiResources = { config, prisma, engine, logger, redis, authRef: { current: null } };

  const app = await NestFactory.create(AppModule.forRoot(resources, opts.schemaFile ?? SCHEMA_FILE), {
    logger: {
      log: (m: unknown) => logger.debug({ nest: m }),
      error: (m: unknown, trace?: unknown) => logger.error({ nest: m, trace }),
      warn: (m: unknown) => logger.warn({ nest: m }),
      debug: () => undefined,
      verbose: () => undefined,
    },
  });
  app.enableCors({ origin: config.WEB_ORIGIN === '*' ? true : config.WEB_ORIGIN.split(','), credentials: true });
  app.enableShutdownHooks();
  resources.authRef.current = app.get(AuthService);
  await app.listen(config.API_PORT, config.API_HOST);
  await app.get(EventStreamService).ready();
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}/graphql`;
  logger.info({ url }, 'api listening');

  return {
    app,
    url,
    async close() {
      await app.close();
      await queue.close();
      redis.disconnect();
      await prisma.$disconnect();
    },
  };
}
