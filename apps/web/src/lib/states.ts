import type { DagRunState, TaskInstanceState } from './graphql/operations';

export type AnyState = DagRunState | TaskInstanceState;

/** States that are still moving: shown with a pulse / spinner. */
const ACTIVE = new Set<AnyState>(['running', 'queued', 'scheduled', 'up_for_retry', 'up_for_reschedule', 'deferred', 'restarting']);
const TERMINAL_RUN = new Set<DagRunState>(['success', 'failed', 'canceled']);

export const isActiveState = (state: AnyState): boolean => ACTIVE.has(state);
export const isTerminalRunState = (state: DagRunState): boolean => TERMINAL_RUN.has(state);

/** Legend order for task states, as in Airflow's grid view. */
export const TASK_STATE_LEGEND: TaskInstanceState[] = [
  'success',
  'running',
  'queued',
  'scheduled',
  'up_for_retry',
  'up_for_reschedule',
  'deferred',
  'failed',
  'upstream_failed',
  'skipped',
  'restarting',
  'removed',
  'none',
];
