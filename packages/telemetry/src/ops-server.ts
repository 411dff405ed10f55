import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readinessResponse, type ReadinessAdvisory, type ReadinessCheck } from './health.js';
import { metricsEnabled, registry } from './metrics.js';

export interface OpsServer {
  /** The port bound (the configured one, or the one chosen for port 0); null when none could be bound. */
  port: number | null;
  close(): Promise<void>;
}

export interface OpsServerOptions {
  port: number;
  host: string;
  checks: readonly ReadinessCheck[];
  /** Reported under `warnings` in `/readyz`, without making the process unready. */
  advisories?: readonly ReadinessAdvisory[];
  /** Called when the port cannot be bound: the process goes on without health and metrics. */
  onListenError?: (err: Error) => void;
}

/** `GET /healthz`, `/readyz` and `/metrics` on the port of a process without an HTTP server of its own. */
export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (path === '/healthz') return send(200, 'application/json', '{"status":"ok"}\n');
    if (path === '/readyz') {
      readinessResponse(opts.checks, opts.advisories).then(
        (r) => send(r.statusCode, 'application/json', `${JSON.stringify(r.body)}\n`),
        (err: unknown) => send(500, 'text/plain', `${String(err)}\n`),
      );
      return;
    }
    if (path === '/metrics' && metricsEnabled()) {
      registry.metrics().then(
        (text) => send(200, registry.contentType, text),
        (err: unknown) => send(500, 'text/plain', `${String(err)}\n`),
      );
      return;
    }
    send(404, 'text/plain', 'not found\n');
  });
  // Probes and scrapes are short: an idle keep-alive socket must not hold close() up.
  server.keepAliveTimeout = 1_000;
  const port = await new Promise<number | null>((resolve) => {
    server.once('error', (err) => {
      opts.onListenError?.(err);
      resolve(null);
    });
    server.listen(opts.port, opts.host, () => resolve((server.address() as AddressInfo).port));
  });
  return {
    port,
    close: () =>
      port === null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
  };
}
