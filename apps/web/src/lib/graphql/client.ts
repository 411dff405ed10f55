/**
 * A tiny typed GraphQL client: `fetch` POST for queries and mutations, graphql-ws for subscriptions.
 * Framework-free; React wiring (token, endpoints, redirect on UNAUTHENTICATED) lives in graphql-provider.
 */
import { createClient, type Client } from 'graphql-ws';
import { ApiError, BAD_RESPONSE, NETWORK_ERROR, type GraphQLErrorShape } from './errors';
import type { TypedDocument } from './operations';

export interface RequestOptions {
  token?: string | null;
  signal?: AbortSignal;
}

export async function executeOperation<TResult, TVariables>(
  endpoint: string,
  document: TypedDocument<TResult, TVariables>,
  variables: TVariables,
  { token, signal }: RequestOptions = {},
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: document, variables }),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(`Cannot reach the Tower API at ${endpoint}`, NETWORK_ERROR, [], endpoint);
  }

  let body: { data?: TResult | null; errors?: GraphQLErrorShape[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(`The API answered HTTP ${response.status} without a GraphQL response`, BAD_RESPONSE, [], endpoint);
  }
  if (body.errors?.length) throw ApiError.fromGraphQLErrors(body.errors, endpoint);
  if (body.data == null) throw new ApiError(`The API answered HTTP ${response.status} without data`, BAD_RESPONSE, [], endpoint);
  return body.data;
}

// -----------------------------------------------------------------------------------------------
// Subscriptions
// -----------------------------------------------------------------------------------------------

export type LiveStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'rejected';

export interface SubscriptionClientOptions {
  url: string;
  token: string;
  onStatus?: (status: LiveStatus) => void;
  /** Called after a dropped connection is re-established: events may have been missed meanwhile. */
  onReconnected?: () => void;
}

/** graphql-ws closes with 4403 when `onConnect` rejects the token (and 4401 before an ack). */
const AUTH_CLOSE_CODES = new Set([4401, 4403]);

function closeCode(value: unknown): number | null {
  if (typeof value === 'object' && value !== null && 'code' in value && typeof (value as { code: unknown }).code === 'number') {
    return (value as { code: number }).code;
  }
  return null;
}

export function createSubscriptionClient({ url, token, onStatus, onReconnected }: SubscriptionClientOptions): Client {
  return createClient({
    url,
    lazy: true,
    lazyCloseTimeout: 5_000,
    connectionParams: { authorization: `Bearer ${token}` },
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

export interface SubscriptionSink<TResult> {
  next: (data: TResult) => void;
  error?: (error: ApiError) => void;
}

function subscriptionError(error: unknown, endpoint: string): ApiError {
  if (Array.isArray(error)) return ApiError.fromGraphQLErrors(error as GraphQLErrorShape[], endpoint);
  const code = closeCode(error);
  if (code !== null && AUTH_CLOSE_CODES.has(code)) return new ApiError('The live connection was refused: sign in again', 'UNAUTHENTICATED', [], endpoint);
  if (code !== null) return new ApiError(`The live connection closed (code ${code})`, NETWORK_ERROR, [], endpoint);
  if (error instanceof Error) return new ApiError(error.message, NETWORK_ERROR, [], endpoint);
  return new ApiError(`Cannot open the live connection to ${endpoint}`, NETWORK_ERROR, [], endpoint);
}

/** Subscribes with a typed document; returns the unsubscribe function. */
export function subscribeOperation<TResult, TVariables>(
  client: Client,
  endpoint: string,
  document: TypedDocument<TResult, TVariables>,
  variables: TVariables,
  sink: SubscriptionSink<TResult>,
): () => void {
  return client.subscribe<TResult>(
    { query: document, variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) sink.error?.(ApiError.fromGraphQLErrors(result.errors as GraphQLErrorShape[], endpoint));
        else if (result.data) sink.next(result.data as TResult);
      },
      error: (error) => sink.error?.(subscriptionError(error, endpoint)),
      complete: () => {},
    },
  );
}
