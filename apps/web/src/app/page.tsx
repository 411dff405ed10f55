'use client';
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { request, subscribe } from '@/lib/graphql';
import { DAGS, PAUSE, RUN_UPDATED, TRIGGER, UNPAUSE, type DagSummary } from '@/lib/operations';
import { getToken } from '@/lib/session';
import { fmt, Shell, StateCell } from './shell';

export default function DagListPage() {
  const [dags, setDags] = useState<DagSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    request(DAGS)
      .then((d) => setDags(d.dags.edges.map((e) => e.node)))
      .catch((e: Error) => setError(e.message));
  }, []);

  useEffect(() => {
    if (!getToken()) return;
    load();
    // Live: any run of the tenant changing state patches the list in place.
    return subscribe(RUN_UPDATED, { dagId: null }, ({ dagRunUpdated: run }) => {
      setDags((current) =>
        current?.map((d) => {
          if (d.dagId !== run.dagId) return d;
          const others = d.recentRuns.filter((r) => r.id !== run.id);
          const recentRuns = [run, ...others].sort((a, b) => b.logicalDate.localeCompare(a.logicalDate)).slice(0, 12);
          return { ...d, recentRuns };
        }) ?? null,
      );
    });
  }, [load]);

  async function act(dag: DagSummary, what: 'trigger' | 'pause') {
    try {
      if (what === 'trigger') await request(TRIGGER, { dagId: dag.dagId });
      else {
        const res = dag.paused ? (await request(UNPAUSE, { dagId: dag.dagId })).unpauseDag : (await request(PAUSE, { dagId: dag.dagId })).pauseDag;
        setDags((cur) => cur?.map((d) => (d.dagId === res.dagId ? { ...d, paused: res.paused } : d)) ?? null);
      }
      if (what === 'trigger') load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <Shell>
      <div className="titlebar">
        <h2>DAGs</h2>
        <span className="muted">{dags ? `${dags.length} DAG${dags.length === 1 ? '' : 's'}` : ''}</span>
      </div>
      {error ? <div className="error">{error}</div> : null}
      {!dags ? (
        <div className="loading">
          <span className="spinner" /> Loading…
        </div>
      ) : dags.length === 0 ? (
        <div className="empty">No DAGs yet. Create one with the <code>upsertDag</code> mutation.</div>
      ) : (
        <table className="grid" data-testid="dag-list">
          <thead>
            <tr>
              <th>DAG</th>
              <th>Schedule</th>
              <th>Next run</th>
              <th>Recent runs</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {dags.map((dag) => (
              <tr key={dag.dagId} data-testid={`dag-row-${dag.dagId}`} className={dag.paused ? 'paused' : ''}>
                <td>
                  <Link href={`/dags/${encodeURIComponent(dag.dagId)}`} className="dag-link">
                    {dag.dagId}
                  </Link>
                  {dag.paused ? <span className="badge">paused</span> : null}
                  {dag.tags.map((t) => (
                    <span key={t} className="tag">
                      {t}
                    </span>
                  ))}
                  {dag.description ? <div className="muted small">{dag.description}</div> : null}
                </td>
                <td>
                  <code>{dag.schedule ?? 'manual'}</code>
                  <div className="muted small">{dag.timezone}</div>
                </td>
                <td className="small">{dag.paused ? '—' : fmt(dag.nextDagRunDueAt)}</td>
                <td>
                  <div className="runs">
                    {[...dag.recentRuns].reverse().map((r) => (
                      <StateCell key={r.id} state={r.state} testId={`recent-${r.id}`} title={`${r.runId}: ${r.state}`} />
                    ))}
                  </div>
                </td>
                <td className="actions">
                  <button data-testid={`trigger-${dag.dagId}`} onClick={() => act(dag, 'trigger')}>
                    ▶ Trigger
                  </button>
                  <button data-testid={`pause-${dag.dagId}`} className="secondary" onClick={() => act(dag, 'pause')}>
                    {dag.paused ? 'Unpause' : 'Pause'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Shell>
  );
}
