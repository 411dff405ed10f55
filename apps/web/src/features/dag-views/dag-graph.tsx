'use client';

import { Graph, layout } from '@dagrejs/dagre';
import { useMemo } from 'react';
import { humanizeState } from '@/lib/format';
import type { TaskInstance } from '@/lib/graphql/operations';

const NODE_W = 150;
const NODE_H = 34;

interface SpecTask {
  taskId: string;
  type?: string;
  dependsOn?: string[];
}

export function specTasks(spec: unknown): SpecTask[] {
  const tasks = (spec as { tasks?: unknown } | null)?.tasks;
  return Array.isArray(tasks) ? (tasks as SpecTask[]).filter((t) => typeof t?.taskId === 'string') : [];
}

/** The DAG's tasks laid out by dagre (left to right), coloured by the selected run's live states. */
export function DagGraph({
  spec,
  taskInstances,
  selectedTaskId,
  onSelectTask,
}: {
  spec: unknown;
  taskInstances: Record<string, TaskInstance>;
  selectedTaskId: string | null;
  onSelectTask: (taskId: string) => void;
}) {
  const laid = useMemo(() => {
    const g = new Graph();
    g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 44, marginx: 8, marginy: 8 });
    g.setDefaultEdgeLabel(() => ({}));
    const tasks = specTasks(spec);
    for (const t of tasks) g.setNode(t.taskId, { width: NODE_W, height: NODE_H });
    for (const t of tasks) for (const up of t.dependsOn ?? []) if (g.hasNode(up)) g.setEdge(up, t.taskId);
    layout(g);
    const graph = g.graph();
    return {
      width: graph.width ?? 0,
      height: graph.height ?? 0,
      nodes: tasks.map((t) => ({ id: t.taskId, type: t.type ?? '', x: g.node(t.taskId).x, y: g.node(t.taskId).y })),
      edges: g.edges().map((e) => ({ key: `${e.v}->${e.w}`, points: (g.edge(e).points ?? []) as { x: number; y: number }[] })),
    };
  }, [spec]);

  if (laid.nodes.length === 0) return <p className="muted">The spec has no tasks.</p>;
  return (
    <div className="graph-scroll" data-testid="dag-graph" role="group" aria-label={`Task graph, ${laid.nodes.length} tasks`}>
      <svg width={laid.width} height={laid.height}>
        <defs>
          <marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0 0 8 4 0 8z" fill="currentColor" />
          </marker>
        </defs>
        {laid.edges.map((e) => (
          <polyline key={e.key} className="graph-edge" points={e.points.map((p) => `${p.x},${p.y}`).join(' ')} markerEnd="url(#arrow)" />
        ))}
        {laid.nodes.map((n) => {
          const state = taskInstances[n.id]?.state ?? 'none';
          return (
            <g
              key={n.id}
              transform={`translate(${n.x - NODE_W / 2},${n.y - NODE_H / 2})`}
              className={`graph-node ${n.id === selectedTaskId ? 'is-selected' : ''}`}
              data-testid={`graph-node-${n.id}`}
              data-state={state}
              role="button"
              tabIndex={0}
              onClick={() => onSelectTask(n.id)}
              onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ' ? onSelectTask(n.id) : undefined)}
            >
              <rect width={NODE_W} height={NODE_H} rx={6} className="state-fill-soft" data-state={state} />
              <rect width={6} height={NODE_H} rx={3} className="state-fill" data-state={state} />
              <text className="graph-label">
                <tspan x={14} y={15}>
                  {n.id.length > 20 ? `${n.id.slice(0, 19)}…` : n.id}
                </tspan>{' '}
                <tspan x={14} y={28} className="graph-sub">
                  {humanizeState(state)}
                </tspan>
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
