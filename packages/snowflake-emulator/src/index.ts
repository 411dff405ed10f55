import type { AddressInfo } from 'node:net';
import { type Logger, createLogger } from '@tower/logger';
import type { EmulatorUser } from './auth/authenticate.js';
import { LoadHistory } from './copy/load-history.js';
import { DuckEngine } from './engine/duck-engine.js';
import { createHttpServer } from './http/http-server.js';
import { LoginService } from './http/login-service.js';
import { QueryService } from './http/query-service.js';
import type { ExecutorDeps, S3Settings } from './query/context.js';
import { ResultStore } from './results/result-store.js';
import { SessionStore } from './session/session-store.js';

export type { EmulatorUser } from './auth/authenticate.js';
export type { S3Settings } from './query/context.js';

export interface SnowflakeEmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; defaults to 127.0.0.1. */
  host?: string;
  /** S3-compatible endpoint that COPY INTO reads `s3://` locations from. */
  s3?: S3Settings;
  /** Accepted logins. Omitted: any user and password is accepted. */
  users?: EmulatorUser[];
  /** Directory for persistent databases; null/omitted keeps everything in memory. */
  dataDir?: string | null;
  /** Rows returned inline and per result chunk (default 10,000). */
  resultChunkRows?: number;
  logger?: Logger;
}

export interface SnowflakeEmulator {
  /** Pass as snowflake-sdk's `accessUrl`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts a Snowflake wire-compatible server backed by an embedded DuckDB: a local stand-in
 * for tests and demos that the real snowflake-sdk talks to over HTTP. It is not Snowflake; see
 * the package README for what it supports.
 */
export async function startSnowflakeEmulator(opts: SnowflakeEmulatorOptions = {}): Promise<SnowflakeEmulator> {
  const logger = opts.logger ?? createLogger('snowflake-emulator', { level: 'warn' });
  const engine = await DuckEngine.open(opts.dataDir ?? null);
  const loadHistory = new LoadHistory();
  const deps: ExecutorDeps = { engine, loadHistory, s3: opts.s3, chunkRows: opts.resultChunkRows ?? 10_000, logger };
  const sessions = new SessionStore(engine);
  const results = new ResultStore();
  const server = createHttpServer({
    sessions,
    results,
    logger,
    login: new LoginService(engine, sessions, opts.users, logger),
    queries: new QueryService(deps, results),
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  logger.info({ port, host, dataDir: opts.dataDir ?? null, s3: opts.s3?.endpoint ?? null }, 'snowflake emulator listening');

  let closed = false;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sessions.closeAll();
      await engine.close();
    },
  };
}
