export const TASK_STATES = [
  'none',
  'scheduled',
  'queued',
  'running',
  'success',
  'failed',
  'up_for_retry',
  'up_for_reschedule',
  'upstream_failed',
  'skipped',
  'deferred',
  'removed',
  'restarting',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const RUN_STATES = ['queued', 'running', 'success', 'failed', 'canceled'] as const;
export type RunState = (typeof RUN_STATES)[number];

export const FINISHED_TASK_STATES: readonly TaskState[] = ['success', 'failed', 'skipped', 'upstream_failed', 'removed'];
export const FINISHED_RUN_STATES: readonly RunState[] = ['success', 'failed', 'canceled'];

export function isFinished(state: TaskState): boolean {
  return FINISHED_TASK_STATES.includes(state);
}

export function isRunFinished(state: RunState): boolean {
  return FINISHED_RUN_STATES.includes(state);
}
