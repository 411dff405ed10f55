'use client';
import { createClient, type Client } from 'graphql-ws';
import { clearToken, getToken } from './session';

declare global {
  interface Window {
    __TOWER__?: { apiUrl?: string | null };
  }
}

/** The API endpoint: from the server's TOWER_API_URL (injected at request time) or port 4000 of this host. */
export function apiUrl(): string {
  const configured = typeof window !== 'undefined' ? window.__TOWER__?.apiUrl : null;
  if (configured) return configured;
  return `${window.location.protocol}//${window.location.hostname}:4000/graphql`;
}

export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** A typed operation: the document plus its result and variable types. */
export interface Operation<TResult, TVariables> {
  document: string;
  readonly __result?: TResult;
  readonly __variables?: TVariables;
}

export function op<TResult, TVariables = Record<string, never>>(document: string): Operation<TResult, TVariables> {
  return { document };
}

export async function request<R, V>(operation: Operation<R, V>, variables?: V): Promise<R> {
  const token = getToken();
  const res = await fetch(apiUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: operation.document, variables }),
  });
  const body = (await res.json()) as { data?: R; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  if (body.errors?.length) {
    const first = body.errors[0];
    if (first.extensions?.code === 'UNAUTHENTICATED' && token) {
      clearToken();
      window.location.assign('/login');
    }
    throw new GraphQLRequestError(first.message, first.extensions?.code);
  }
  return body.data as R;
}

let wsClient: Client | null = null;
let wsToken: string | null = null;

function ws(): Client {
  const token = getToken();
  if (!wsClient || wsToken !== token) {
    void wsClient?.dispose();
    wsToken = token;
    wsClient = createClient({
      url: apiUrl().replace(/^http/, 'ws'),
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: Infinity,
      shouldRetry: () => true,
    });
  }
  return wsClient;
}

/** Subscribes to a GraphQL subscription; returns the unsubscribe function. */
export function subscribe<R, V>(operation: Operation<R, V>, variables: V, onData: (data: R) => void): () => void {
  return ws().subscribe<R>(
    { query: operation.document, variables: variables as Record<string, unknown> },
    { next: (v) => v.data && onData(v.data as R), error: () => undefined, complete: () => undefined },
  );
}
