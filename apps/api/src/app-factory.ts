import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { TowerConfig } from '@tower/config';
import { createLogger, type Logger } from '@tower/logger';
import { enableMetrics, observeRequestsWaiting } from '@tower/telemetry';
import { AppModule } from './app.module.js';
import { runInDbScope } from '@tower/db';
import { clientGateMiddleware, refuseTooMany } from './auth/client-gate-middleware.js';
import { ClientGate } from './auth/client-gate.js';
import { RequestLimits } from './auth/request-limits.js';
import { clientIpOf, compileTrustProxy, type ClientRequest } from './common/graphql-context.js';
import { GRAPHQL_PATH } from './graphql/graphql-options.js';
import { limitWsMessageSize } from './graphql/ws-message-limit.js';
import { PinoNestLogger } from './infra/nest-logger.js';

export interface ApiAppOptions {
  logger?: Logger;
  /** Where to write the sorted SDL at boot; default config.SCHEMA_OUTPUT, else kept in memory. */
  schemaFile?: string;
  /** SIGTERM/SIGINT close the app and exit the process (default true; tests may turn it off). */
  handleSignals?: boolean;
}

export interface ApiApp {
  app: INestApplication;
  /** http://host:port/graphql, with the port actually bound (config.API_PORT may be 0). */
  url: string;
  /** ws://host:port/graphql for graphql-ws. */
  wsUrl: string;
  port: number;
  /** Stops accepting connections, completes subscriptions, then closes Postgres and Redis. */
  close(): Promise<void>;
}

// DAG specs may be up to 2 MiB (core's limit); leave room for the JSON envelope. The same cap
// holds for a graphql-ws message.
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

function corsOrigin(webOrigin: string): true | string[] {
  return webOrigin.trim() === '*'
    ? true
    : webOrigin
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean);
}

/** Builds and starts the API. The process entry (main.ts) and the tests share this one path. */
export async function createApiApp(config: TowerConfig, opts: ApiAppOptions = {}): Promise<ApiApp> {
  const logger = opts.logger ?? createLogger('api', { level: config.LOG_LEVEL });
  if (config.METRICS_ENABLED) enableMetrics('api');
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ config, logger, autoSchemaFile: opts.schemaFile ?? config.SCHEMA_OUTPUT ?? true }),
    { logger: new PinoNestLogger(logger), abortOnError: false },
  );
  try {
    // Before anything else reads the request: one address's requests take turns with everyone
    // else's (REQUESTS_IN_FLIGHT_PER_IP), then every GraphQL request counts against its address.
    if (config.REQUESTS_IN_FLIGHT_PER_IP > 0) {
      const gate = new ClientGate(config.REQUESTS_IN_FLIGHT_PER_IP, config.REQUESTS_QUEUED_PER_IP);
      observeRequestsWaiting(() => gate.waiting);
      app.use(clientGateMiddleware(gate));
    }
    const limits = app.get(RequestLimits);
    app.use(GRAPHQL_PATH, (req: ClientRequest, res: ServerResponse, next: (err?: unknown) => void) => {
      if (req.method !== 'POST' && req.method !== 'GET') return next();
      void limits.ip(clientIpOf(req)).then((refused) => {
        if (!refused) return next();
        refuseTooMany(res, refused.message, Number(refused.details?.retryAfterSeconds));
      }, next);
    });
    app.useBodyParser('json', { limit: BODY_LIMIT_BYTES });
    // Every request's statements run in a database scope of its own, which AuthGuard binds to
    // the caller's tenant (row-security.ts). After the body parser: its stream events would not
    // carry the scope on.
    app.use((_req: IncomingMessage, _res: ServerResponse, next: () => void) => runInDbScope({}, next));
    // The client's address behind the web app's proxy (and any other trusted one): login throttling and the audit use it.
    // The same function resolves a graphql-ws upgrade's address (graphql-context.ts), which Express never sees.
    app.set('trust proxy', compileTrustProxy(config.TRUST_PROXY));
    // No credentials cross-origin: programmatic clients send bearer tokens; the web app's session
    // cookie only travels through its own origin (it proxies /graphql), see auth/web-session.ts.
    app.enableCors({ origin: corsOrigin(config.WEB_ORIGIN), methods: ['GET', 'POST', 'OPTIONS'], maxAge: 600 });
    if (opts.handleSignals !== false) app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
    await app.init();
    limitWsMessageSize(app, BODY_LIMIT_BYTES);
    await app.listen(config.API_PORT, config.API_HOST);
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }

  const { port } = app.getHttpServer().address() as { port: number };
  const host = ['0.0.0.0', '::', ''].includes(config.API_HOST) ? '127.0.0.1' : config.API_HOST.includes(':') ? `[${config.API_HOST}]` : config.API_HOST;
  const url = `http://${host}:${port}${GRAPHQL_PATH}`;
  logger.info({ url, webOrigin: config.WEB_ORIGIN }, 'api listening');
  return { app, url, wsUrl: url.replace(/^http/, 'ws'), port, close: () => app.close() };
}
