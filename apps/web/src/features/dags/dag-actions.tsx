'use client';

import { ConfirmDialog } from '@/components/confirm-dialog';
import { TriggerDialog } from '../actions/trigger-dialog';
import { useAction } from '../actions/use-action';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { PauseDagMutation, UnpauseDagMutation, type DagHeader, type DagRun } from '@/lib/graphql/operations';
import { useCan, VIEWER_NOTE } from '@/lib/graphql/use-viewer';

/** Opens the trigger dialog (params form generated from the DAG's params). Disabled for viewers. */
export function TriggerButton({ dagId, onTriggered, size = 'sm' }: { dagId: string; onTriggered?: (run: DagRun) => void; size?: 'sm' | 'md' }) {
  const can = useCan('OPERATOR');
  const action = useAction();
  return (
    <span className="action">
      <button
        type="button"
        className={`btn btn-primary ${size === 'sm' ? 'btn-sm' : ''}`}
        data-testid={`trigger-${dagId}`}
        data-action="trigger"
        disabled={!can}
        onClick={action.show}
        title={can ? 'Trigger a manual run' : VIEWER_NOTE}
      >
        <PlayIcon />
        Trigger
      </button>
      {action.open ? <TriggerDialog dagId={dagId} action={action} onTriggered={onTriggered} /> : null}
    </span>
  );
}

/** Pause / unpause toggle; `data-paused` mirrors the DAG's state as last confirmed by the API. */
export function PauseToggle({
  dag,
  onChanged,
  showLabel = true,
}: {
  dag: Pick<DagHeader, 'dagId' | 'paused'>;
  onChanged?: (dag: DagHeader) => void;
  showLabel?: boolean;
}) {
  const { request } = useGraphQL();
  const can = useCan('OPERATOR');
  const action = useAction();
  const pending = action.pending;

  function toggle() {
    void action.run(async () => {
      const updated = dag.paused
        ? (await request(UnpauseDagMutation, { dagId: dag.dagId })).unpauseDag
        : (await request(PauseDagMutation, { dagId: dag.dagId })).pauseDag;
      onChanged?.(updated);
    });
  }

  return (
    <span className="action">
      <button
        type="button"
        role="switch"
        aria-checked={!dag.paused}
        aria-label={dag.paused ? `Unpause ${dag.dagId}` : `Pause ${dag.dagId}`}
        title={!can ? VIEWER_NOTE : dag.paused ? 'Paused: no new runs are created. Click to unpause.' : 'Active. Click to pause.'}
        className="toggle"
        data-testid={`pause-${dag.dagId}`}
        data-paused={dag.paused}
        data-action="pause"
        disabled={pending || !can}
        onClick={action.show}
      >
        <span className="toggle-track" aria-hidden>
          <span className="toggle-thumb" />
        </span>
        {showLabel ? <span className="toggle-label">{dag.paused ? 'Paused' : 'Active'}</span> : null}
      </button>
      {action.open ? (
        <ConfirmDialog
          open
          title={dag.paused ? `Unpause ${dag.dagId}` : `Pause ${dag.dagId}`}
          confirmLabel={dag.paused ? 'Unpause' : 'Pause'}
          pending={pending}
          error={action.error}
          onConfirm={toggle}
          onClose={action.close}
          testId="pause-dialog"
        >
          <p>
            {dag.paused
              ? 'The schedule creates runs again from the next interval, and queued runs start.'
              : 'No new runs are created and queued runs do not start; running runs finish. Undo by unpausing.'}
          </p>
        </ConfirmDialog>
      ) : null}
    </span>
  );
}

function PlayIcon() {
  return (
    <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden>
      <path d="M2 1.2v7.6a.5.5 0 0 0 .76.43l6.2-3.8a.5.5 0 0 0 0-.86L2.76.77A.5.5 0 0 0 2 1.2Z" fill="currentColor" />
    </svg>
  );
}
