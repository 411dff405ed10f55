'use client';

import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { CancelDagRunMutation, type DagRun, type TaskInstance } from '@/lib/graphql/operations';
import { ClearTaskInstancesMutation, MarkTaskInstanceMutation } from '@/lib/graphql/operations-tasks';
import { useCan, VIEWER_NOTE } from '@/lib/graphql/use-viewer';
import { isTerminalRunState } from '@/lib/states';
import { useAction } from './use-action';

/** Buttons on the selected run: rerun its failed tasks, cancel it. Disabled for viewers. */
export function RunActions({ run, failedCount, onChanged }: { run: DagRun; failedCount: number; onChanged: () => void }) {
  const { request } = useGraphQL();
  const can = useCan('OPERATOR');
  const rerun = useAction();
  const cancel = useAction();
  const finished = isTerminalRunState(run.state);

  return (
    <div className="action-bar">
      <button
        type="button"
        className="btn btn-sm"
        data-action="rerun-failed"
        data-testid="rerun-failed"
        disabled={!can || failedCount === 0}
        title={!can ? VIEWER_NOTE : failedCount === 0 ? 'No failed tasks in this run' : undefined}
        onClick={rerun.show}
      >
        Rerun failed
      </button>
      <button
        type="button"
        className="btn btn-sm"
        data-action="cancel-run"
        data-testid="cancel-run"
        disabled={!can || finished}
        title={!can ? VIEWER_NOTE : finished ? 'The run has finished' : undefined}
        onClick={cancel.show}
      >
        Cancel run
      </button>
      <ConfirmDialog
        open={rerun.open}
        title="Rerun failed tasks"
        confirmLabel={`Rerun ${failedCount} failed task${failedCount === 1 ? '' : 's'}`}
        pending={rerun.pending}
        error={rerun.error}
        onClose={rerun.close}
        testId="rerun-dialog"
        onConfirm={() =>
          void rerun.run(async () => {
            await request(ClearTaskInstancesMutation, { runId: run.id, taskIds: null, onlyFailed: true, includeDownstream: true });
            onChanged();
          })
        }
      >
        <p>
          Clears the {failedCount} failed task{failedCount === 1 ? '' : 's'} of <code>{run.runId}</code> and everything downstream of them. They run again with
          a new try number and the run goes back to running.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={cancel.open}
        title="Cancel run"
        confirmLabel="Cancel the run"
        danger
        pending={cancel.pending}
        error={cancel.error}
        onClose={cancel.close}
        testId="cancel-dialog"
        onConfirm={() =>
          void cancel.run(async () => {
            await request(CancelDagRunMutation, { id: run.id });
            onChanged();
          })
        }
      >
        <p>
          Stops <code>{run.runId}</code>: unfinished tasks are skipped and running tries are stopped. This cannot be undone (clear tasks to run them again).
        </p>
      </ConfirmDialog>
    </div>
  );
}

/** Buttons on the selected task instance: clear (with or without downstream), mark success / failed. */
export function TaskActions({ run, ti, onChanged }: { run: DagRun; ti: TaskInstance; onChanged: () => void }) {
  const { request } = useGraphQL();
  const can = useCan('OPERATOR');
  const clear = useAction();
  const mark = useAction();
  const [downstream, setDownstream] = useState(true);
  const [markState, setMarkState] = useState<'success' | 'failed'>('success');
  const title = can ? undefined : VIEWER_NOTE;

  return (
    <div className="action-bar">
      <button type="button" className="btn btn-sm" data-action="clear-task" data-testid="clear-task" disabled={!can} title={title} onClick={clear.show}>
        Clear
      </button>
      {(['success', 'failed'] as const).map((state) => (
        <button
          key={state}
          type="button"
          className="btn btn-sm"
          data-action={`mark-${state}`}
          data-testid={`mark-${state}`}
          disabled={!can || ti.state === state}
          title={title}
          onClick={() => {
            setMarkState(state);
            mark.show();
          }}
        >
          Mark {state}
        </button>
      ))}
      <ConfirmDialog
        open={clear.open}
        title={`Clear ${ti.taskId}`}
        confirmLabel="Clear"
        pending={clear.pending}
        error={clear.error}
        onClose={clear.close}
        testId="clear-dialog"
        onConfirm={() =>
          void clear.run(async () => {
            await request(ClearTaskInstancesMutation, { runId: run.id, taskIds: [ti.taskId], onlyFailed: false, includeDownstream: downstream });
            onChanged();
          })
        }
      >
        <p>
          <code>{ti.taskId}</code> runs again in <code>{run.runId}</code> with try number {ti.tryNumber + 1}.
        </p>
        <label className="check">
          <input type="checkbox" checked={downstream} onChange={(e) => setDownstream(e.target.checked)} data-testid="clear-downstream" />
          Also clear every task downstream of it
        </label>
      </ConfirmDialog>
      <ConfirmDialog
        open={mark.open}
        title={`Mark ${ti.taskId} ${markState}`}
        confirmLabel={`Mark ${markState}`}
        danger={markState === 'failed'}
        pending={mark.pending}
        error={mark.error}
        onClose={mark.close}
        testId="mark-dialog"
        onConfirm={() =>
          void mark.run(async () => {
            await request(MarkTaskInstanceMutation, { id: ti.id, state: markState });
            onChanged();
          })
        }
      >
        <p>
          Sets <code>{ti.taskId}</code> to <strong>{markState}</strong> without running it; a running try is stopped. Downstream tasks follow their trigger
          rules.
        </p>
      </ConfirmDialog>
    </div>
  );
}
