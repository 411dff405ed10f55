export interface PostFromRequest {
  url: string;
  localAddress: string;
  query: string;
  variables?: Record<string, unknown>;
  token?: string;
  /** The request body as sent; by default JSON of query and variables, serialized at the call. */
  body?: string | Uint8Array;
}

/** The parsed response body, with the HTTP status and the retry-after header. */
export function postFrom(request: PostFromRequest): Promise<Record<string, unknown> & { status: number; retryAfter: string | null }>;
