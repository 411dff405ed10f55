'use client';

import type { DagRunState, RunType } from '@/lib/graphql/operations';
import { isFiltered, NO_RUN_FILTER, runFilterError, type RunFilterValue } from './run-filter-model';

const STATES: DagRunState[] = ['queued', 'running', 'success', 'failed', 'canceled'];
const RUN_TYPES: { value: RunType; label: string }[] = [
  { value: 'scheduled', label: 'Scheduled' },
  { value: 'manual', label: 'Manual' },
  { value: 'backfill', label: 'Backfill' },
  { value: 'triggered', label: 'File-triggered' },
];

/** Run filters: state, run type, logical dates (UTC days). The API filters, so counts and paging stay exact. */
export function RunFilter({ value, onChange }: { value: RunFilterValue; onChange: (v: RunFilterValue) => void }) {
  const error = runFilterError(value);
  return (
    <div className="run-filters" role="group" aria-label="Filter runs">
      <select
        className="input input-sm"
        value={value.state ?? ''}
        onChange={(e) => onChange({ ...value, state: (e.target.value || null) as DagRunState | null })}
        data-testid="run-filter-state"
        aria-label="Show runs in state"
      >
        <option value="">All states</option>
        {STATES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <select
        className="input input-sm"
        value={value.runType ?? ''}
        onChange={(e) => onChange({ ...value, runType: (e.target.value || null) as RunType | null })}
        data-testid="run-filter-type"
        aria-label="Show runs of type"
      >
        <option value="">All run types</option>
        {RUN_TYPES.map((t) => (
          <option key={t.value} value={t.value}>
            {t.label}
          </option>
        ))}
      </select>
      <input
        className="input input-sm"
        type="date"
        value={value.from ?? ''}
        max={value.to ?? undefined}
        onChange={(e) => onChange({ ...value, from: e.target.value || null })}
        data-testid="run-filter-from"
        aria-label="Logical date from (UTC day, inclusive)"
        aria-invalid={error ? true : undefined}
      />
      <input
        className="input input-sm"
        type="date"
        value={value.to ?? ''}
        min={value.from ?? undefined}
        onChange={(e) => onChange({ ...value, to: e.target.value || null })}
        data-testid="run-filter-to"
        aria-label="Logical date to (UTC day, inclusive)"
        aria-invalid={error ? true : undefined}
      />
      {isFiltered(value) || value.from || value.to ? (
        <button type="button" className="btn btn-sm" onClick={() => onChange(NO_RUN_FILTER)} data-testid="run-filter-clear">
          Clear filters
        </button>
      ) : null}
      {error ? (
        <span className="field-error small" role="alert" data-testid="run-filter-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}
