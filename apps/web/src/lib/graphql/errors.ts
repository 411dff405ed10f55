/**
 * One error type for everything the API layer can throw, so components branch on `code` only.
 * Server errors keep their `extensions.code` (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT,
 * CONFLICT, …); transport problems get client-side codes.
 */

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** The API could not be reached (DNS, refused connection, CORS, offline). */
export const NETWORK_ERROR = 'NETWORK_ERROR';
/** The API answered, but not with a GraphQL response. */
export const BAD_RESPONSE = 'BAD_RESPONSE';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly errors: GraphQLErrorShape[] = [],
    readonly endpoint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static fromGraphQLErrors(errors: readonly GraphQLErrorShape[], endpoint?: string): ApiError {
    const first = errors[0];
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
    return new ApiError(first?.message ?? 'Unknown GraphQL error', code, [...errors], endpoint);
  }

  get isUnauthenticated(): boolean {
    return this.code === 'UNAUTHENTICATED';
  }
}

export function toApiError(error: unknown, endpoint?: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) return new ApiError(error.message, 'CLIENT_ERROR', [], endpoint);
  return new ApiError(String(error), 'CLIENT_ERROR', [], endpoint);
}

/** A sentence for people; the code stays available for the UI to show as a detail. */
export function describeApiError(error: ApiError): string {
  switch (error.code) {
    case NETWORK_ERROR:
      return `Cannot reach the Tower API${error.endpoint ? ` at ${error.endpoint}` : ''}. Check that it is running and reachable from this browser.`;
    case 'FORBIDDEN':
      return `Your role does not allow this: ${error.message}`;
    case 'NOT_FOUND':
      return sentence(error.message || 'Not found');
    default:
      return sentence(error.message);
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'Unknown error.';
  const capitalised = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
