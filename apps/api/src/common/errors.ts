import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { TowerError, type ErrorCode } from '@tower/core';

/** The one place domain error codes become GraphQL `extensions.code`. */
const CODE: Record<ErrorCode, string> = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  ILLEGAL_TRANSITION: 'CONFLICT',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

const PASSTHROUGH = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE']);

function unwrap(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 5 && current instanceof GraphQLError && current.originalError; i++) current = current.originalError;
  return current;
}

export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown, log: (err: unknown) => void): GraphQLFormattedError {
  const original = unwrap(error);
  if (original instanceof TowerError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: CODE[original.code],
        ...(original.path ? { path: original.path } : {}),
        ...(original.details ? { details: original.details } : {}),
      },
    };
  }
  const code = formatted.extensions?.code as string | undefined;
  if (code && PASSTHROUGH.has(code)) return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
  log(original);
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
