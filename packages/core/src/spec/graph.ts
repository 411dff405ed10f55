/** DAG graph helpers over any spec-shaped list of tasks. */
export interface GraphTask {
  taskId: string;
  dependsOn: readonly string[];
}

export interface GraphSpec {
  tasks: readonly GraphTask[];
}

export function upstreamOf(spec: GraphSpec, taskId: string): string[] {
  return [...(spec.tasks.find((t) => t.taskId === taskId)?.dependsOn ?? [])];
}

export function downstreamOf(spec: GraphSpec, taskId: string, transitive = false): string[] {
  const direct = (id: string) => spec.tasks.filter((t) => t.dependsOn.includes(id)).map((t) => t.taskId);
  if (!transitive) return direct(taskId);
  const seen = new Set<string>();
  const stack = direct(taskId);
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...direct(id));
  }
  return spec.tasks.map((t) => t.taskId).filter((id) => seen.has(id));
}

export function rootTaskIds(spec: GraphSpec): string[] {
  return spec.tasks.filter((t) => t.dependsOn.length === 0).map((t) => t.taskId);
}

/** Tasks nothing depends on: their states decide a run's outcome. */
export function leafTaskIds(spec: GraphSpec): string[] {
  const hasDownstream = new Set(spec.tasks.flatMap((t) => t.dependsOn));
  return spec.tasks.filter((t) => !hasDownstream.has(t.taskId)).map((t) => t.taskId);
}

/**
 * Finds one cycle, returned as the path that closes it (["a", "b", "c", "a"]), or null.
 * Edges go from a task to what it depends on; only known task ids are followed.
 */
export function findCycle(spec: GraphSpec): string[] | null {
  const deps = new Map(spec.tasks.map((t) => [t.taskId, t.dependsOn]));
  const color = new Map<string, 0 | 1 | 2>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    color.set(id, 1);
    path.push(id);
    for (const dep of deps.get(id) ?? []) {
      if (!deps.has(dep)) continue;
      const c = color.get(dep) ?? 0;
      if (c === 1) return [...path.slice(path.indexOf(dep)), dep];
      if (c === 0) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    path.pop();
    color.set(id, 2);
    return null;
  };
  for (const t of spec.tasks) {
    if ((color.get(t.taskId) ?? 0) === 0) {
      const found = visit(t.taskId);
      if (found) return found.reverse();
    }
  }
  return null;
}

/** Upstream-first order (Kahn); throws on a cycle. Ties keep the spec's order. */
export function topologicalOrder(spec: GraphSpec): string[] {
  const remaining = new Map(spec.tasks.map((t) => [t.taskId, new Set(t.dependsOn)]));
  const order: string[] = [];
  while (remaining.size) {
    const ready = [...remaining].filter(([, deps]) => [...deps].every((d) => !remaining.has(d))).map(([id]) => id);
    if (ready.length === 0) throw new Error(`cycle: ${findCycle(spec)?.join(' -> ') ?? 'unknown'}`);
    for (const id of ready) {
      order.push(id);
      remaining.delete(id);
    }
  }
  return order;
}
