'use client';

import { useState } from 'react';
import { InlineError } from '@/components/error-banner';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { toApiError, type ApiError } from '@/lib/graphql/errors';
import { PauseDagMutation, TriggerDagRunMutation, UnpauseDagMutation, type DagHeader, type DagRun } from '@/lib/graphql/operations';

/** Triggers a manual run with the DAG's default params. */
export function TriggerButton({ dagId, onTriggered, size = 'sm' }: { dagId: string; onTriggered?: (run: DagRun) => void; size?: 'sm' | 'md' }) {
  const { request } = useGraphQL();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function trigger() {
    setPending(true);
    setError(null);
    try {
      const { triggerDagRun } = await request(TriggerDagRunMutation, { dagId });
      onTriggered?.(triggerDagRun);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <span className="action">
      <button
        type="button"
        className={`btn btn-primary ${size === 'sm' ? 'btn-sm' : ''}`}
        data-testid={`trigger-${dagId}`}
        disabled={pending}
        onClick={trigger}
        title="Trigger a manual run now"
      >
        <PlayIcon />
        {pending ? 'Triggering…' : 'Trigger'}
      </button>
      {error ? <InlineError error={error} testId={`trigger-error-${dagId}`} /> : null}
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
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function toggle() {
    setPending(true);
    setError(null);
    try {
      const updated = dag.paused
        ? (await request(UnpauseDagMutation, { dagId: dag.dagId })).unpauseDag
        : (await request(PauseDagMutation, { dagId: dag.dagId })).pauseDag;
      onChanged?.(updated);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }

  return (
    <span className="action">
      <button
        type="button"
        role="switch"
        aria-checked={!dag.paused}
        aria-label={dag.paused ? `Unpause ${dag.dagId}` : `Pause ${dag.dagId}`}
        title={dag.paused ? 'Paused: no new runs are created. Click to unpause.' : 'Active. Click to pause.'}
        className="toggle"
        data-testid={`pause-${dag.dagId}`}
        data-paused={dag.paused}
        disabled={pending}
        onClick={toggle}
      >
        <span className="toggle-track" aria-hidden>
          <span className="toggle-thumb" />
        </span>
        {showLabel ? <span className="toggle-label">{dag.paused ? 'Paused' : 'Active'}</span> : null}
      </button>
      {error ? <InlineError error={error} testId={`pause-error-${dag.dagId}`} /> : null}
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
