'use client';

/**
 * Loads a DAG, its runs and their task instances, then keeps them current from pushed events:
 * `dagRunUpdated(dagId)` for the runs and `taskInstanceUpdated(runId)` for every run on screen.
 * No polling: queries run at load, on events (to fill what an event does not carry) and after the
 * live connection comes back.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { toApiError, type ApiError } from '@/lib/graphql/errors';
import {
  DagQuery,
  DagRunQuery,
  DagRunsQuery,
  DagRunUpdatedSubscription,
  TaskInstanceUpdatedSubscription,
  type DagDetail,
  type DagHeader,
  type DagRun,
} from '@/lib/graphql/operations';
import { isTerminalRunState } from '@/lib/states';
import { dagLiveReducer, initialDagLiveState, sortedRuns, taskColumns } from './dag-live-state';

export const RUN_PAGE_SIZE = 25;
/** Lets a burst of events for one run settle into a single refetch. */
const RUN_REFETCH_DELAY_MS = 150;
/** A new subscription is not live the instant it is sent: re-read the run once it surely is. */
const AFTER_SUBSCRIBE_REFETCH_MS = 600;
const HEADER_REFRESH_DELAY_MS = 1_000;

export function useDagLive(dagId: string) {
  const { request, subscribe, onReconnect } = useGraphQL();
  const [state, dispatch] = useReducer(dagLiveReducer, initialDagLiveState);
  const [dag, setDag] = useState<DagDetail | null>(null);
  const [dagError, setDagError] = useState<ApiError | null>(null);
  const [runsError, setRunsError] = useState<ApiError | null>(null);
  const [runsLoaded, setRunsLoaded] = useState(false);
  const [hasOlderRuns, setHasOlderRuns] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [totalRuns, setTotalRuns] = useState<number | null>(null);

  const seq = useRef(0);
  const stateRef = useRef(state);
  const endCursor = useRef<string | null>(null);
  const runTimers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const headerTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const mounted = useRef(true);

  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  useEffect(() => {
    mounted.current = true;
    const timers = runTimers.current;
    return () => {
      mounted.current = false;
      timers.forEach(clearTimeout);
      timers.clear();
      if (headerTimer.current) clearTimeout(headerTimer.current);
    };
  }, []);

  const loadDag = useCallback(async () => {
    try {
      const { dag: loaded } = await request(DagQuery, { dagId });
      if (!mounted.current) return;
      setDag(loaded);
      setDagError(null);
    } catch (err) {
      if (mounted.current) setDagError(toApiError(err));
    }
  }, [request, dagId]);

  const loadRuns = useCallback(async () => {
    const sinceSeq = seq.current;
    const first = Math.max(RUN_PAGE_SIZE, Object.keys(stateRef.current.runs).length);
    try {
      const { dagRuns } = await request(DagRunsQuery, { dagId, first });
      if (!mounted.current) return;
      dispatch({ type: 'runs-snapshot', runs: dagRuns.edges.map((e) => e.node), sinceSeq, replace: true });
      endCursor.current = dagRuns.pageInfo.endCursor;
      setHasOlderRuns(dagRuns.pageInfo.hasNextPage);
      setTotalRuns(dagRuns.totalCount);
      setRunsError(null);
    } catch (err) {
      if (mounted.current) setRunsError(toApiError(err));
    } finally {
      if (mounted.current) setRunsLoaded(true);
    }
  }, [request, dagId]);

  const loadOlderRuns = useCallback(async () => {
    if (!endCursor.current) return;
    const sinceSeq = seq.current;
    setLoadingOlder(true);
    try {
      const { dagRuns } = await request(DagRunsQuery, { dagId, first: RUN_PAGE_SIZE, after: endCursor.current });
      if (!mounted.current) return;
      dispatch({ type: 'runs-snapshot', runs: dagRuns.edges.map((e) => e.node), sinceSeq, replace: false });
      endCursor.current = dagRuns.pageInfo.endCursor;
      setHasOlderRuns(dagRuns.pageInfo.hasNextPage);
    } catch (err) {
      if (mounted.current) setRunsError(toApiError(err));
    } finally {
      if (mounted.current) setLoadingOlder(false);
    }
  }, [request, dagId]);

  /** Re-reads one run with its task instances, coalescing calls that come close together. */
  const refetchRun = useCallback(
    (id: string, delayMs = RUN_REFETCH_DELAY_MS) => {
      const timers = runTimers.current;
      const pending = timers.get(id);
      if (pending) clearTimeout(pending);
      timers.set(
        id,
        setTimeout(async () => {
          timers.delete(id);
          const sinceSeq = seq.current;
          try {
            const { dagRun } = await request(DagRunQuery, { id });
            if (mounted.current) dispatch({ type: 'run-snapshot', run: dagRun, sinceSeq });
          } catch (err) {
            console.warn(`refetching run ${id} failed:`, toApiError(err).message);
          }
        }, delayMs),
      );
    },
    [request],
  );

  const refreshHeaderSoon = useCallback(() => {
    if (headerTimer.current) clearTimeout(headerTimer.current);
    headerTimer.current = setTimeout(() => void loadDag(), HEADER_REFRESH_DELAY_MS);
  }, [loadDag]);

  /** Applies a run as an event (from a subscription or a mutation's answer). */
  const applyRun = useCallback(
    (run: DagRun) => {
      if (run.dagId !== dagId) return;
      dispatch({ type: 'run-event', run, seq: ++seq.current });
      refetchRun(run.id);
    },
    [dagId, refetchRun],
  );

  // Initial load, and a fresh start when the DAG changes.
  useEffect(() => {
    dispatch({ type: 'reset' });
    setDag(null);
    setRunsLoaded(false);
    void loadDag();
    void loadRuns();
  }, [loadDag, loadRuns]);

  useEffect(
    () =>
      subscribe(
        DagRunUpdatedSubscription,
        { dagId },
        {
          next: ({ dagRunUpdated }) => {
            applyRun(dagRunUpdated);
            refreshHeaderSoon();
          },
          error: (err) => console.warn('dagRunUpdated subscription ended:', err.code, err.message),
        },
      ),
    [subscribe, dagId, applyRun, refreshHeaderSoon],
  );

  const runs = useMemo(() => sortedRuns(state), [state]);
  const runIdsKey = runs.map((run) => run.id).join(',');

  // One taskInstanceUpdated subscription per run on screen, added and removed as runs come and go.
  const tiSubscriptions = useRef(new Map<string, () => void>());
  useEffect(() => {
    const wanted = new Set(runIdsKey ? runIdsKey.split(',') : []);
    const active = tiSubscriptions.current;
    for (const [id, unsubscribe] of active) {
      if (!wanted.has(id)) {
        unsubscribe();
        active.delete(id);
      }
    }
    for (const id of wanted) {
      if (active.has(id)) continue;
      active.set(
        id,
        subscribe(
          TaskInstanceUpdatedSubscription,
          { runId: id },
          {
            next: ({ taskInstanceUpdated }) => dispatch({ type: 'ti-event', ti: taskInstanceUpdated, seq: ++seq.current }),
            error: (err) => console.warn(`taskInstanceUpdated(${id}) ended:`, err.code, err.message),
          },
        ),
      );
      const run = stateRef.current.runs[id];
      if (!run || !isTerminalRunState(run.state)) refetchRun(id, AFTER_SUBSCRIBE_REFETCH_MS);
    }
  }, [runIdsKey, subscribe, refetchRun]);

  useEffect(() => {
    const active = tiSubscriptions.current;
    return () => {
      active.forEach((unsubscribe) => unsubscribe());
      active.clear();
    };
  }, [subscribe]);

  // Events sent while the connection was down are lost: re-read everything.
  useEffect(
    () =>
      onReconnect(() => {
        void loadDag();
        void loadRuns();
      }),
    [onReconnect, loadDag, loadRuns],
  );

  const columns = useMemo(() => taskColumns(dag?.taskIds ?? [], state), [dag?.taskIds, state]);

  const patchDag = useCallback((header: DagHeader) => setDag((prev) => (prev ? { ...prev, ...header } : prev)), []);

  return {
    dag,
    dagError,
    runs,
    taskInstances: state.tis,
    columns,
    runsLoaded,
    runsError,
    totalRuns,
    hasOlderRuns,
    loadingOlder,
    loadOlderRuns,
    reload: () => {
      void loadDag();
      void loadRuns();
    },
    patchDag,
    applyRun,
  };
}
