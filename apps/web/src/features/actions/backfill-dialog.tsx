'use client';

import { QueryErrorBanner } from '@/components/error-banner';
import { useState } from 'react';
import { useQuery } from 'urql';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { DateTimeText } from '@/components/date-time';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { BackfillDagMutation, SchedulePreviewQuery } from '@/lib/graphql/operations';
import type { useAction } from './use-action';

type Reprocess = 'none' | 'failed' | 'all';
const PREVIEW_LIMIT = 500;

/** A date in the form → the instant it starts, read in UTC (the dialog says so). */
const startOfDayUtc = (date: string) => (date ? `${date}T00:00:00.000Z` : '');
const endOfDayUtc = (date: string) => (date ? `${date}T23:59:59.999Z` : '');

/** Backfill a date range: reprocess mode, limit of running runs, and the runs it will create. */
export function BackfillDialog({
  dag,
  action,
  onDone,
}: {
  dag: { dagId: string; schedule: string | null; timezone: string };
  action: ReturnType<typeof useAction>;
  onDone?: (summary: string) => void;
}) {
  const { request } = useGraphQL();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reprocess, setReprocess] = useState<Reprocess>('none');
  const [maxActiveRuns, setMaxActiveRuns] = useState(4);
  const fromIso = startOfDayUtc(from);
  const toIso = endOfDayUtc(to);
  const rangeOk = Boolean(from && to && fromIso <= toIso);
  const [{ data, fetching, error }] = useQuery({
    query: SchedulePreviewQuery,
    variables: {
      schedule: dag.schedule ?? '',
      timezone: dag.timezone,
      count: PREVIEW_LIMIT,
      after: rangeOk ? new Date(Date.parse(fromIso) - 1).toISOString() : null,
    },
    pause: !action.open || !rangeOk || !dag.schedule,
  });
  const preview = (data?.schedulePreview ?? []).filter((t) => t <= toIso);

  function submit() {
    void action.run(async () => {
      const { backfillDag } = await request(BackfillDagMutation, { dagId: dag.dagId, from: fromIso, to: toIso, reprocess, maxActiveRuns });
      onDone?.(`Backfill created ${backfillDag.created.length} runs, reprocessed ${backfillDag.reprocessed.length}, skipped ${backfillDag.skipped}.`);
    });
  }

  return (
    <ConfirmDialog
      open={action.open}
      title={`Backfill ${dag.dagId}`}
      confirmLabel={rangeOk ? `Backfill ${preview.length} interval${preview.length === 1 ? '' : 's'}` : 'Backfill'}
      pending={action.pending}
      error={action.error}
      onConfirm={submit}
      onClose={action.close}
      testId="backfill-dialog"
      confirmDisabled={!rangeOk || !dag.schedule}
    >
      {!dag.schedule ? <p>This DAG has no schedule, so there are no intervals to backfill.</p> : null}
      <p>One run per scheduled interval whose logical date lies in the range (days read in UTC), in a lower-priority lane.</p>
      <div className="form-grid form-grid-2">
        <label className="field">
          <span className="field-label">From (inclusive)</span>
          <input className="input" type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="backfill-from" required />
        </label>
        <label className="field">
          <span className="field-label">To (inclusive)</span>
          <input className="input" type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="backfill-to" required />
        </label>
        <label className="field">
          <span className="field-label">Runs that already exist</span>
          <select className="input" value={reprocess} onChange={(e) => setReprocess(e.target.value as Reprocess)} data-testid="backfill-reprocess">
            <option value="none">Keep them (create missing runs only)</option>
            <option value="failed">Rerun the failed ones</option>
            <option value="all">Rerun all of them</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Runs at once (1–100)</span>
          <input className="input" type="number" min={1} max={100} value={maxActiveRuns} onChange={(e) => setMaxActiveRuns(Number(e.target.value) || 1)} />
        </label>
      </div>
      {from && to && !rangeOk ? <p className="field-error">“From” must not be after “To”.</p> : null}
      {rangeOk && dag.schedule ? (
        <div className="preview" data-testid="backfill-preview" data-count={preview.length}>
          <strong>Intervals in the range {fetching ? '(loading…)' : `(${preview.length}${preview.length >= PREVIEW_LIMIT ? '+' : ''})`}</strong>
          {error ? <QueryErrorBanner error={error} /> : null}
          <ul className="preview-list">
            {preview.slice(0, 20).map((t) => (
              <li key={t}>
                <DateTimeText value={t} />
              </li>
            ))}
            {preview.length > 20 ? <li className="muted">… and {preview.length - 20} more</li> : null}
          </ul>
        </div>
      ) : null}
    </ConfirmDialog>
  );
}
