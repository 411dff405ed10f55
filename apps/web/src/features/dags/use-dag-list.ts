'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { toApiError, type ApiError } from '@/lib/graphql/errors';
import { DagRunUpdatedSubscription, DagsQuery, type DagHeader, type DagListItem, type DagRun } from '@/lib/graphql/operations';

export const PAGE_SIZE = 100;
export const RECENT_RUNS = 14;
/** Coalesces a burst of run events (a run moving queued → running → success) into one refetch. */
const REFRESH_DEBOUNCE_MS = 1_000;

function byNewest(a: DagRun, b: DagRun): number {
  return b.logicalDate.localeCompare(a.logicalDate) || b.queuedAt.localeCompare(a.queuedAt);
}

/** Puts a run into its DAG's recent runs (replacing the older copy), newest first. */
export function withRun(dags: DagListItem[], run: DagRun): DagListItem[] {
  return dags.map((dag) =>
    dag.dagId !== run.dagId ? dag : { ...dag, recentRuns: [run, ...dag.recentRuns.filter((r) => r.id !== run.id)].sort(byNewest).slice(0, RECENT_RUNS) },
  );
}

export function useDagList() {
  const { request, subscribe, onReconnect } = useGraphQL();
  const [dags, setDags] = useState<DagListItem[] | null>(null);
  const [totalCount, setTotalCount] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const { dags: page } = await request(DagsQuery, { first: PAGE_SIZE, recentRuns: RECENT_RUNS });
      if (mine !== generation.current) return; // a newer load won
      setDags(page.edges.map((edge) => edge.node));
      setTotalCount(page.totalCount);
      setError(null);
    } catch (err) {
      if (mine === generation.current) setError(toApiError(err));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [request]);

  const scheduleRefresh = useCallback(() => {
    if (refreshTimer.current) clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(() => void load(), REFRESH_DEBOUNCE_MS);
  }, [load]);

  useEffect(() => {
    void load();
    return () => {
      generation.current++;
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
    };
  }, [load]);

  // Patch the run in place at once, then refetch for what the event does not carry (next run…).
  useEffect(
    () =>
      subscribe(
        DagRunUpdatedSubscription,
        { dagId: null },
        {
          next: ({ dagRunUpdated }) => {
            setDags((prev) => (prev ? withRun(prev, dagRunUpdated) : prev));
            scheduleRefresh();
          },
          error: (err) => console.warn('dagRunUpdated subscription ended:', err.code, err.message),
        },
      ),
    [subscribe, scheduleRefresh],
  );

  useEffect(() => onReconnect(() => void load()), [onReconnect, load]);

  const patchDag = useCallback((header: DagHeader) => {
    setDags((prev) => prev?.map((dag) => (dag.dagId === header.dagId ? { ...dag, ...header } : dag)) ?? prev);
  }, []);

  const addRun = useCallback((run: DagRun) => setDags((prev) => (prev ? withRun(prev, run) : prev)), []);

  return { dags, totalCount, error, loading, reload: load, patchDag, addRun };
}
