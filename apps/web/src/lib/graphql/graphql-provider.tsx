'use client';

/**
 * React wiring for the GraphQL client: one urql client (normalized cache) per signed-in session
 * (the provider lives under RequireSession, keyed by user and organisation: another tab's sign-in
 * or switch of organisation starts a fresh cache), one graphql-ws connection under it, and a redirect to
 * /login on UNAUTHENTICATED. Both reach the API through this origin with the session cookie.
 */
import { useRouter } from 'next/navigation';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Client as WsClient } from 'graphql-ws';
import { Provider as UrqlProvider } from 'urql';
import type { Client, OperationResult } from '@urql/core';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { resolveEndpoints, type ApiEndpoints } from '../config/runtime-config';
import { isSwitchingTenant, sessionEnded } from '../session/session-store';
import { createApiClient, createSubscriptionClient, toApiErrorFromCombined, type LiveStatus } from './client';
import { ApiError } from './errors';

export interface SubscriptionSink<TResult> {
  next: (data: TResult) => void;
  error?: (error: ApiError) => void;
}

/**
 * Imperative access for live hooks that merge events themselves (the DAG page) and for mutations;
 * components that only read use urql's `useQuery` (the same client, so the same cache).
 */
export interface GraphQLApi {
  endpoints: ApiEndpoints;
  client: Client;
  request<TResult, TVariables extends object>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): Promise<TResult>;
  /**
   * Payloads are written into the normalized cache (runs, task instances, alerts update every query
   * showing them); `cache: false` for payloads nothing else reads (log lines).
   */
  subscribe<TResult, TVariables extends object>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    sink: SubscriptionSink<TResult>,
    options?: { cache?: boolean },
  ): () => void;
  /** Runs `listener` whenever the live connection comes back after a drop (time to resync). */
  onReconnect(listener: () => void): () => void;
}

function isMutation(document: TypedDocumentNode<unknown, never>): boolean {
  return document.definitions.some((d) => d.kind === 'OperationDefinition' && d.operation === 'mutation');
}

/** A settled urql result → data, or the app's ApiError. */
export function unwrap<TResult>(result: OperationResult<TResult>, endpoint: string): TResult {
  if (result.error) throw toApiErrorFromCombined(result.error, endpoint);
  if (result.data == null) throw new ApiError('The API answered without data', 'BAD_RESPONSE', [], endpoint);
  return result.data;
}

const GraphQLContext = createContext<GraphQLApi | null>(null);
const LiveStatusContext = createContext<LiveStatus>('idle');

export function loginPathFor(location: Pick<Location, 'pathname' | 'search'>): string {
  const here = `${location.pathname}${location.search}`;
  return here === '/' || here.startsWith('/login') ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

export function GraphQLProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const endpoints = useMemo(() => resolveEndpoints(), []);
  const [liveStatus, setLiveStatus] = useState<LiveStatus>('idle');
  const reconnectListeners = useRef(new Set<() => void>());
  // Created on first subscribe (effects of children run before this component's own effects).
  const wsClient = useRef<{ key: string; client: WsClient } | null>(null);

  const getWs = useCallback((): WsClient => {
    const key = endpoints.wsUrl;
    if (wsClient.current?.key !== key) {
      void wsClient.current?.client.dispose();
      const client = createSubscriptionClient({
        url: endpoints.wsUrl,
        onStatus: setLiveStatus,
        onReconnected: () => reconnectListeners.current.forEach((listener) => listener()),
      });
      wsClient.current = { key, client };
    }
    return wsClient.current.client;
  }, [endpoints.wsUrl]);

  useEffect(
    () => () => {
      void wsClient.current?.client.dispose();
      wsClient.current = null;
    },
    [getWs],
  );

  const signOutExpired = useCallback(() => {
    sessionEnded();
    router.replace(loginPathFor(window.location));
  }, [router]);

  // Mid-switch of organisation the API revokes this session (and closes its socket) on purpose.
  const onError = useCallback((error: ApiError) => (error.isUnauthenticated && !isSwitchingTenant() ? signOutExpired() : undefined), [signOutExpired]);
  const client = useMemo(() => createApiClient({ url: endpoints.httpUrl, ws: getWs, onError }), [endpoints.httpUrl, getWs, onError]);
  const rawClient = useMemo(() => createApiClient({ url: endpoints.httpUrl, ws: getWs, cache: false, onError }), [endpoints.httpUrl, getWs, onError]);

  const api = useMemo<GraphQLApi>(
    () => ({
      endpoints,
      client,
      async request(document, variables) {
        // Mutations go through the normalized cache (their answers update cached entities); the
        // live hooks' queries do not: they keep their own merged state (snapshots + events), and a
        // read-back from the cache could hand them a partial or deduplicated result.
        const result = isMutation(document as TypedDocumentNode<unknown, never>)
          ? await client.mutation(document, variables).toPromise()
          : await rawClient.query(document, variables, { requestPolicy: 'network-only' }).toPromise();
        return unwrap(result, endpoints.httpUrl);
      },
      subscribe(document, variables, sink, { cache = true } = {}) {
        const subscription = (cache ? client : rawClient).subscription(document, variables).subscribe((result) => {
          if (result.error) sink.error?.(toApiErrorFromCombined(result.error, endpoints.wsUrl));
          else if (result.data) sink.next(result.data);
        });
        return () => subscription.unsubscribe();
      },
      onReconnect(listener) {
        reconnectListeners.current.add(listener);
        return () => reconnectListeners.current.delete(listener);
      },
    }),
    [endpoints, client, rawClient],
  );

  return (
    <UrqlProvider value={client}>
      <GraphQLContext.Provider value={api}>
        <LiveStatusContext.Provider value={liveStatus}>{children}</LiveStatusContext.Provider>
      </GraphQLContext.Provider>
    </UrqlProvider>
  );
}

export function useGraphQL(): GraphQLApi {
  const api = useContext(GraphQLContext);
  if (!api) throw new Error('useGraphQL must be used inside <GraphQLProvider>');
  return api;
}

export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}
