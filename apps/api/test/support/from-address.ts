import http from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { GqlResponse } from './test-api.js';

/**
 * Requests from another loopback address (Linux routes all of 127/8 to lo), to act as several
 * clients: per-address limits count each apart.
 */
export function gqlFrom<T = Record<string, unknown>>(
  url: string,
  localAddress: string,
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<GqlResponse<T> & { status: number; retryAfter: string | null }> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => {
          try {
            const header = res.headers['retry-after'];
            resolve({ ...(JSON.parse(text) as GqlResponse<T>), status: res.statusCode ?? 0, retryAfter: typeof header === 'string' ? header : null });
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A graphql-ws client whose socket leaves from `localAddress`. */
export function wsClientFrom(url: string, localAddress: string, token?: string): Client {
  class FromAddress extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { localAddress });
    }
  }
  return createClient({
    url,
    webSocketImpl: FromAddress,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}
