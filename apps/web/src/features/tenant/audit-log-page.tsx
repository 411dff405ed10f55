'use client';

import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { DateTimeText } from '@/components/date-time';
import { ErrorBanner } from '@/components/error-banner';
import { Spinner } from '@/components/spinner';
import { toApiErrorFromCombined } from '@/lib/graphql/client';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { AuditLogQuery } from '@/lib/graphql/operations-tenant';

const PAGE = 200;

/**
 * Every mutation of the organisation, newest first. The API pages but does not filter, so the
 * filters apply to the loaded entries (200 at a time; "Load more" fetches the next page).
 */
export function AuditLogPage() {
  const { endpoints } = useGraphQL();
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, fetching, error }, reexecute] = useQuery({ query: AuditLogQuery, variables: { first: PAGE, after } });
  const [pages, setPages] = useState<Record<string, NonNullable<typeof data>['auditLog']['edges']>>({});
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [target, setTarget] = useState('');

  const key = after ?? '';
  const allPages = useMemo(() => ({ ...pages, ...(data ? { [key]: data.auditLog.edges } : {}) }), [pages, data, key]);
  const entries = useMemo(
    () =>
      Object.values(allPages)
        .flat()
        .map((e) => e.node),
    [allPages],
  );
  const filtered = entries.filter(
    (e) =>
      (!actor || `${e.actorType}:${e.actorId ?? ''}`.toLowerCase().includes(actor.toLowerCase())) &&
      (!action || e.action.toLowerCase().includes(action.toLowerCase())) &&
      (!target || `${e.targetType ?? ''}:${e.targetId ?? ''}`.toLowerCase().includes(target.toLowerCase())),
  );

  return (
    <main className="page" data-testid="audit-page">
      <div className="page-head">
        <div>
          <h1>Audit log</h1>
          <p className="page-sub">Who changed what, newest first{data ? ` · ${data.auditLog.totalCount} entries` : ''}.</p>
        </div>
      </div>
      {error ? <ErrorBanner error={toApiErrorFromCombined(error, endpoints.httpUrl)} onRetry={() => reexecute({ requestPolicy: 'network-only' })} /> : null}
      <section className="panel">
        <div className="filters" role="search">
          <label className="field">
            <span className="field-label">Actor</span>
            <input
              className="input input-sm"
              value={actor}
              onChange={(e) => setActor(e.target.value)}
              placeholder="user, apiKey or id"
              data-testid="audit-filter-actor"
            />
          </label>
          <label className="field">
            <span className="field-label">Action</span>
            <input
              className="input input-sm"
              value={action}
              onChange={(e) => setAction(e.target.value)}
              placeholder="e.g. triggerDagRun"
              data-testid="audit-filter-action"
            />
          </label>
          <label className="field">
            <span className="field-label">Target</span>
            <input
              className="input input-sm"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              placeholder="type or id"
              data-testid="audit-filter-target"
            />
          </label>
        </div>
        {fetching && entries.length === 0 ? (
          <div className="panel-empty">
            <Spinner label="Loading the audit log…" />
          </div>
        ) : filtered.length === 0 ? (
          <div className="panel-empty" data-testid="audit-empty">
            <p>{entries.length ? 'No entry matches these filters.' : 'Nothing has been changed yet.'}</p>
          </div>
        ) : (
          <div className="table-scroll">
            <table className="table" data-testid="audit-table">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Actor</th>
                  <th>Action</th>
                  <th>Target</th>
                  <th>Details</th>
                </tr>
              </thead>
              <tbody>
                {filtered.map((e) => (
                  <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                    <td>
                      <DateTimeText value={e.createdAt} compact />
                    </td>
                    <td className="small">
                      {e.actorType}
                      {e.actorId ? <div className="muted">{e.actorId.slice(0, 8)}</div> : null}
                    </td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td className="small">
                      {e.targetType ?? '—'}
                      {e.targetId ? <div className="muted">{e.targetId}</div> : null}
                    </td>
                    <td>
                      <code className="small">{JSON.stringify(e.details).slice(0, 200)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {data?.auditLog.pageInfo.hasNextPage ? (
          <div className="table-note">
            <button
              type="button"
              className="btn btn-sm"
              disabled={fetching}
              onClick={() => {
                setPages(allPages);
                setAfter(data.auditLog.pageInfo.endCursor ?? null);
              }}
            >
              Load more
            </button>
          </div>
        ) : null}
      </section>
    </main>
  );
}
