/** Domain error codes; the API maps them to GraphQL `extensions.code` in one place. */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'ILLEGAL_TRANSITION' | 'RATE_LIMITED' | 'INTERNAL';

export const ERROR_CODES: readonly ErrorCode[] = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'ILLEGAL_TRANSITION',
  'RATE_LIMITED',
  'INTERNAL',
];

export interface TowerErrorOptions {
  /** Where in the caller's input the problem is, e.g. `tasks[3].dependsOn[0]`. */
  path?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error type core throws. Shells translate `code` (GraphQL extensions.code, worker
 * retry/fail decision) without parsing messages.
 */
export class TowerError extends Error {
  readonly code: ErrorCode;
  readonly path?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: TowerErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TowerError';
    this.code = code;
    if (opts.path !== undefined) this.path = opts.path;
    if (opts.details !== undefined) this.details = opts.details;
  }

  toJSON(): { name: string; code: ErrorCode; message: string; path?: string; details?: Record<string, unknown> } {
    return { name: this.name, code: this.code, message: this.message, path: this.path, details: this.details };
  }
}

export const badInput = (message: string, path?: string, details?: Record<string, unknown>) => new TowerError('BAD_USER_INPUT', message, { path, details });
export const notFound = (what: string, details?: Record<string, unknown>) => new TowerError('NOT_FOUND', `${what} not found`, { details });
export const conflict = (message: string, details?: Record<string, unknown>) => new TowerError('CONFLICT', message, { details });
export const forbidden = (message = 'not allowed') => new TowerError('FORBIDDEN', message);
export const unauthenticated = (message = 'authentication required') => new TowerError('UNAUTHENTICATED', message);
export const illegalTransition = (message: string, details?: Record<string, unknown>) => new TowerError('ILLEGAL_TRANSITION', message, { details });
/** Too many attempts: `retryAfterSeconds` says when to try again. */
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new TowerError('RATE_LIMITED', message, { details: { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) } });
export const internalError = (message: string, details?: Record<string, unknown>) => new TowerError('INTERNAL', message, { details });

/** Narrows an unknown error; with `code`, also checks the code. */
export function isTowerError(err: unknown, code?: ErrorCode): err is TowerError {
  return err instanceof TowerError && (code === undefined || err.code === code);
}
