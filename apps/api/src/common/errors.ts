import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isTowerError, type ErrorCode } from '@tower/core';

/**
 * The one place domain error codes become GraphQL `extensions.code`. Exhaustive by type: a new
 * ErrorCode in @tower/core does not compile until it is mapped here.
 */
export const GRAPHQL_CODE: Record<ErrorCode, string> = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  // The caller asked for a state change the current state does not allow: a conflict with it.
  ILLEGAL_TRANSITION: 'CONFLICT',
  // Too many attempts (failed logins): details.retryAfterSeconds says when to try again.
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** Errors GraphQL or Apollo raise before any resolver runs; their message is safe and useful. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export const INTERNAL_MESSAGE = 'Internal server error';

function originalError(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 8 && current instanceof GraphQLError && current.originalError; i++) current = current.originalError;
  return current;
}

/**
 * Apollo's formatError (and the graphql-ws equivalent): domain errors keep their message and get
 * their code (+ `extensions.path` naming the offending argument or spec field); GraphQL's own
 * request errors pass through; anything else is logged and answered with a generic message, so no
 * stack trace, SQL or secret ever reaches a client.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown, logUnexpected: (err: unknown) => void): GraphQLFormattedError {
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  const original = originalError(error);
  if (isTowerError(original)) {
    const code: ErrorCode = original.code;
    return {
      ...base,
      message: code === 'INTERNAL' ? INTERNAL_MESSAGE : original.message,
      extensions: {
        code: GRAPHQL_CODE[code],
        ...(original.path ? { path: original.path } : {}),
        ...(original.details && code !== 'INTERNAL' ? { details: original.details } : {}),
      },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && REQUEST_ERROR_CODES.has(code)) return { ...base, extensions: { code } };
  logUnexpected(original);
  return { ...base, message: INTERNAL_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** The `extensions.code` a client receives for this error (for logs and metrics). */
export function clientCodeOf(error: unknown): string {
  const original = originalError(error);
  if (isTowerError(original)) return GRAPHQL_CODE[original.code];
  const code = (error as GraphQLError | null)?.extensions?.code;
  return typeof code === 'string' && REQUEST_ERROR_CODES.has(code) ? code : 'INTERNAL_SERVER_ERROR';
}
