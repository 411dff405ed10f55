/** Domain error codes; the API maps them to GraphQL `extensions.code` in one place. */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'ILLEGAL_TRANSITION' | 'INTERNAL';

export const ERROR_CODES: readonly ErrorCode[] = ['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN', 'UNAUTHENTICATED', 'ILLEGAL_TRANSITION', 'INTERNAL'];

export class TowerError extends Error {
  readonly code: ErrorCode;
  readonly path?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: { path?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'TowerError';
    this.code = code;
    this.path = opts.path;
    this.details = opts.details;
  }
}

export const badInput = (message: string, path?: string) => new TowerError('BAD_USER_INPUT', message, { path });
export const notFound = (what: string) => new TowerError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new TowerError('CONFLICT', message);
export const forbidden = (message = 'not allowed') => new TowerError('FORBIDDEN', message);

export function isTowerError(err: unknown): err is TowerError {
  return err instanceof TowerError;
}
