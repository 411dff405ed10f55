import { leafTaskIds, type DagSpec, type TaskState } from '@tower/core';
import type { DagRun, TaskInstance } from '@tower/db';

/** What one evaluation knows of one run (run-lifecycle's evaluate, task-queueing's queueScheduled). */
export interface RunContext {
  run: DagRun;
  spec: DagSpec;
  graph: RunGraph;
  /** Task instances read (all of them when `full`), by task id, as this evaluation changed them. */
  states: Map<string, TaskInstance>;
  /** Task ids read since the current trigger-rule round began (no need to read them again). */
  fresh: Set<string>;
  /** A whole-run evaluation. */
  full: boolean;
  /** When the evaluation began: the run held scheduled tasks / every task was finished. */
  hasScheduled: boolean;
  allFinished: boolean;
  /** States this evaluation moved tasks to. */
  changed: Set<TaskState>;
}

/** What evaluation needs of a spec's graph, computed once per spec object. */
export interface RunGraph {
  tasks: Map<string, DagSpec['tasks'][number]>;
  downstream: Map<string, string[]>;
  leaves: string[];
  pools: string[];
}

const graphs = new WeakMap<DagSpec, RunGraph>();

export function graphOf(spec: DagSpec): RunGraph {
  let graph = graphs.get(spec);
  if (!graph) {
    const downstream = new Map<string, string[]>(spec.tasks.map((t) => [t.taskId, []]));
    for (const t of spec.tasks) for (const dep of new Set(t.dependsOn)) downstream.get(dep)?.push(t.taskId);
    graph = {
      tasks: new Map(spec.tasks.map((t) => [t.taskId, t])),
      downstream,
      leaves: leafTaskIds(spec),
      pools: [...new Set(spec.tasks.map((t) => t.pool))],
    };
    graphs.set(spec, graph);
  }
  return graph;
}
