import { OperatorError } from '../operator.js';
import { scrubSecrets } from './redact.js';

/** A Snowflake failure as an OperatorError, keeping Snowflake's error code and SQL state. */
export class SnowflakeOperatorError extends OperatorError {
  constructor(
    message: string,
    retryable: boolean,
    readonly code?: string,
    readonly sqlState?: string,
  ) {
    super(message, retryable);
    this.name = 'SnowflakeOperatorError';
  }
}

/** Login rejections: wrong password / key, disabled user, unknown account. */
const AUTH_CODES = new Set(['390100', '390101', '390102', '390144', '390189', '390190', '390201', '390318']);

/** S3 answers inside a stage error (091xxx) that no retry fixes: credentials, rights, bucket. */
const PERMANENT_STAGE_CAUSE = /InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied|Access Denied|NoSuchBucket|ExpiredToken|InvalidToken/;

/**
 * Whether a retry may fix a Snowflake failure:
 * - no: SQL compilation errors (syntax, missing object or column, missing privilege: SQL state
 *   class 42) and unsupported features (0A); data errors (class 22: conversion, NOT NULL,
 *   division by zero) since the same data fails again; rejected logins (390100 wrong password,
 *   390144 bad JWT, …) and driver option errors (403xxx/404xxx: a bad connection definition);
 * - yes: everything else, notably network errors (401xxx/402xxx, no code), an expired session
 *   and stage errors (091xxx: S3 unreachable or throttled, though SQL state 22000) — except when
 *   S3 refused the credentials or the bucket does not exist.
 */
export function isRetryableSnowflakeError(code: string | undefined, sqlState: string | undefined, message = ''): boolean {
  if (code && AUTH_CODES.has(code)) return false;
  if (code && /^40[34]\d{3}$/.test(code)) return false;
  if (code && code.startsWith('091')) return !PERMANENT_STAGE_CAUSE.test(message);
  const cls = (sqlState ?? '').slice(0, 2);
  return !(cls === '42' || cls === '0A' || cls === '22');
}

interface DriverError {
  code?: unknown;
  sqlState?: unknown;
  message?: unknown;
}

/**
 * Maps a snowflake-sdk error to a SnowflakeOperatorError: "<what>: Snowflake error <code>
 * (<SQL state>): <message>", with the given secret values and any CREDENTIALS clause masked.
 * Only code, SQL state and message are read: the driver's error objects carry request data.
 */
export function toSnowflakeError(err: unknown, what: string, secrets: readonly (string | undefined)[] = []): SnowflakeOperatorError {
  if (err instanceof SnowflakeOperatorError) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as DriverError;
  const code = e.code === undefined || e.code === null ? undefined : String(e.code);
  const sqlState = typeof e.sqlState === 'string' && e.sqlState ? e.sqlState : undefined;
  const raw = typeof e.message === 'string' && e.message ? e.message : 'unknown error';
  const message = scrubSecrets(raw.replace(/\s*\n\s*/g, ' ').trim(), secrets);
  const label = code ? `Snowflake error ${code}${sqlState ? ` (${sqlState})` : ''}` : 'Snowflake request failed';
  return new SnowflakeOperatorError(`${what}: ${label}: ${message}`, isRetryableSnowflakeError(code, sqlState, message), code, sqlState);
}
