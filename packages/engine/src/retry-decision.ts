import { nextRetryAt, transition, type TaskSpec, type TaskState } from '@tower/core';

export interface FailedTry {
  /** The task's spec; a task missing from its version (should not happen) retries without delay. */
  task: Pick<TaskSpec, 'retryDelaySeconds' | 'retryExponentialBackoff' | 'maxRetryDelaySeconds'> | undefined;
  dagId: string;
  taskId: string;
  logicalDate: Date;
  tryNumber: number;
  maxTries: number;
  timedOut: boolean;
  retryable: boolean;
  now: Date;
}

/**
 * What a failed try leads to — up_for_retry at the retry policy's time, or failed — for the worker
 * finishing a try and for the scheduler reaping a zombie alike.
 */
export function decideFailedTry(f: FailedTry): { state: TaskState; retryAt: Date | null } {
  const retryAt = nextRetryAt({
    tryNumber: f.tryNumber,
    retryDelaySeconds: f.task?.retryDelaySeconds ?? 0,
    exponentialBackoff: f.task?.retryExponentialBackoff ?? false,
    maxRetryDelaySeconds: f.task?.maxRetryDelaySeconds ?? 0,
    dagId: f.dagId,
    taskId: f.taskId,
    logicalDate: f.logicalDate,
    now: f.now,
  });
  const { next } = transition('running', f.timedOut ? { type: 'timeout', retryable: f.retryable } : { type: 'fail', retryable: f.retryable }, {
    tryNumber: f.tryNumber,
    maxTries: f.maxTries,
    retryAt,
  });
  return { state: next, retryAt: next === 'up_for_retry' ? retryAt : null };
}
