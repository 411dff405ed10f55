'use client';

/**
 * Loads a DAG and, page by page, the runs the grid shows (25 runs with their task instances per
 * page, fetched by offset when rows scroll into view, so the oldest of 10,000 runs is one request
 * away), then keeps them current from pushed events: `dagRunUpdated(dagId)` for the runs and
 * `taskInstanceUpdated(runId)` for every unfinished run loaded. No polling: queries run at load, on
 * events (to fill what an event does not carry) and after the live connection comes back.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { toApiError, type ApiError } from '@/lib/graphql/errors';
import {
  DagPageQuery,
  DagQuery,
  DagRunQuery,
  DagRunsQuery,
  DagRunUpdatedSubscription,
  TaskInstanceUpdatedSubscription,
  type DagDetail,
  type DagHeader,
  type DagRun,
  type ResultOf,
} from '@/lib/graphql/operations';
import { isTerminalRunState } from '@/lib/states';
import { dagLiveReducer, initialDagLiveState, taskColumns } from './dag-live-state';
import type { RunFilterVariables } from './run-filter-model';

type DagRunsPage = ResultOf<typeof DagRunsQuery>['dagRuns'];

export const RUN_PAGE_SIZE = 25;
/** Lets a burst of events for one run settle into a single refetch. */
const RUN_REFETCH_DELAY_MS = 150;
/**
 * A new subscription is not live the instant it is sent (graphql-ws does not acknowledge one): the
 * run is re-read once it surely is. On a loaded box "surely" can take seconds (the acceptance test
 * saw a task's `running` fall in that gap), so it is re-read three times while unfinished — a
 * bounded catch-up after subscribing, not polling.
 */
const AFTER_SUBSCRIBE_REFETCH_MS = [600, 3_000, 10_000];
const HEADER_REFRESH_DELAY_MS = 1_000;

const NO_FILTER: RunFilterVariables = { state: null, runType: null, logicalDateFrom: null, logicalDateTo: null };

