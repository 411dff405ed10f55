import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { Logger } from '@tower/logger';
import { sessionGone } from '../errors/snowflake-error.js';
import type { ResultStore } from '../results/result-store.js';
import type { SessionStore } from '../session/session-store.js';
import type { LoginService } from './login-service.js';
import type { QueryService } from './query-service.js';
import { errorResponse, successResponse } from './responses.js';

export interface HttpDeps {
  sessions: SessionStore;
  login: LoginService;
  queries: QueryService;
  results: ResultStore;
  logger: Logger;
}

type Json = Record<string, unknown>;

/** The Snowflake REST endpoints snowflake-sdk calls, on a plain node:http server. */
export function createHttpServer(deps: HttpDeps): Server {
  return createServer((req, res) => {
    handle(deps, req, res).catch((err) => {
      deps.logger.error({ err, url: req.url }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { success: false, code: '000603', message: 'Internal emulator error', data: null });
    });
  });
}

async function handle(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const path = url.pathname;
  const baseUrl = `http://${req.headers.host ?? 'localhost'}`;
  deps.logger.debug({ method: req.method, path }, 'request');

  // Result chunks are fetched like presigned S3 URLs: no session token, plain text body.
  const chunk = path.match(/^\/emulator\/result-chunks\/([^/]+)\/(\d+)$/);
  if (chunk && req.method === 'GET') {
    const text = deps.results.chunk(chunk[1], Number(chunk[2]), url.searchParams.get('key') ?? '');
    if (text === undefined) return sendText(res, 404, 'chunk not found');
    return sendText(res, 200, text);
  }
  if (path === '/health' || path === '/emulator/health') return sendJson(res, 200, { ok: true });

  const body = req.method === 'POST' ? await readJson(req) : {};
  if (path === '/session/v1/login-request') return sendJson(res, 200, await deps.login.login(body, url.searchParams));

  const session = deps.sessions.byAuthorization(req.headers.authorization);
  if (!session) {
    // Deleting an unknown session is a success for the SDK (GONE_SESSION is tolerated on destroy).
    return sendJson(res, 200, errorResponse(sessionGone()));
  }
  if (path === '/session' && url.searchParams.get('delete') === 'true') {
    await deps.sessions.close(session);
    return sendJson(res, 200, successResponse(null));
  }
  if (path === '/session/heartbeat' || path === '/telemetry/send') return sendJson(res, 200, successResponse(null));
  if (path === '/session/token-request') return sendJson(res, 200, deps.login.renew(session));
  if (path === '/queries/v1/query-request') return sendJson(res, 200, await deps.queries.submit(session, body, baseUrl));
  if (path === '/queries/v1/abort-request' || /^\/queries\/[^/]+\/abort-request$/.test(path)) {
    return sendJson(res, 200, successResponse(null));
  }
  const result = path.match(/^\/queries\/([^/]+)\/result$/);
  if (result) return sendJson(res, 200, await deps.queries.result(result[1], baseUrl));
  const monitoring = path.match(/^\/monitoring\/queries\/([^/]+)$/);
  if (monitoring) return sendJson(res, 200, deps.queries.monitoring(monitoring[1]));

  deps.logger.warn({ method: req.method, path }, 'unsupported endpoint');
  return sendJson(res, 404, { success: false, code: '000404', message: `The Snowflake emulator does not implement ${req.method} ${path}`, data: null });
}

/**
 * snowflake-sdk gzips request bodies in a callback that may finish after the request was sent,
 * so the Content-Encoding header cannot be trusted: detect gzip by its magic bytes instead.
 */
async function readJson(req: IncomingMessage): Promise<Json> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  let raw = Buffer.concat(parts);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
  if (raw.length === 0) return {};
  return JSON.parse(raw.toString('utf8')) as Json;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
