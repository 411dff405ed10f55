'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { DateTimeText } from '@/components/date-time';
import { ErrorBanner } from '@/components/error-banner';
import { Spinner } from '@/components/spinner';
import { formatRelative } from '@/lib/format';
import type { DagListItem } from '@/lib/graphql/operations';
import { useNow } from '@/lib/use-now';
import { PauseToggle, TriggerButton } from './dag-actions';
import { RecentRuns } from './recent-runs';
import { PAGE_SIZE, useDagList } from './use-dag-list';

type PausedFilter = 'all' | 'active' | 'paused';

function matches(dag: DagListItem, query: string, paused: PausedFilter): boolean {
  if (paused === 'active' && dag.paused) return false;
  if (paused === 'paused' && !dag.paused) return false;
  if (!query) return true;
  const q = query.toLowerCase();
  return dag.dagId.toLowerCase().includes(q) || (dag.description ?? '').toLowerCase().includes(q) || dag.tags.some((t) => t.toLowerCase().includes(q));
}

export function DagListPage() {
  const { dags, totalCount, error, loading, reload, patchDag, addRun } = useDagList();
  const [query, setQuery] = useState('');
  const [paused, setPaused] = useState<PausedFilter>('all');
  const now = useNow(30_000);

  const visible = useMemo(() => dags?.filter((dag) => matches(dag, query, paused)) ?? [], [dags, query, paused]);
  const counts = useMemo(
    () => ({ all: dags?.length ?? 0, active: dags?.filter((d) => !d.paused).length ?? 0, paused: dags?.filter((d) => d.paused).length ?? 0 }),
    [dags],
  );

  return (
    <main className="page">
      <div className="page-head">
        <div>
          <h1>DAGs</h1>
          <p className="page-sub">Pipelines of your organisation, with their latest runs. Updates live.</p>
        </div>
        <div className="toolbar">
          <div className="segmented" role="tablist" aria-label="Filter by status">
            {(['all', 'active', 'paused'] as const).map((key) => (
              <button
                key={key}
                type="button"
                role="tab"
                aria-selected={paused === key}
                className={paused === key ? 'active' : undefined}
                onClick={() => setPaused(key)}
                data-testid={`filter-${key}`}
              >
                {key[0].toUpperCase() + key.slice(1)} <span className="count">{counts[key]}</span>
              </button>
            ))}
          </div>
          <input
            className="input search"
            type="search"
            placeholder="Search DAGs or tags…"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="dag-search"
            aria-label="Search DAGs"
          />
        </div>
      </div>

      {error ? <ErrorBanner error={error} onRetry={() => void reload()} /> : null}

      {dags === null ? (
        loading ? (
          <div className="panel panel-empty">
            <Spinner label="Loading DAGs…" />
          </div>
        ) : null
      ) : dags.length === 0 ? (
        <div className="panel panel-empty" data-testid="dag-list-empty">
          <h2>No DAGs yet</h2>
          <p>
            Create one through the API with the <code>upsertDag(spec: JSON!)</code> mutation; it shows up here.
          </p>
        </div>
      ) : (
        <div className="panel panel-scroll">
          <table className="table dag-table" data-testid="dag-list">
            <thead>
              <tr>
                <th className="col-toggle" aria-label="Active" />
                <th>DAG</th>
                <th>Tags</th>
                <th>Schedule</th>
                <th>Next run</th>
                <th>Recent runs</th>
                <th className="col-actions" aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {visible.map((dag) => (
                <tr key={dag.id} data-testid={`dag-row-${dag.dagId}`} data-paused={dag.paused} className={dag.paused ? 'is-paused' : undefined}>
                  <td className="col-toggle">
                    <PauseToggle dag={dag} onChanged={patchDag} showLabel={false} />
                  </td>
                  <td className="col-dag">
                    <Link href={`/dags/${encodeURIComponent(dag.dagId)}`} className="dag-link" data-testid={`dag-link-${dag.dagId}`}>
                      {dag.dagId}
                    </Link>
                    {dag.paused ? (
                      <span className="badge badge-paused" data-testid={`paused-badge-${dag.dagId}`}>
                        paused
                      </span>
                    ) : null}
                    {dag.description ? <div className="dag-description">{dag.description}</div> : null}
                  </td>
                  <td>
                    <div className="tags">
                      {dag.tags.map((tag) => (
                        <button key={tag} type="button" className="tag" onClick={() => setQuery(tag)} title={`Filter by ${tag}`}>
                          {tag}
                        </button>
                      ))}
                    </div>
                  </td>
                  <td className="col-schedule">
                    {dag.schedule ? <code className="cron">{dag.schedule}</code> : <span className="muted">manual</span>}
                    <div className="tz">{dag.timezone}</div>
                  </td>
                  <td className="col-next">
                    {dag.nextDagRunLogicalDate && !dag.paused ? (
                      <>
                        <DateTimeText value={dag.nextDagRunLogicalDate} />
                        {dag.nextDagRunDueAt ? <div className="muted small">due {formatRelative(dag.nextDagRunDueAt, now)}</div> : null}
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    <RecentRuns dagId={dag.dagId} runs={dag.recentRuns} />
                  </td>
                  <td className="col-actions">
                    <TriggerButton dagId={dag.dagId} onTriggered={addRun} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {visible.length === 0 ? <div className="table-note">No DAG matches the filter.</div> : null}
          {totalCount > dags.length ? (
            <div className="table-note">
              Showing the first {PAGE_SIZE} of {totalCount} DAGs.
            </div>
          ) : null}
        </div>
      )}
    </main>
  );
}
