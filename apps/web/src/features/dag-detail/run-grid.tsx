'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { DateTimeText } from '@/components/date-time';
import { StateBadge } from '@/components/state-badge';
import { elapsed, formatDuration, humanizeState } from '@/lib/format';
import type { DagRun, TaskInstance } from '@/lib/graphql/operations';
import { isActiveState } from '@/lib/states';

interface RunGridProps {
  /** Rows in the grid (every run of the DAG, or of the filter); rows not loaded yet show a placeholder. */
  total: number;
  runAt: (index: number) => DagRun | null;
  /** Called with the rows on screen once scrolling settles: their pages get fetched. */
  ensureRows: (first: number, last: number) => void;
  columns: string[];
  taskInstances: Record<string, Record<string, TaskInstance>>;
  selectedRunId: string | null;
  selectedTaskId: string | null;
  now: number;
  onSelect: (runId: string, taskId?: string) => void;
}

const RUN_TYPE_LABEL: Record<DagRun['runType'], string> = { scheduled: 'S', manual: 'M', backfill: 'B', triggered: 'T' };

const ROW_PX = 33;
/** Task columns are this wide (a square and its margin): the grid's column virtualiser counts on it. */
const TASK_COL_PX = 24;
/** The run's own columns, in order (fixed widths: the table is laid out once, not per cell). */
const INFO_COLUMNS = [
  { key: 'run', label: 'Run', className: 'col-run', px: 250 },
  { key: 'state', label: 'State', className: 'col-state', px: 96 },
  { key: 'logical', label: 'Logical date', className: 'col-date', px: 176 },
  { key: 'started', label: 'Started', className: 'col-date', px: 108 },
  { key: 'ended', label: 'Ended', className: 'col-date', px: 108 },
  { key: 'duration', label: 'Duration', className: 'col-duration', px: 84 },
] as const;
const INFO_PX = INFO_COLUMNS.reduce((sum, c) => sum + c.px, 0);
/** Rows fetched only once scrolling pauses this long: dragging to the oldest run loads one page, not 200. */
const SETTLE_MS = 60;

/**
 * One row per run (newest first), one square per task coloured by the task instance's state.
 * Virtualised both ways: only the rows and the task columns on screen are in the DOM (spacer rows
 * and cells keep the table's scroll size), and the table has a fixed layout, so a DAG with
 * hundreds of tasks or 10,000 runs costs the browser what one screen of it does.
 */
export function RunGrid({ total, runAt, ensureRows, columns, taskInstances, selectedRunId, selectedTaskId, now, onSelect }: RunGridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_PX, overscan: 6 });
  const columnVirtualizer = useVirtualizer({
    horizontal: true,
    count: columns.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => TASK_COL_PX,
    scrollMargin: INFO_PX,
    overscan: 4,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    const timer = setTimeout(() => ensureRows(firstIndex, lastIndex), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [firstIndex, lastIndex, ensureRows]);

  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;

  const columnItems = columnVirtualizer.getVirtualItems();
  const visibleTasks = columnItems.map((c) => columns[c.index]).filter((taskId): taskId is string => taskId !== undefined);
  const padLeft = columnItems.length ? columnItems[0].start - INFO_PX : 0;
  const padRight = columnItems.length ? columnVirtualizer.getTotalSize() - (columnItems[columnItems.length - 1].end - INFO_PX) : 0;
  const span = INFO_COLUMNS.length + (padLeft > 0 ? 1 : 0) + visibleTasks.length + (padRight > 0 ? 1 : 0) + 1;
  const tableWidth = INFO_PX + columns.length * TASK_COL_PX;

  return (
    <div className="run-grid-scroll" ref={scrollRef} data-testid="run-grid-scroll" tabIndex={0} aria-label={`Runs, ${total} in all, newest first`}>
      <table className="table run-grid" data-testid="run-grid" data-task-columns={visibleTasks.length} style={{ width: `max(100%, ${tableWidth}px)` }}>
        <colgroup>
          {INFO_COLUMNS.map((c) => (
            <col key={c.key} style={{ width: c.px }} />
          ))}
          {padLeft > 0 ? <col style={{ width: padLeft }} /> : null}
          {visibleTasks.map((taskId) => (
            <col key={taskId} style={{ width: TASK_COL_PX }} />
          ))}
          {padRight > 0 ? <col style={{ width: padRight }} /> : null}
          <col />
        </colgroup>
        <thead>
          <tr>
            {INFO_COLUMNS.map((c) => (
              <th key={c.key} className={c.className}>
                {c.label}
              </th>
            ))}
            {padLeft > 0 ? <td className="grid-hspacer" aria-hidden /> : null}
            {visibleTasks.map((taskId) => (
              <th key={taskId} className={`col-task ${taskId === selectedTaskId ? 'is-selected' : ''}`} title={taskId} scope="col">
                <span className="task-head">{taskId}</span>
              </th>
            ))}
            {padRight > 0 ? <td className="grid-hspacer" aria-hidden /> : null}
            <td className="col-fill" aria-hidden />
          </tr>
        </thead>
        <tbody>
          {padTop > 0 ? (
            <tr aria-hidden style={{ height: padTop }}>
              <td colSpan={span} className="grid-spacer" />
            </tr>
          ) : null}
          {items.map(({ index }) => {
            const run = runAt(index);
            if (!run) {
              return (
                <tr key={`row-${index}`} className="run-row is-placeholder" data-index={index}>
                  <td colSpan={span} className="muted small">
                    loading…
                  </td>
                </tr>
              );
            }
            const tis = taskInstances[run.id] ?? {};
            const selected = run.id === selectedRunId;
            return (
              <tr
                key={run.id}
                data-testid={`run-row-${run.id}`}
                data-state={run.state}
                data-run-id={run.runId}
                data-index={index}
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
                {padLeft > 0 ? <td className="grid-hspacer" aria-hidden /> : null}
                {visibleTasks.map((taskId) => {
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
                {padRight > 0 ? <td className="grid-hspacer" aria-hidden /> : null}
                <td className="col-fill" aria-hidden />
              </tr>
            );
          })}
          {padBottom > 0 ? (
            <tr aria-hidden style={{ height: padBottom }}>
              <td colSpan={span} className="grid-spacer" />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
