'use client';

import Link from 'next/link';
import { useDeferredValue, useState } from 'react';
import { DateTimeText } from '@/components/date-time';
import { ErrorBanner, InlineError } from '@/components/error-banner';
import { Spinner } from '@/components/spinner';
import { toApiError, type ApiError } from '@/lib/graphql/errors';
import type { AlertFieldsFragment } from '@/lib/graphql/generated/graphql';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { AcknowledgeAlertMutation } from '@/lib/graphql/operations-alerts';
import { useCan, VIEWER_NOTE } from '@/lib/graphql/use-viewer';
import { SEVERITIES } from './alert-model';
import { PAGE_SIZE, useAlertInbox, type InboxFilters } from './use-alert-inbox';

/** The tenant's alerts, newest first, live; filters; acknowledge (OPERATOR and up). */
export function AlertsInboxPage() {
  const [filters, setFilters] = useState<InboxFilters>({ state: '', severity: '', dagId: '' });
  const deferred = useDeferredValue(filters);
  const { alerts, totalCount, fetching, error, refresh } = useAlertInbox(deferred);
  const canAck = useCan('OPERATOR');
  const filtered = Boolean(filters.state || filters.severity || filters.dagId);

  return (
    <main className="page" data-testid="alerts-page">
      <div className="page-head">
        <div>
          <h1>Alerts</h1>
          <p className="page-sub">
            Every alert your rules raised, newest first. Updates live. {alerts ? <span data-testid="alerts-count">{totalCount} in all</span> : null}
          </p>
        </div>
      </div>
      {error ? <ErrorBanner error={error} onRetry={refresh} /> : null}
      <section className="panel">
        <div className="filters" role="group" aria-label="Filter alerts">
          <label className="check">
            <span>State</span>
            <select
              className="input input-sm"
              value={filters.state}
              onChange={(e) => setFilters({ ...filters, state: e.target.value as InboxFilters['state'] })}
              data-testid="alerts-filter-state"
            >
              <option value="">Any</option>
              <option value="FIRING">Firing</option>
              <option value="RESOLVED">Resolved</option>
            </select>
          </label>
          <label className="check">
            <span>Severity</span>
            <select
              className="input input-sm"
              value={filters.severity}
              onChange={(e) => setFilters({ ...filters, severity: e.target.value as InboxFilters['severity'] })}
              data-testid="alerts-filter-severity"
            >
              <option value="">Any</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s.toLowerCase()}
                </option>
              ))}
            </select>
          </label>
          <label className="check">
            <span>DAG</span>
            <input
              className="input input-sm"
              type="search"
              placeholder="dag id"
              value={filters.dagId}
              onChange={(e) => setFilters({ ...filters, dagId: e.target.value })}
              data-testid="alerts-filter-dag"
            />
          </label>
        </div>
        {alerts === null ? (
          <div className="panel-empty">{fetching ? <Spinner label="Loading alerts…" /> : null}</div>
        ) : alerts.length === 0 ? (
          <div className="panel-empty" data-testid="alerts-empty">
            {filtered ? (
              <p>No alert matches these filters.</p>
            ) : (
              <p>
                No alerts yet. They appear here as soon as a{' '}
                <Link href="/alerts/rules" className="text-link">
                  rule
                </Link>{' '}
                fires, without reloading the page.
              </p>
            )}
          </div>
        ) : (
          <div className="table-scroll">
            <table className="table" data-testid="alerts-table">
              <thead>
                <tr>
                  <th>Severity</th>
                  <th>Alert</th>
                  <th>DAG / run</th>
                  <th>State</th>
                  <th>Fired</th>
                  <th>Resolved</th>
                  <th className="num">Occurrences</th>
                  <th>Sent</th>
                  <th>Acknowledged</th>
                </tr>
              </thead>
              <tbody>
                {alerts.map((a) => (
                  <AlertRow key={a.id} alert={a} canAck={canAck} />
                ))}
              </tbody>
            </table>
            {totalCount > PAGE_SIZE ? (
              <p className="table-note">
                The newest {PAGE_SIZE} of {totalCount}; narrow the filters to see older ones.
              </p>
            ) : null}
          </div>
        )}
      </section>
    </main>
  );
}

function AlertRow({ alert: a, canAck }: { alert: AlertFieldsFragment; canAck: boolean }) {
  const { request } = useGraphQL();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  async function acknowledge() {
    setPending(true);
    setError(null);
    try {
      await request(AcknowledgeAlertMutation, { id: a.id });
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }
  const runLink = a.dagId
    ? a.dagRunId
      ? `/dags/${encodeURIComponent(a.dagId)}?run=${encodeURIComponent(a.dagRunId)}`
      : `/dags/${encodeURIComponent(a.dagId)}`
    : null;
  return (
    <tr data-testid={`alert-row-${a.id}`} data-state={a.state} data-acknowledged={a.acknowledgedAt ? 'true' : 'false'} data-dag={a.dagId ?? ''}>
      <td>
        <span className="severity" data-severity={a.severity}>
          {a.severity.toLowerCase()}
        </span>
      </td>
      <td className="alert-summary">
        <div>{a.summary}</div>
        <div className="muted small">
          rule {a.ruleName}
          {a.taskId ? ` · task ${a.taskId}` : ''}
        </div>
      </td>
      <td>
        {runLink ? (
          <Link href={runLink} className="dag-link" data-testid="alert-run-link">
            {a.dagId}
            {a.runId ? <div className="muted small mono">{a.runId}</div> : null}
          </Link>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        <span className="alert-state" data-state={a.state} data-testid="alert-state">
          {a.state === 'FIRING' ? 'Firing' : 'Resolved'}
        </span>
      </td>
      <td>
        <DateTimeText value={a.firedAt} compact />
      </td>
      <td>
        <DateTimeText value={a.resolvedAt} compact />
      </td>
      <td className="num">{a.occurrences}</td>
      <td>
        {a.notified ? (
          <span className="marker">notified</span>
        ) : (
          <span className="marker marker-muted" title="The rule was muted or throttled: recorded here, not sent to its channels">
            muted
          </span>
        )}
      </td>
      <td>
        {a.acknowledgedAt ? (
          <span data-testid="alert-acknowledged" className="small">
            Acknowledged <DateTimeText value={a.acknowledgedAt} compact />
            {a.acknowledgedBy ? <div className="muted small">by {a.acknowledgedBy}</div> : null}
          </span>
        ) : (
          <>
            <button
              type="button"
              className="btn btn-sm"
              onClick={acknowledge}
              disabled={!canAck || pending}
              title={canAck ? 'Mark as seen; it keeps firing until its cause resolves' : VIEWER_NOTE}
              aria-label={`${pending ? 'Acknowledging' : 'Acknowledge'}: ${a.summary}`}
              data-action="acknowledge-alert"
              data-testid="alert-ack"
            >
              {pending ? 'Acknowledging…' : 'Acknowledge'}
            </button>
            {error ? <InlineError error={error} /> : null}
          </>
        )}
      </td>
    </tr>
  );
}
