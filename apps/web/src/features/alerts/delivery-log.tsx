'use client';

import { useEffect } from 'react';
import { useQuery } from 'urql';
import { DateTimeText } from '@/components/date-time';
import { ErrorBanner } from '@/components/error-banner';
import { Spinner } from '@/components/spinner';
import { toApiErrorFromCombined } from '@/lib/graphql/client';
import type { AlertChannelFieldsFragment } from '@/lib/graphql/generated/graphql';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { AlertDeliveriesQuery } from '@/lib/graphql/operations-alerts';

/** The channel's recent deliveries (`alertDeliveries`), newest first; read again after a test. */
export function DeliveryLog({ channel, version, onClose }: { channel: AlertChannelFieldsFragment; version: number; onClose: () => void }) {
  const { endpoints } = useGraphQL();
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: AlertDeliveriesQuery,
    variables: { channelId: channel.id, first: 50 },
    requestPolicy: 'network-only',
  });
  useEffect(() => {
    if (version > 0) reexecute({ requestPolicy: 'network-only' });
  }, [version, reexecute]);
  const rows = data?.alertDeliveries ?? [];

  return (
    <section className="panel delivery-log" aria-labelledby="delivery-log-title" data-testid="delivery-log">
      <div className="panel-head">
        <h2 id="delivery-log-title">Deliveries to {channel.name}</h2>
        <div className="action-bar action-bar-bare">
          <button type="button" className="btn btn-sm" onClick={() => reexecute({ requestPolicy: 'network-only' })} data-testid="delivery-log-refresh">
            Refresh
          </button>
          <button type="button" className="btn btn-sm" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      {error ? <ErrorBanner error={toApiErrorFromCombined(error, endpoints.httpUrl)} /> : null}
      {!data && fetching ? (
        <div className="panel-empty">
          <Spinner label="Loading deliveries…" />
        </div>
      ) : rows.length === 0 ? (
        <div className="panel-empty">
          <p>Nothing sent to this channel yet.</p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th>Queued</th>
                <th>Kind</th>
                <th>Status</th>
                <th className="num">Attempts</th>
                <th>Answer</th>
                <th>Delivered</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} data-testid="delivery-row" data-kind={d.kind} data-status={d.status}>
                  <td>
                    <DateTimeText value={d.createdAt} compact />
                  </td>
                  <td>{d.kind.toLowerCase()}</td>
                  <td>{d.status.toLowerCase()}</td>
                  <td className="num">{d.attempts}</td>
                  <td className="small test-result">
                    {d.lastStatusCode != null ? `HTTP ${d.lastStatusCode}: ` : ''}
                    <span className="mono">{d.lastResponse ?? '—'}</span>
                  </td>
                  <td>
                    <DateTimeText value={d.deliveredAt} compact />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
