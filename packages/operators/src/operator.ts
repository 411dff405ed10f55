export type OperatorLogLevel = 'debug' | 'info' | 'warn' | 'error';

import type { ConnectionType, TaskType } from '@tower/core';

export { CONNECTION_TYPES, type ConnectionType } from '@tower/core';

/**
 * A tenant's connection as the worker hands it to an operator: `config` is the stored, non-secret
 * part; `secrets` the decrypted secret fields. Their shapes per type are core's
 * CONNECTION_TYPE_DEFINITIONS. Secrets must never be logged, put in an XCom or in an error message.
 */
export interface ResolvedConnection {
  connId: string;
  type: ConnectionType;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
}

/** The S3 object whose arrival started this run (DAG-level `s3.objectCreated` trigger). */
export interface TriggerObject {
  connection: string;
  bucket: string;
  key: string;
  etag: string;
  size: number;
}

/** What an operator sees of its try. `params` is the task's `with`, already templated. */
export interface OperatorContext {
  tenantId: string;
  dagId: string;
  taskId: string;
  runId: string;
  tryNumber: number;
  logicalDate: Date;
  params: Record<string, unknown>;
  /** The run's params (manual trigger params; file-triggered runs carry `s3_object`). */
  runParams: Record<string, unknown>;
  /** Set when the run was started by an `s3.objectCreated` trigger. */
  triggerObject?: TriggerObject;
  /** The task's direct upstream task ids, in spec order. */
  upstream: readonly string[];
  /** States of the direct upstream task instances (e.g. `failed`, `upstream_failed`, `success`, `skipped`). */
  upstreamStates: Readonly<Record<string, string>>;
  /** XCom values of this run's finished tasks: taskId → key → value. */
  xcom: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The task-level `connection` of the spec, used when `with.connection` is absent. */
  defaultConnection?: string;
  /**
   * The tenant's connection by id (tenant-scoped: another tenant's connection does not exist
   * here). Rejects with a non-retryable OperatorError when unknown or of another type.
   */
  connection(connId: string, type?: ConnectionType): Promise<ResolvedConnection>;
  /** When the first poke of this task instance started; sensor timeouts count from here across reschedules. */
  sensorStartedAt: Date;
  /** How many times this task instance was rescheduled so far (for poke backoff). */
  rescheduleCount: number;
  /** Aborted when the try times out or the worker shuts down; operators must stop promptly. */
  signal: AbortSignal;
  log(level: OperatorLogLevel, message: string): void;
  /** Pushes an XCom value under a key; the operator's return value goes to `return_value`. */
  xcomPush(key: string, value: unknown): void;
}

/** Runs one task type; the registry holds exactly one per task type core declares. */
export interface Operator<T extends TaskType = TaskType> {
  readonly type: T;
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

/**
 * A sensor that waited its `timeoutSeconds` in vain: the task fails for good (as Airflow's
 * AirflowSensorTimeout), recorded as a `timeout` (alert rules tell it from other failures).
 */
export class SensorTimeout extends OperatorError {
  constructor(message: string) {
    super(message, false);
    this.name = 'SensorTimeout';
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

/**
 * Thrown by a sensor in `reschedule` mode: the try gives its worker slot back and the task
 * instance is poked again at `at` (state up_for_reschedule; the try number does not advance).
 */
export class RescheduleTry extends Error {
  constructor(
    readonly at: Date,
    message = 'rescheduled',
  ) {
    super(message);
    this.name = 'RescheduleTry';
  }
}

/** Thrown to end the task as `skipped` (e.g. a sensor timeout with softFail). Not retried. */
export class SkipTask extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SkipTask';
  }
}
