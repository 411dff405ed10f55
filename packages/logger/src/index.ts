import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Keys whose values must never reach a log line. pino's redaction runs on every log call, so a
 * secret passed by mistake inside an object is masked rather than written.
 */
export const REDACTED_PATHS = [
  'password',
  'secret',
  'token',
  'authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.authorization',
  '*.secretAccessKey',
  '*.privateKey',
  'req.headers.authorization',
  'connectionParams.authorization',
];

export function createLogger(name: string, opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const options: LoggerOptions = {
    name,
    level: opts.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    base: { pid: process.pid },
  };
  return opts.destination ? pino(options, opts.destination as pino.DestinationStream) : pino(options);
}

/**
 * Graceful stop for a process entry: on the first SIGTERM/SIGINT, close (drain work, release
 * connections) and exit 0, or exit 1 with the error logged.
 */
export function closeOnSignals(name: string, close: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, `${name} did not stop cleanly`);
          process.exit(1);
        },
      );
    });
  }
}
