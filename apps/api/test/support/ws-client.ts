import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

type Result<T> = FormattedExecutionResult<T, unknown>;

export function wsClient(url: string, token?: string): Client {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** A subscription as a queue: `next()` waits for the next payload; errors and completion are recorded. */
export function subscribe<T>(client: Client, query: string, variables: Record<string, unknown> = {}, operationName?: string) {
  const results: Result<T>[] = [];
  const waiters: Array<(r: Result<T>) => void> = [];
  let error: unknown;
  let completed = false;
  let settle: () => void;
  const ended = new Promise<void>((resolve) => (settle = resolve));
  const dispose = client.subscribe<T>(
    { query, variables, ...(operationName ? { operationName } : {}) },
    {
      next: (r) => {
        const w = waiters.shift();
        if (w) w(r);
        else results.push(r);
      },
      error: (e) => {
        error = e;
        settle();
      },
      complete: () => {
        completed = true;
        settle();
      },
    },
  );
  return {
    dispose,
    ended,
    get error() {
      return error;
    },
    get completed() {
      return completed;
    },
    next(timeoutMs = 5_000): Promise<Result<T>> {
      const ready = results.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no subscription payload within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
    },
    /** Payloads received but not consumed yet. */
    pending: () => results.length,
  };
}
