import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { postFrom } from './post-from.mjs';
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
  return postFrom({ url, localAddress, query, variables, token }) as Promise<GqlResponse<T> & { status: number; retryAfter: string | null }>;
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
