import { isFinished, type RunState, type TaskState } from './states.js';

/**
 * A run's outcome once every task is finished (Airflow: the leaves decide): failed if any leaf
 * task is failed or upstream_failed, otherwise success — a failed task upstream of a leaf that
 * still succeeded (e.g. via all_done) does not fail the run. null while any task is unfinished.
 * Leaf ids without a task instance are ignored.
 */
export function decideRunState(tasks: ReadonlyArray<{ taskId: string; state: TaskState }>, leafTaskIds: readonly string[]): RunState | null {
  if (tasks.some((t) => !isFinished(t.state))) return null;
  const leaves = new Set(leafTaskIds);
  const failedLeaf = tasks.some((t) => leaves.has(t.taskId) && (t.state === 'failed' || t.state === 'upstream_failed'));
  return failedLeaf ? 'failed' : 'success';
}
