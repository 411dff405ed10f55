'use client';
import { useParams } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { request, subscribe } from '@/lib/graphql';
import { DAG, DAG_RUNS, PAUSE, RUN_UPDATED, TI_UPDATED, TRIGGER, UNPAUSE, type DagSummary, type RunSummary, type TaskInstance } from '@/lib/operations';
import { getToken } from '@/lib/session';
import { fmt, Shell, StateCell } from '../../shell';

type Run = RunSummary & { taskInstances: TaskInstance[] };

export default function DagPage() {
  const { dagId } = useParams<{ dagId: string }>();
  const id = decodeURIComponent(dagId);
  const [dag, setDag] = useState<(DagSummary & { taskIds: string[]; latestVersion: number }) | null>(null);
  const [runs, setRuns] = useState<Run[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const subscribed = useRef(new Map<string, () => void>());

  const loadRuns = useCallback(() => {
    request(DAG_RUNS, { dagId: id })
      .then((d) => setRuns(d.dagRuns.edges.map((e) => e.node)))
      .catch((e: Error) => setError(e.message));
  }, [id]);

  useEffect(() => {
    if (!getToken()) return;
    request(DAG, { dagId: id })
      .then((d) => setDag(d.dag))
      .catch((e: Error) => setError(e.message));
    loadRuns();
    const stopRuns = subscribe(RUN_UPDATED, { dagId: id }, ({ dagRunUpdated: run }) => {
      setRuns((current) => {
        if (!current.some((r) => r.id === run.id)) {
          // A new run: fetch it with its task instances (its task subscription starts below).
          loadRuns();
          return current;
        }
        return current.map((r) => (r.id === run.id ? { ...r, ...run } : r));
      });
    });
    const subs = subscribed.current;
    return () => {
      stopRuns();
      for (const stop of subs.values()) stop();
      subs.clear();
    };
  }, [id, loadRuns]);

  // One task-instance subscription per visible run; after subscribing, refetch once so no
  // transition between the first load and the subscription is missed.
  useEffect(() => {
    let added = false;
    for (const run of runs) {
      if (subscribed.current.has(run.id)) continue;
      added = true;
      subscribed.current.set(
        run.id,
        subscribe(TI_UPDATED, { runId: run.id }, ({ taskInstanceUpdated: ti }) => {
          setRuns((current) =>
            current.map((r) => (r.id === ti.dagRunId ? { ...r, taskInstances: r.taskInstances.map((t) => (t.id === ti.id ? { ...t, ...ti } : t)) } : r)),
          );
        }),
      );
    }
    if (added) {
      const t = setTimeout(loadRuns, 300);
      return () => clearTimeout(t);
    }
  }, [runs, loadRuns]);

  async function trigger() {
    try {
      await request(TRIGGER, { dagId: id });
      loadRuns();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function togglePause() {
    if (!dag) return;
    try {
      const res = dag.paused ? (await request(UNPAUSE, { dagId: id })).unpauseDag : (await request(PAUSE, { dagId: id })).pauseDag;
      setDag({ ...dag, paused: res.paused });
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const taskIds = dag?.taskIds ?? [];
  const current = runs.find((r) => r.id === selected) ?? null;
  return (
    <Shell>
      <div className="titlebar">
        <h2>
          {id} {dag?.paused ? <span className="badge">paused</span> : null}
        </h2>
        <div className="actions">
          <button data-testid={`trigger-${id}`} onClick={trigger}>
            ▶ Trigger
          </button>
          <button data-testid={`pause-${id}`} className="secondary" onClick={togglePause}>
            {dag?.paused ? 'Unpause' : 'Pause'}
          </button>
        </div>
      </div>
      {dag ? (
        <p className="muted">
          {dag.description ?? ''} · schedule <code>{dag.schedule ?? 'manual'}</code> ({dag.timezone}) · next run {dag.paused ? '—' : fmt(dag.nextDagRunDueAt)} · version {dag.latestVersion}
        </p>
      ) : null}
      {error ? <div className="error">{error}</div> : null}
      <div className="split">
        <table className="grid runs-grid">
          <thead>
            <tr>
              <th>Run</th>
              <th>State</th>
              <th>Logical date</th>
              {taskIds.map((t) => (
                <th key={t} className="task-col" title={t}>
                  <span>{t}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {runs.length === 0 ? (
              <tr>
                <td colSpan={3 + taskIds.length} className="muted">
                  No runs yet.
                </td>
              </tr>
            ) : null}
            {runs.map((run) => (
              <tr key={run.id} data-testid={`run-row-${run.id}`} data-state={run.state} className={run.id === selected ? 'selected' : ''} onClick={() => setSelected(run.id)}>
                <td className="small">
                  <code>{run.runId}</code>
                </td>
                <td>
                  <span className={`pill state-${run.state}`}>{run.state}</span>
                </td>
                <td className="small">{fmt(run.logicalDate)}</td>
                {taskIds.map((taskId) => {
                  const ti = run.taskInstances.find((t) => t.taskId === taskId);
                  return (
                    <td key={taskId}>
                      <StateCell state={ti?.state ?? 'none'} testId={`ti-${run.id}-${taskId}`} title={`${taskId}: ${ti?.state ?? 'none'} (try ${ti?.tryNumber ?? 0})`} />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        {current ? (
          <aside className="panel" data-testid="run-detail">
            <h3>{current.runId}</h3>
            <p className="muted small">
              {current.state} · started {fmt(current.startedAt)} · ended {fmt(current.endedAt)}
            </p>
            <table className="grid">
              <thead>
                <tr>
                  <th>Task</th>
                  <th>State</th>
                  <th>Try</th>
                  <th>Started</th>
                  <th>Ended</th>
                </tr>
              </thead>
              <tbody>
                {current.taskInstances.map((ti) => (
                  <tr key={ti.id}>
                    <td>
                      {ti.taskId} <span className="muted small">{ti.operator}</span>
                    </td>
                    <td>
                      <span className={`pill state-${ti.state}`}>{ti.state}</span>
                    </td>
                    <td>
                      {ti.tryNumber}/{ti.maxTries}
                    </td>
                    <td className="small">{fmt(ti.startedAt)}</td>
                    <td className="small">{fmt(ti.endedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </aside>
        ) : null}
      </div>
    </Shell>
  );
}
