import { TowerError } from '../errors.js';

/** DAG graph helpers over any spec-shaped list of tasks (edges: a task → what it depends on). */
export interface GraphTask {
  taskId: string;
  dependsOn: readonly string[];
}

export interface GraphSpec {
  tasks: readonly GraphTask[];
}

function indexOf(spec: GraphSpec): Map<string, GraphTask> {
  return new Map(spec.tasks.map((t) => [t.taskId, t]));
}

function known(spec: GraphSpec, taskId: string): GraphTask {
  const task = spec.tasks.find((t) => t.taskId === taskId);
  if (!task) throw new TowerError('NOT_FOUND', `task "${taskId}" is not in this DAG`, { details: { taskId } });
  return task;
}

/** task id → ids of the tasks that depend on it, in spec order. */
function downstreamMap(spec: GraphSpec): Map<string, string[]> {
  const map = new Map<string, string[]>(spec.tasks.map((t) => [t.taskId, []]));
  for (const t of spec.tasks) for (const dep of new Set(t.dependsOn)) map.get(dep)?.push(t.taskId);
  return map;
}

/** Direct upstream task ids of a task; throws NOT_FOUND for an unknown task. */
export function upstreamOf(spec: GraphSpec, taskId: string): string[] {
  return [...new Set(known(spec, taskId).dependsOn)];
}

/** Downstream task ids (direct, or every transitive one), in spec order; throws NOT_FOUND for an unknown task. */
export function downstreamOf(spec: GraphSpec, taskId: string, transitive = false): string[] {
  known(spec, taskId);
  const map = downstreamMap(spec);
  if (!transitive) return map.get(taskId) ?? [];
  const seen = new Set<string>();
  const stack = [...(map.get(taskId) ?? [])];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(map.get(id) ?? []));
  }
  return spec.tasks.map((t) => t.taskId).filter((id) => seen.has(id) && id !== taskId);
}

/** Tasks without upstream tasks: they start a run. */
export function rootTaskIds(spec: GraphSpec): string[] {
  return spec.tasks.filter((t) => t.dependsOn.length === 0).map((t) => t.taskId);
}

/** Tasks nothing depends on: their states decide a run's outcome. */
export function leafTaskIds(spec: GraphSpec): string[] {
  const hasDownstream = new Set(spec.tasks.flatMap((t) => t.dependsOn));
  return spec.tasks.filter((t) => !hasDownstream.has(t.taskId)).map((t) => t.taskId);
}

/**
 * Every cycle, one per strongly connected component (Tarjan), each written in run order
 * (upstream first) and closed: ["a", "b", "c", "a"] = a runs before b, b before c, c before a.
 * A cycle starts at its member that comes first in the spec; it is the shortest through it.
 * Dependencies on unknown ids are ignored.
 */
export function findCycles(spec: GraphSpec): string[][] {
  const byId = indexOf(spec);
  const order = new Map(spec.tasks.map((t, i) => [t.taskId, i]));
  const depsOf = (id: string) => [...new Set(byId.get(id)?.dependsOn ?? [])].filter((d) => byId.has(d));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  // Iterative Tarjan: a 500-task chain must not exhaust the call stack.
  for (const root of byId.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ id: string; deps: string[]; next: number }> = [];
    const enter = (id: string) => {
      index.set(id, counter);
      low.set(id, counter++);
      stack.push(id);
      onStack.add(id);
      work.push({ id, deps: depsOf(id), next: 0 });
    };
    enter(root);
    while (work.length) {
      const frame = work[work.length - 1];
      if (frame.next < frame.deps.length) {
        const dep = frame.deps[frame.next++];
        if (!index.has(dep)) enter(dep);
        else if (onStack.has(dep)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(dep)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let id: string;
        do {
          id = stack.pop()!;
          onStack.delete(id);
          component.push(id);
        } while (id !== frame.id);
        if (component.length > 1 || depsOf(frame.id).includes(frame.id)) components.push(component);
      }
    }
  }
  return components.map((component) => cycleThrough(component, depsOf, order)).sort((a, b) => order.get(a[0])! - order.get(b[0])!);
}

/** The shortest cycle in run order through the component's first task in spec order (BFS). */
function cycleThrough(component: string[], depsOf: (id: string) => string[], order: Map<string, number>): string[] {
  const members = new Set(component);
  const start = [...component].sort((a, b) => order.get(a)! - order.get(b)!)[0];
  // Run order goes from a dependency to its dependent, so walk dependents: reverse the edges.
  const dependents = new Map<string, string[]>(component.map((id) => [id, []]));
  for (const id of [...component].sort((a, b) => order.get(a)! - order.get(b)!)) {
    for (const dep of depsOf(id)) if (members.has(dep)) dependents.get(dep)!.push(id);
  }
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const id = queue.shift()!;
    for (const next of dependents.get(id)!) {
      if (next === start) {
        const path = [start];
        for (let at = id; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, id);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/** @deprecated use findCycles; the first cycle or null. */
export function findCycle(spec: GraphSpec): string[] | null {
  return findCycles(spec)[0] ?? null;
}

/** Upstream-first order (Kahn); ties keep spec order. Throws BAD_USER_INPUT naming a cycle. */
export function topologicalOrder(spec: GraphSpec): string[] {
  const byId = indexOf(spec);
  const waiting = new Map(spec.tasks.map((t) => [t.taskId, new Set(t.dependsOn.filter((d) => byId.has(d)))]));
  const dependents = downstreamMap(spec);
  const order: string[] = [];
  let ready = spec.tasks.filter((t) => waiting.get(t.taskId)!.size === 0).map((t) => t.taskId);
  while (ready.length) {
    order.push(...ready);
    const released = new Set<string>();
    for (const id of ready) {
      for (const d of dependents.get(id) ?? []) {
        const deps = waiting.get(d)!;
        deps.delete(id);
        if (deps.size === 0) released.add(d);
      }
    }
    ready = spec.tasks.map((t) => t.taskId).filter((id) => released.has(id));
  }
  if (order.length < spec.tasks.length) {
    const cycle = findCycles(spec)[0] ?? [];
    throw new TowerError('BAD_USER_INPUT', `cycle: ${cycle.join(' -> ')}`, { details: { cycle } });
  }
  return order;
}
