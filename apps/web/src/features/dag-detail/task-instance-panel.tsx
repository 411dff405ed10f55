'use client';

import { DateTimeText } from '@/components/date-time';
import { StateBadge } from '@/components/state-badge';
import { elapsed, formatDuration, formatRelative } from '@/lib/format';
import type { DagRun, TaskInstance } from '@/lib/graphql/operations';
import { RunActions } from '../actions/run-actions';

interface TaskInstancePanelProps {
  run: DagRun;
  columns: string[];
  taskInstances: Record<string, TaskInstance>;
  selectedTaskId: string | null;
  now: number;
  onSelectTask: (taskId: string) => void;
  onChanged: () => void;
}

/** The selected run: its facts, then its task instances in the DAG's task order. */
export function TaskInstancePanel({ run, columns, taskInstances, selectedTaskId, now, onSelectTask, onChanged }: TaskInstancePanelProps) {
  const failedCount = Object.values(taskInstances).filter((ti) => ti.state === 'failed' || ti.state === 'upstream_failed').length;
  return (
    <section className="panel ti-panel" data-testid="task-instances" data-run={run.id}>
      <header className="ti-panel-head">
        <div className="ti-panel-title">
          <span className="eyebrow">Run</span>
          <h2 title={run.runId}>{run.runId}</h2>
        </div>
        <StateBadge state={run.state} testId="selected-run-state" />
      </header>
      <RunActions run={run} failedCount={failedCount} onChanged={onChanged} />
      <dl className="facts">
        <div>
          <dt>Type</dt>
          <dd>{run.runType}</dd>
        </div>
        <div>
          <dt>Logical date</dt>
          <dd>
            <DateTimeText value={run.logicalDate} />
          </dd>
        </div>
        <div>
          <dt>Data interval</dt>
          <dd>
            <DateTimeText value={run.dataIntervalStart} /> → <DateTimeText value={run.dataIntervalEnd} />
          </dd>
        </div>
        <div>
          <dt>Queued</dt>
          <dd>
            <DateTimeText value={run.queuedAt} />
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(elapsed(run.startedAt, run.endedAt, now))}</dd>
        </div>
        <div>
          <dt>DAG version</dt>
          <dd>v{run.dagVersion}</dd>
        </div>
      </dl>
      <div className="ti-table-scroll">
        <table className="table ti-table">
          <thead>
            <tr>
              <th>Task</th>
              <th>State</th>
              <th className="num">Try</th>
              <th>Started</th>
              <th>Ended</th>
              <th className="num">Duration</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((taskId) => {
              const ti = taskInstances[taskId];
              const state = ti?.state ?? 'none';
              return (
                <tr
                  key={taskId}
                  data-testid={`ti-row-${run.id}-${taskId}`}
                  data-state={state}
                  className={taskId === selectedTaskId ? 'is-selected' : undefined}
                  onClick={() => onSelectTask(taskId)}
                >
                  <td>
                    <button type="button" className="ti-task link-button" onClick={() => onSelectTask(taskId)} data-testid={`ti-open-${taskId}`}>
                      {taskId}
                    </button>
                    {ti ? <div className="ti-operator">{ti.operator}</div> : null}
                  </td>
                  <td>
                    <StateBadge state={state} />
                    {ti?.state === 'up_for_retry' && ti.nextAttemptAt ? <div className="muted small">retry {formatRelative(ti.nextAttemptAt, now)}</div> : null}
                  </td>
                  <td className="num">{ti ? `${ti.tryNumber}/${ti.maxTries}` : '—'}</td>
                  <td>
                    <DateTimeText value={ti?.startedAt} compact />
                  </td>
                  <td>
                    <DateTimeText value={ti?.endedAt} compact />
                  </td>
                  <td className="num">{formatDuration(elapsed(ti?.startedAt ?? null, ti?.endedAt ?? null, now))}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
