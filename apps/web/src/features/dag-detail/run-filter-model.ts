/**
 * The DAG page's run filters (state, run type, a range of logical dates in UTC days) and the
 * `dagRuns` arguments they become: the API filters, so the grid's count and paging stay exact.
 * Pure: no React.
 */
import type { DagRunState, RunType } from '@/lib/graphql/operations';

export interface RunFilterValue {
  state: DagRunState | null;
  runType: RunType | null;
  /** First day shown (YYYY-MM-DD, UTC), inclusive. */
  from: string | null;
  /** Last day shown (YYYY-MM-DD, UTC), inclusive. */
  to: string | null;
}

export const NO_RUN_FILTER: RunFilterValue = { state: null, runType: null, from: null, to: null };

export interface RunFilterVariables {
  state: DagRunState | null;
  runType: RunType | null;
  logicalDateFrom: string | null;
  logicalDateTo: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function dayStart(day: string | null): Date | null {
  if (!day || !DAY.test(day)) return null;
  const date = new Date(`${day}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The range problem to say beside the dates, or null. */
export function runFilterError(value: RunFilterValue): string | null {
  const from = dayStart(value.from);
  const to = dayStart(value.to);
  return from && to && from > to ? 'The first day is after the last day.' : null;
}

/** `dagRuns` arguments: [from 00:00 UTC, the day after `to` 00:00 UTC); an invalid range filters nothing by date. */
export function runFilterVariables(value: RunFilterValue): RunFilterVariables {
  const from = dayStart(value.from);
  const to = dayStart(value.to);
  const valid = !(from && to && from > to);
  return {
    state: value.state,
    runType: value.runType,
    logicalDateFrom: valid && from ? from.toISOString() : null,
    logicalDateTo: valid && to ? new Date(to.getTime() + 86_400_000).toISOString() : null,
  };
}

export function isFiltered(value: RunFilterValue): boolean {
  const v = runFilterVariables(value);
  return Boolean(v.state || v.runType || v.logicalDateFrom || v.logicalDateTo);
}