/** `filter` must keep its identity while unchanged (memoise it): a new one reloads the grid. */
export function useDagLive(dagId: string, filter: RunFilterVariables = NO_FILTER) {
  const { request, subscribe, onReconnect } = useGraphQL();
  const [state, dispatch] = useReducer(dagLiveReducer, initialDagLiveState);
  const [dag, setDag] = useState<DagDetail | null>(null);
  const [dagError, setDagError] = useState<ApiError | null>(null);
  const [runsError, setRunsError] = useState<ApiError | null>(null);
  const [runsLoaded, setRunsLoaded] = useState(false);
  const [totalRuns, setTotalRuns] = useState<number | null>(null);
  /** page number → run ids (DagRun.id) at offsets page*RUN_PAGE_SIZE… */
  const [pages, setPages] = useState<Record<number, string[]>>({});
  /**
   * Page requests of the current DAG and filter: `inFlight`, and `again` (pages asked for again
   * while their request was in flight: the answer may predate the reason). A new filter starts a new
   * lane, and an answer from an older lane is dropped (it lists the runs of the old filter).
   */
  const lane = useRef({ inFlight: new Set<number>(), again: new Set<number>() });
  const pagesRef = useRef(pages);
  pagesRef.current = pages;

  const seq = useRef(0);
  const stateRef = useRef(state);
  const runTimers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const catchUpTimers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const headerTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const mounted = useRef(true);

  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  useEffect(() => {
    mounted.current = true;
    const timers = runTimers.current;
    const catchUps = catchUpTimers.current;
    return () => {
      mounted.current = false;
      timers.forEach(clearTimeout);
      catchUps.forEach(clearTimeout);
      catchUps.clear();
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

  /** A page of runs as read at `sinceSeq`, into the merged state. */
  const applyPage = useCallback((page: number, dagRuns: DagRunsPage, sinceSeq: number) => {
    const nodes = dagRuns.edges.map((e) => e.node);
    dispatch({ type: 'runs-snapshot', runs: nodes, sinceSeq, replace: false });
    setPages((prev) => ({ ...prev, [page]: nodes.map((n) => n.id) }));
    setTotalRuns(dagRuns.totalCount);
    setRunsError(null);
  }, []);

  const loadPage = useCallback(
    async (page: number) => {
      const current = lane.current;
      if (current.inFlight.has(page)) {
        current.again.add(page);
        return;
      }
      current.inFlight.add(page);
      const live = () => mounted.current && lane.current === current;
      const sinceSeq = seq.current;
      try {
        const { dagRuns } = await request(DagRunsQuery, { dagId, ...filter, first: RUN_PAGE_SIZE, offset: page * RUN_PAGE_SIZE });
        if (live()) applyPage(page, dagRuns, sinceSeq);
      } catch (err) {
        if (live()) setRunsError(toApiError(err));
      } finally {
        current.inFlight.delete(page);
        if (live() && page === 0) setRunsLoaded(true);
        if (live() && current.again.delete(page)) void loadPage(page);
      }
    },
    [request, dagId, filter, applyPage],
  );

  /**
   * The first screen: the DAG and the first page of runs in one request (one render for both).
   * On an error each is read alone, so each part says its own (a missing DAG, or runs that fail).
   */
  const loadFirstScreen = useCallback(async () => {
    const current = lane.current;
    if (current.inFlight.has(0)) {
      current.again.add(0);
      return;
    }
    current.inFlight.add(0);
    const live = () => mounted.current && lane.current === current;
    const sinceSeq = seq.current;
    let failed = false;
    try {
      const { dag: loaded, dagRuns } = await request(DagPageQuery, { dagId, ...filter, first: RUN_PAGE_SIZE, offset: 0 });
      if (live()) {
        setDag(loaded);
        setDagError(null);
        applyPage(0, dagRuns, sinceSeq);
      }
    } catch {
      failed = true;
    } finally {
      current.inFlight.delete(0);
      if (live() && !failed) setRunsLoaded(true);
      if (live() && failed) {
        current.again.delete(0);
        void loadDag();
        void loadPage(0);
      } else if (live() && current.again.delete(0)) void loadPage(0);
    }
  }, [request, dagId, filter, applyPage, loadDag, loadPage]);

  /** Re-reads page 0 and every page loaded so far (after a reconnect or a new run shifted offsets). */
  const loadRuns = useCallback(async () => {
    const loaded = Object.keys(pagesRef.current).map(Number);
    await Promise.all([...new Set([0, ...loaded])].map((p) => loadPage(p)));
  }, [loadPage]);

  /** The grid asks for the rows it shows; missing pages are fetched. */
  const ensureRows = useCallback(
    (first: number, last: number) => {
      for (let p = Math.floor(first / RUN_PAGE_SIZE); p <= Math.floor(last / RUN_PAGE_SIZE); p++) {
        if (!pagesRef.current[p]) void loadPage(p);
      }
    },
    [loadPage],
  );

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
      const isNew = !stateRef.current.runs[run.id];
      dispatch({ type: 'run-event', run, seq: ++seq.current });
      refetchRun(run.id);
      // A new run shifts every offset by one: re-read the first page (where it lands) for order and count.
      if (isNew) void loadPage(0);
    },
    [dagId, refetchRun, loadPage],
  );

  // Initial load, and a fresh start when the DAG or the filter changes.
  useEffect(() => {
    lane.current = { inFlight: new Set(), again: new Set() };
    dispatch({ type: 'reset' });
    setDag(null);
    setRunsLoaded(false);
    setPages({});
    pagesRef.current = {};
    void loadFirstScreen();
  }, [loadFirstScreen]);

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

  // One taskInstanceUpdated subscription per unfinished run loaded (finished runs change only after
  // a clear, which a dagRunUpdated event announces: the run is refetched and subscribed again).
  const runIdsKey = Object.values(state.runs)
    .filter((run) => !isTerminalRunState(run.state))
    .map((run) => run.id)
    .sort()
    .join(',');

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
      for (const delay of AFTER_SUBSCRIBE_REFETCH_MS) {
        const timer = setTimeout(() => {
          catchUpTimers.current.delete(timer);
          const current = stateRef.current.runs[id];
          if (active.has(id) && (!current || !isTerminalRunState(current.state))) refetchRun(id, 0);
        }, delay);
        catchUpTimers.current.add(timer);
      }
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

  const runAt = useCallback(
    (index: number): DagRun | null => {
      const id = pages[Math.floor(index / RUN_PAGE_SIZE)]?.[index % RUN_PAGE_SIZE];
      return id ? (state.runs[id] ?? null) : null;
    },
    [pages, state.runs],
  );
  const newestRun = runAt(0);

  return {
    dag,
    dagError,
    runAt,
    runById: state.runs,
    newestRun,
    ensureRows,
    taskInstances: state.tis,
    columns,
    runsLoaded,
    runsError,
    totalRuns: totalRuns ?? 0,
    reload: () => {
      void loadDag();
      void loadRuns();
    },
    patchDag,
    applyRun,
  };
}
