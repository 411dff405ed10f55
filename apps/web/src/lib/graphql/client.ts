/**
 * The web app's GraphQL client: urql with Graphcache (a normalized cache keyed by type and id) over
 * fetch for queries and mutations and graphql-ws for subscriptions. Subscription payloads are written
 * into the same cache, so every query that shows an entity re-renders when an event changes it.
 * Framework-free; React wiring (endpoints, redirect on UNAUTHENTICATED) lives in graphql-provider.
 * No token anywhere: the session is the httpOnly cookie of this origin, sent by the browser with
 * every same-origin request and on the WebSocket upgrade; requests carry the CSRF header.
 */
import { Client, CombinedError, fetchExchange, mapExchange, subscriptionExchange, type Exchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { CSRF_HEADER } from '../security/csrf';
import { ApiError, BAD_RESPONSE, NETWORK_ERROR, type GraphQLErrorShape } from './errors';
import type { ApiKeyFieldsFragment, ConnectionFieldsFragment } from './generated/graphql';
import { ApiKeysQuery, ConnectionsQuery, CONNECTIONS_PAGE } from './operations-tenant';

/**
 * Types without an `id` are embedded in their parent instead of normalized. Log lines never enter the
 * cache (a 100,000-line log would be normalized line by line): they go through the cache-less client.
 */
const EMBEDDED = [
  'AuthPayload',
  'Viewer',
  'PageInfo',
  'DagConnection',
  'DagEdge',
  'DagRunConnection',
  'DagRunEdge',
  'ConnectionConnection',
  'ConnectionEdge',
  'AuditEntryConnection',
  'AuditEntryEdge',
  'BackfillResult',
  'ConnectionTestResult',
  'CreateApiKeyPayload',
  'InviteMemberPayload',
  'ViewerMembership',
  'DeleteDagPayload',
  'ValidationResult',
  'ValidationError',
  'XComEntry',
  'TaskTry',
  'AlertConnection',
  'AlertEdge',
  'AlertRuleConnection',
  'AlertRuleEdge',
  'AlertChannelConnection',
  'AlertChannelEdge',
  'AlertChannelTestResult',
] as const;

function createCache(): Exchange {
  return cacheExchange({
    keys: { ...Object.fromEntries(EMBEDDED.map((name) => [name, () => null])), Pool: (pool) => String(pool.name) },
    // Entities a mutation returns update themselves (an edited connection, a revoked key); a new
    // one is put into the cached list where the API would list it, so no page reads its list again.
    updates: {
      Mutation: {
        createConnection(result, _args, cache) {
          const created = result.createConnection as ConnectionFieldsFragment | undefined;
          if (!created) return;
          cache.updateQuery({ query: ConnectionsQuery, variables: { first: CONNECTIONS_PAGE } }, (data) => {
            if (!data || data.connections.edges.some((e) => e.node.id === created.id)) return data;
            const edges = [...data.connections.edges, { __typename: 'ConnectionEdge' as const, node: created }];
            edges.sort((a, b) => (a.node.connId < b.node.connId ? -1 : a.node.connId > b.node.connId ? 1 : 0)); // the API lists by connId
            return { ...data, connections: { ...data.connections, totalCount: data.connections.totalCount + 1, edges } };
          });
        },
        createApiKey(result, _args, cache) {
          const created = (result.createApiKey as { apiKey?: ApiKeyFieldsFragment } | undefined)?.apiKey;
          if (!created) return;
          cache.updateQuery(
            { query: ApiKeysQuery, variables: {} },
            (data) => (!data || data.apiKeys.some((k) => k.id === created.id) ? data : { ...data, apiKeys: [created, ...data.apiKeys] }), // newest first
          );
        },
      },
    },
  });
}

export interface ApiClientOptions {
  url: string;
  /** Subscriptions go through this graphql-ws client; without it the client only queries. */
  ws?: () => WsClient;
  /** false: no normalized cache (sign-in, logs). */
  cache?: boolean;
  onError?: (error: ApiError) => void;
}

export function createApiClient({ url, ws, cache = true, onError }: ApiClientOptions): Client {
  const exchanges: Exchange[] = [];
  if (onError) exchanges.push(mapExchange({ onError: (error) => onError(toApiErrorFromCombined(error, url)) }));
  if (cache) exchanges.push(createCache());
  exchanges.push(fetchExchange);
  if (ws) {
    exchanges.push(
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws().subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    );
  }
  return new Client({
    url,
    exchanges,
    requestPolicy: 'cache-and-network',
    preferGetMethod: false,
    fetchOptions: () => ({
      credentials: 'same-origin',
      headers: { accept: 'application/graphql-response+json, application/json', [CSRF_HEADER]: '1' },
    }),
  });
}

/** urql's CombinedError → the app's one error type, so components branch on `code` only. */
export function toApiErrorFromCombined(error: CombinedError, endpoint: string): ApiError {
  if (error.graphQLErrors.length) {
    return ApiError.fromGraphQLErrors(
      error.graphQLErrors.map((e) => ({
        message: e.message,
        path: e.path ? [...e.path] : undefined,
        extensions: e.extensions as GraphQLErrorShape['extensions'],
      })),
      endpoint,
    );
  }
  const network = error.networkError;
  if (network && /^(TypeError|AbortError)$/.test(network.name)) return new ApiError(`Cannot reach the Tower API at ${endpoint}`, NETWORK_ERROR, [], endpoint);
  const ws = subscriptionError(network ?? error, endpoint);
  if (ws.code !== NETWORK_ERROR) return ws;
  const status = (error.response as Response | undefined)?.status;
  if (status) return new ApiError(`The API answered HTTP ${status} without a GraphQL response`, BAD_RESPONSE, [], endpoint);
  return ws;
}

// -----------------------------------------------------------------------------------------------
// Subscriptions
// -----------------------------------------------------------------------------------------------

export type LiveStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'rejected';

export interface SubscriptionClientOptions {
  /** This origin's /graphql: the upgrade request carries the session cookie (and its Origin). */
  url: string;
  onStatus?: (status: LiveStatus) => void;
  /** Called after a dropped connection is re-established: events may have been missed meanwhile. */
  onReconnected?: () => void;
}

/** graphql-ws closes with 4403 when `onConnect` rejects the session (and 4401 before an ack). */
const AUTH_CLOSE_CODES = new Set([4401, 4403]);

function closeCode(value: unknown): number | null {
  if (typeof value === 'object' && value !== null && 'code' in value && typeof (value as { code: unknown }).code === 'number') {
    return (value as { code: number }).code;
  }
  return null;
}

export function createSubscriptionClient({ url, onStatus, onReconnected }: SubscriptionClientOptions): WsClient {
  return createClient({
    url,
    lazy: true,
    lazyCloseTimeout: 5_000,
    // Keep trying through API restarts; the UI shows "reconnecting" meanwhile.
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (event) => !AUTH_CLOSE_CODES.has(closeCode(event) ?? 0),
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * 2 ** retries, 15_000) + Math.random() * 500)),
    on: {
      connecting: (isRetry) => onStatus?.(isRetry ? 'reconnecting' : 'connecting'),
      connected: (_socket, _payload, wasRetry) => {
        onStatus?.('connected');
        if (wasRetry) onReconnected?.();
      },
      closed: (event) => {
        const code = closeCode(event);
        // 1000 = closed on purpose (lazy close, dispose); anything else is a drop that will be retried.
        onStatus?.(code !== null && AUTH_CLOSE_CODES.has(code) ? 'rejected' : code === 1000 ? 'idle' : 'reconnecting');
      },
    },
  });
}

function subscriptionError(error: unknown, endpoint: string): ApiError {
  if (Array.isArray(error)) return ApiError.fromGraphQLErrors(error as GraphQLErrorShape[], endpoint);
  const code = closeCode(error);
  if (code !== null && AUTH_CLOSE_CODES.has(code)) return new ApiError('The live connection was refused: sign in again', 'UNAUTHENTICATED', [], endpoint);
  if (code !== null) return new ApiError(`The live connection closed (code ${code})`, NETWORK_ERROR, [], endpoint);
  if (error instanceof Error) return new ApiError(error.message, NETWORK_ERROR, [], endpoint);
  return new ApiError(`Cannot open the live connection to ${endpoint}`, NETWORK_ERROR, [], endpoint);
}
