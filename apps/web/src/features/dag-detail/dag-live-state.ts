/**
 * The DAG page's runs and task instances, merged from two sources that can arrive in any order:
 * query snapshots and pushed events. Every event gets a sequence number; a snapshot carries the
 * sequence number current when its request was sent, and never overwrites a record that an event
 * touched after that (the snapshot is older than the event). Pure: no React, no I/O.
 */
import type { DagRun, DagRunWithTasks, TaskInstance } from '@/lib/graphql/operations';

export interface DagLiveState {
  runs: Record<string, DagRun>;
  /** run id (DagRun.id) → taskId → task instance */
  tis: Record<string, Record<string, TaskInstance>>;
  /** record key → sequence number of the last event that wrote it */
  touched: Record<string, number>;
}

export type DagLiveAction =
  | { type: 'runs-snapshot'; runs: DagRunWithTasks[]; sinceSeq: number; replace: boolean }
  | { type: 'run-snapshot'; run: DagRunWithTasks; sinceSeq: number }
  | { type: 'run-event'; run: DagRun; seq: number }
  | { type: 'ti-event'; ti: TaskInstance; seq: number }
  | { type: 'reset' };

export const initialDagLiveState: DagLiveState = { runs: {}, tis: {}, touched: {} };

const runKey = (runId: string) => `run:${runId}`;
const tiKey = (runId: string, taskId: string) => `ti:${runId}:${taskId}`;

function stripTasks({ taskInstances: _omit, ...run }: DagRunWithTasks): DagRun {
  return run;
}

/** Applies one snapshot run (and its task instances) onto the state, record by record. */
function mergeSnapshotRun(state: DagLiveState, snapshot: DagRunWithTasks, sinceSeq: number): DagLiveState {
  const newer = (key: string) => (state.touched[key] ?? -1) > sinceSeq;
  const runs = newer(runKey(snapshot.id)) && state.runs[snapshot.id] ? state.runs : { ...state.runs, [snapshot.id]: stripTasks(snapshot) };
  const current = state.tis[snapshot.id] ?? {};
  const next: Record<string, TaskInstance> = { ...current };
  for (const ti of snapshot.taskInstances) {
    if (!newer(tiKey(snapshot.id, ti.taskId)) || !current[ti.taskId]) next[ti.taskId] = ti;
  }
  return { ...state, runs, tis: { ...state.tis, [snapshot.id]: next } };
}

export function dagLiveReducer(state: DagLiveState, action: DagLiveAction): DagLiveState {
  switch (action.type) {
    case 'reset':
      return initialDagLiveState;

    case 'run-event': {
      const { run, seq } = action;
      return { ...state, runs: { ...state.runs, [run.id]: run }, touched: { ...state.touched, [runKey(run.id)]: seq } };
    }

    case 'ti-event': {
      const { ti, seq } = action;
      return {
        ...state,
        tis: { ...state.tis, [ti.dagRunId]: { ...state.tis[ti.dagRunId], [ti.taskId]: ti } },
        touched: { ...state.touched, [tiKey(ti.dagRunId, ti.taskId)]: seq },
      };
    }

    case 'run-snapshot':
      return mergeSnapshotRun(state, action.run, action.sinceSeq);

    case 'runs-snapshot': {
      let next = state;
      if (action.replace) {
        // Keep only runs in the snapshot, plus runs that events created while the query was in flight.
        const keep = new Set(action.runs.map((run) => run.id));
        for (const id of Object.keys(state.runs)) if ((state.touched[runKey(id)] ?? -1) > action.sinceSeq) keep.add(id);
        next = {
          runs: Object.fromEntries(Object.entries(state.runs).filter(([id]) => keep.has(id))),
          tis: Object.fromEntries(Object.entries(state.tis).filter(([id]) => keep.has(id))),
          touched: Object.fromEntries(Object.entries(state.touched).filter(([key]) => keep.has(key.split(':')[1]))),
        };
      }
      for (const run of action.runs) next = mergeSnapshotRun(next, run, action.sinceSeq);
      return next;
    }
  }
}

/** Newest first, as the API orders them (logical date, then queue time). */
export function sortedRuns(state: DagLiveState): DagRun[] {
  return Object.values(state.runs).sort((a, b) => b.logicalDate.localeCompare(a.logicalDate) || b.queuedAt.localeCompare(a.queuedAt));
}

/** The DAG's current task ids, then any extra ids older runs still have (removed/renamed tasks). */
export function taskColumns(taskIds: string[], state: DagLiveState): string[] {
  const columns = [...taskIds];
  const known = new Set(taskIds);
  for (const byTask of Object.values(state.tis)) {
    for (const taskId of Object.keys(byTask)) {
      if (!known.has(taskId)) {
        known.add(taskId);
        columns.push(taskId);
      }
    }
  }
  return columns;
}
