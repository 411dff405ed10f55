'use client';

import { QueryErrorBanner } from '@/components/error-banner';
import { useEffect, useRef } from 'react';
import { useQuery } from 'urql';
import { DateTimeText } from '@/components/date-time';
import { StateBadge } from '@/components/state-badge';
import { elapsed, formatDuration } from '@/lib/format';
import type { TaskInstance } from '@/lib/graphql/operations';
import { TaskTriesQuery } from '@/lib/graphql/operations-tasks';

/**
 * Every try of the task instance: state, times, error and its `with` as rendered for that try
 * (templates filled in; written when the try ends); re-read when the instance's state changes.
 */
export function TriesTab({ ti, now }: { ti: TaskInstance; now: number }) {
  const [{ data, fetching, error }, reexecute] = useQuery({ query: TaskTriesQuery, variables: { taskInstanceId: ti.id }, requestPolicy: 'cache-and-network' });
  // useQuery reads the network itself on mount and for another instance (new variables): re-read
  // only the same instance, when its state or try changes.
  const shown = useRef({ id: ti.id, key: `${ti.state}:${ti.tryNumber}` });
  useEffect(() => {
    const prev = shown.current;
    const key = `${ti.state}:${ti.tryNumber}`;
    shown.current = { id: ti.id, key };
    if (prev.id === ti.id && prev.key !== key) reexecute({ requestPolicy: 'network-only' });
  }, [ti.id, ti.state, ti.tryNumber, reexecute]);
  if (fetching && !data) return <p className="muted">Loading tries…</p>;
  if (error) return <QueryErrorBanner error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!data?.taskTries.length) return <p className="muted">No try has started yet.</p>;
  return (
    <div className="table-scroll">
      <table className="table" data-testid="tries-table">
        <thead>
          <tr>
            <th className="num">Try</th>
            <th>State</th>
            <th>Started</th>
            <th>Ended</th>
            <th className="num">Duration</th>
            <th>Error</th>
            <th>Rendered with</th>
          </tr>
        </thead>
        <tbody>
          {[...data.taskTries].reverse().map((t) => (
            <tr key={t.tryNumber} data-testid={`try-row-${t.tryNumber}`} data-state={t.state}>
              <td className="num">{t.tryNumber}</td>
              <td>
                <StateBadge state={t.state} />
              </td>
              <td>
                <DateTimeText value={t.startedAt} compact />
              </td>
              <td>
                <DateTimeText value={t.endedAt} compact />
              </td>
              <td className="num">{formatDuration(elapsed(t.startedAt, t.endedAt, now))}</td>
              <td className="small">{t.error ?? <span className="muted">—</span>}</td>
              <td className="small">
                {t.renderedWith == null ? (
                  <span className="muted">{t.endedAt ? '—' : 'when the try ends'}</span>
                ) : (
                  <details data-testid={`try-rendered-${t.tryNumber}`}>
                    <summary>Show</summary>
                    <pre className="code code-inline" tabIndex={0} aria-label={`Rendered with of try ${t.tryNumber}`}>
                      {JSON.stringify(t.renderedWith, null, 2)}
                    </pre>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
