'use client';

import type { DagRunState } from '@/lib/graphql/operations';

const STATES: DagRunState[] = ['queued', 'running', 'success', 'failed', 'canceled'];

/** Run filter by state (the API filters, so counts and paging stay exact). */
export function RunFilter({ value, onChange }: { value: DagRunState | null; onChange: (v: DagRunState | null) => void }) {
  return (
    <label className="run-filter">
      <span className="visually-hidden">Show runs in state</span>
      <select
        className="input input-sm"
        value={value ?? ''}
        onChange={(e) => onChange((e.target.value || null) as DagRunState | null)}
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
    </label>
  );
}
