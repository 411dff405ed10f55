import type { RunState, TaskState } from './states.js';
import { isFinished } from './states.js';

/**
 * A run's outcome once every task is finished: failed if any leaf task failed or is
 * upstream_failed, otherwise success (Airflow: the leaves decide). null while tasks are unfinished.
 */
export function decideRunState(tasks: ReadonlyArray<{ taskId: string; state: TaskState }>, leafTaskIds: readonly string[]): RunState | null {
  if (tasks.some((t) => !isFinished(t.state))) return null;
  const leaves = new Set(leafTaskIds);
  const failedLeaf = tasks.some((t) => leaves.has(t.taskId) && (t.state === 'failed' || t.state === 'upstream_failed'));
  return failedLeaf ? 'failed' : 'success';
}
