'use client';

import { formatDuration } from '@/lib/format';
import type { TaskInstance } from '@/lib/graphql/operations';

/** One bar per task instance of the run, from its start to its end (or now), on a shared time axis. */
export function RunGantt({
  columns,
  taskInstances,
  now,
  onSelectTask,
}: {
  columns: string[];
  taskInstances: Record<string, TaskInstance>;
  now: number;
  onSelectTask: (taskId: string) => void;
}) {
  const spans = columns.map((taskId) => {
    const ti = taskInstances[taskId];
    const start = ti?.startedAt ? Date.parse(ti.startedAt) : null;
    const end = ti?.startedAt ? (ti.endedAt ? Date.parse(ti.endedAt) : now) : null;
    return { taskId, state: ti?.state ?? 'none', start, end };
  });
  const started = spans.filter((s) => s.start !== null) as { taskId: string; state: string; start: number; end: number }[];
  if (started.length === 0) return <p className="muted">No task of this run has started yet.</p>;
  const t0 = Math.min(...started.map((s) => s.start));
  const t1 = Math.max(...started.map((s) => s.end), t0 + 1);
  const pct = (t: number) => ((t - t0) / (t1 - t0)) * 100;
  return (
    <div className="gantt" data-testid="run-gantt">
      <div className="gantt-axis muted small">
        <span>0s</span>
        <span>{formatDuration(t1 - t0)}</span>
      </div>
      {spans.map((s) => (
        <button
          key={s.taskId}
          type="button"
          className="gantt-row link-button"
          onClick={() => onSelectTask(s.taskId)}
          aria-label={`${s.taskId}: ${s.start === null ? 'not started' : formatDuration((s.end ?? s.start) - s.start)}`}
        >
          <span className="gantt-label">{s.taskId}</span>
          <span className="gantt-track">
            {s.start !== null && s.end !== null ? (
              <span
                className="gantt-bar state-fill"
                data-state={s.state}
                style={{ left: `${pct(s.start)}%`, width: `${Math.max(pct(s.end) - pct(s.start), 0.5)}%` }}
                title={formatDuration(s.end - s.start)}
              />
            ) : null}
          </span>
        </button>
      ))}
    </div>
  );
}
