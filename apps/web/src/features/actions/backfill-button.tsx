'use client';

import { useCan, VIEWER_NOTE } from '@/lib/graphql/use-viewer';
import { BackfillDialog } from './backfill-dialog';
import { useAction } from './use-action';

export function BackfillButton({ dag, onDone }: { dag: { dagId: string; schedule?: string | null; timezone: string }; onDone: () => void }) {
  const can = useCan('OPERATOR');
  const action = useAction();
  return (
    <span className="action">
      <button
        type="button"
        className="btn"
        data-action="backfill"
        data-testid="backfill-open"
        disabled={!can || !dag.schedule}
        title={!can ? VIEWER_NOTE : !dag.schedule ? 'The DAG has no schedule' : 'Create runs for past intervals'}
        onClick={action.show}
      >
        Backfill
      </button>
      {action.open ? (
        <BackfillDialog dag={{ dagId: dag.dagId, schedule: dag.schedule ?? null, timezone: dag.timezone }} action={action} onDone={onDone} />
      ) : null}
    </span>
  );
}
