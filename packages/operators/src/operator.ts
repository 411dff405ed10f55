export type OperatorLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What an operator sees of its try. `params` is the task's `with`, already templated. */
export interface OperatorContext {
  tenantId: string;
  dagId: string;
  taskId: string;
  runId: string;
  tryNumber: number;
  params: Record<string, unknown>;
  /** Aborted when the try times out or the worker shuts down; operators must stop promptly. */
  signal: AbortSignal;
  log(level: OperatorLogLevel, message: string): void;
  /** Pushes an XCom value under a key; the operator's return value goes to `return_value`. */
  xcomPush(key: string, value: unknown): void;
}

export interface Operator {
  readonly type: string;
  execute(ctx: OperatorContext): Promise<unknown>;
}

/**
 * An operator failure. `retryable: false` fails the task for good regardless of retries left —
 * for errors a retry cannot fix (a missing operator, a rejected configuration).
 */
export class OperatorError extends Error {
  constructor(
    message: string,
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'OperatorError';
  }
}

/** Resolves after `ms`, or rejects as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
