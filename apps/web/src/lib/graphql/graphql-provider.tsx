'use client';

/**
 * React wiring for the GraphQL client: binds the endpoints and the session token, shares one
 * graphql-ws connection per token, and sends the user to /login on UNAUTHENTICATED.
 */
import { useRouter } from 'next/navigation';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Client } from 'graphql-ws';
import { resolveEndpoints, useRuntimeConfig, type ApiEndpoints } from '../config/runtime-config';
import { clearSession } from '../session/session-store';
import { createSubscriptionClient, executeOperation, subscribeOperation, type LiveStatus, type SubscriptionSink } from './client';
import { ApiError } from './errors';
import type { TypedDocument } from './operations';

export interface GraphQLApi {
  endpoints: ApiEndpoints;
  request<TResult, TVariables>(document: TypedDocument<TResult, TVariables>, variables: TVariables, options?: { signal?: AbortSignal }): Promise<TResult>;
  subscribe<TResult, TVariables>(document: TypedDocument<TResult, TVariables>, variables: TVariables, sink: SubscriptionSink<TResult>): () => void;
  /** Runs `listener` whenever the live connection comes back after a drop (time to resync). */
  onReconnect(listener: () => void): () => void;
}

const GraphQLContext = createContext<GraphQLApi | null>(null);
const LiveStatusContext = createContext<LiveStatus>('idle');

export function loginPathFor(location: Pick<Location, 'pathname' | 'search'>): string {
  const here = `${location.pathname}${location.search}`;
  return here === '/' || here.startsWith('/login') ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

export function GraphQLProvider({ token, children }: { token: string; children: ReactNode }) {
  const config = useRuntimeConfig();
  const router = useRouter();
  const endpoints = useMemo(() => resolveEndpoints(config), [config]);
  const [liveStatus, setLiveStatus] = useState<LiveStatus>('idle');
  const reconnectListeners = useRef(new Set<() => void>());
  // Created on first subscribe: children's effects run before this component's own effects.
  const wsClient = useRef<{ key: string; client: Client } | null>(null);

  const signOutExpired = useCallback(() => {
    clearSession();
    router.replace(loginPathFor(window.location));
  }, [router]);

  const getClient = useCallback((): Client => {
    const key = `${endpoints.wsUrl}\n${token}`;
    if (wsClient.current?.key !== key) {
      void wsClient.current?.client.dispose();
      const client = createSubscriptionClient({
        url: endpoints.wsUrl,
        token,
        onStatus: setLiveStatus,
        onReconnected: () => reconnectListeners.current.forEach((listener) => listener()),
      });
      wsClient.current = { key, client };
    }
    return wsClient.current.client;
  }, [endpoints.wsUrl, token]);

  useEffect(
    () => () => {
      void wsClient.current?.client.dispose();
      wsClient.current = null;
    },
    [getClient],
  );

  const api = useMemo<GraphQLApi>(
    () => ({
      endpoints,
      async request(document, variables, options) {
        try {
          return await executeOperation(endpoints.httpUrl, document, variables, { token, signal: options?.signal });
        } catch (error) {
          if (error instanceof ApiError && error.isUnauthenticated) signOutExpired();
          throw error;
        }
      },
      subscribe(document, variables, sink) {
        return subscribeOperation(getClient(), endpoints.wsUrl, document, variables, {
          next: sink.next,
          error: (error) => {
            if (error.isUnauthenticated) signOutExpired();
            sink.error?.(error);
          },
        });
      },
      onReconnect(listener) {
        reconnectListeners.current.add(listener);
        return () => reconnectListeners.current.delete(listener);
      },
    }),
    [endpoints, token, getClient, signOutExpired],
  );

  return (
    <GraphQLContext.Provider value={api}>
      <LiveStatusContext.Provider value={liveStatus}>{children}</LiveStatusContext.Provider>
    </GraphQLContext.Provider>
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
