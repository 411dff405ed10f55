'use client';

import { DateTimeText } from '@/components/date-time';
import { StateBadge } from '@/components/state-badge';
import { elapsed, formatDuration, humanizeState } from '@/lib/format';
import type { DagRun, TaskInstance } from '@/lib/graphql/operations';
import { isActiveState } from '@/lib/states';

interface RunGridProps {
  runs: DagRun[];
  columns: string[];
  taskInstances: Record<string, Record<string, TaskInstance>>;
  selectedRunId: string | null;
  selectedTaskId: string | null;
  now: number;
  onSelect: (runId: string, taskId?: string) => void;
}

const RUN_TYPE_LABEL: Record<DagRun['runType'], string> = { scheduled: 'S', manual: 'M', backfill: 'B', triggered: 'T' };

/** One row per run (newest first), one square per task coloured by the task instance's state. */
export function RunGrid({ runs, columns, taskInstances, selectedRunId, selectedTaskId, now, onSelect }: RunGridProps) {
  return (
    <div className="run-grid-scroll">
      <table className="table run-grid" data-testid="run-grid">
        <thead>
          <tr>
            <th className="col-run">Run</th>
            <th className="col-state">State</th>
            <th className="col-date">Logical date</th>
            <th className="col-date">Started</th>
            <th className="col-date">Ended</th>
            <th className="col-duration">Duration</th>
            {columns.map((taskId) => (
              <th key={taskId} className={`col-task ${taskId === selectedTaskId ? 'is-selected' : ''}`} title={taskId} scope="col">
                <span className="task-head">{taskId}</span>
              </th>
            ))}
            <th className="col-fill" aria-hidden />
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            const tis = taskInstances[run.id] ?? {};
            const selected = run.id === selectedRunId;
            return (
              <tr
                key={run.id}
                data-testid={`run-row-${run.id}`}
                data-state={run.state}
                data-run-id={run.runId}
                aria-selected={selected}
                className={`run-row ${selected ? 'is-selected' : ''}`}
                onClick={() => onSelect(run.id)}
              >
                <td className="col-run">
                  <span className="run-type" title={run.runType} data-run-type={run.runType}>
                    {RUN_TYPE_LABEL[run.runType]}
                  </span>
                  <button
                    type="button"
                    className="run-id"
                    title={run.runId}
                    data-testid={`run-select-${run.id}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      onSelect(run.id);
                    }}
                  >
                    {run.runId}
                  </button>
                </td>
                <td className="col-state">
                  <StateBadge state={run.state} />
                </td>
                <td className="col-date">
                  <DateTimeText value={run.logicalDate} />
                </td>
                <td className="col-date">
                  <DateTimeText value={run.startedAt} compact />
                </td>
                <td className="col-date">
                  <DateTimeText value={run.endedAt} compact />
                </td>
                <td className="col-duration num">{formatDuration(elapsed(run.startedAt, run.endedAt, now))}</td>
                {columns.map((taskId) => {
                  const ti = tis[taskId];
                  const state = ti?.state ?? 'none';
                  return (
                    <td key={taskId} className="col-task">
                      <span
                        className={`ti-cell state-fill ${isActiveState(state) ? 'is-active' : ''} ${selected && taskId === selectedTaskId ? 'is-selected' : ''}`}
                        data-testid={`ti-${run.id}-${taskId}`}
                        data-state={state}
                        title={`${taskId}\n${humanizeState(state)}${ti ? ` · try ${ti.tryNumber}/${ti.maxTries}` : ''}`}
                        onClick={(e) => {
                          e.stopPropagation();
                          onSelect(run.id, taskId);
                        }}
                      />
                    </td>
                  );
                })}
                <td className="col-fill" aria-hidden />
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
