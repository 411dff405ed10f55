/** Airflow's task-instance states (docs/semantics.md, States and transitions). `none` = created, not yet scheduled. */
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
export const UNFINISHED_TASK_STATES: readonly TaskState[] = TASK_STATES.filter((s) => !FINISHED_TASK_STATES.includes(s));
export const FINISHED_RUN_STATES: readonly RunState[] = ['success', 'failed', 'canceled'];

/** States in which a try may be executing somewhere (a worker, or a trigger for deferred tasks). */
export const LIVE_TRY_STATES: readonly TaskState[] = ['running', 'deferred', 'restarting'];

export function isTaskState(value: unknown): value is TaskState {
  return typeof value === 'string' && (TASK_STATES as readonly string[]).includes(value);
}

export function isRunState(value: unknown): value is RunState {
  return typeof value === 'string' && (RUN_STATES as readonly string[]).includes(value);
}

export function isFinished(state: TaskState): boolean {
  return FINISHED_TASK_STATES.includes(state);
}

export function isRunFinished(state: RunState): boolean {
  return FINISHED_RUN_STATES.includes(state);
}
