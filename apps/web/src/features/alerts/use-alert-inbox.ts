'use client';

import { useEffect, useRef } from 'react';
import { useQuery } from 'urql';
import { toApiErrorFromCombined } from '@/lib/graphql/client';
import type { ApiError } from '@/lib/graphql/errors';
import type { AlertFieldsFragment, AlertSeverity, AlertState } from '@/lib/graphql/generated/graphql';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { AlertFiredSubscription, AlertsQuery, AlertUpdatedSubscription } from '@/lib/graphql/operations-alerts';

export interface InboxFilters {
  state: AlertState | '';
  severity: AlertSeverity | '';
  dagId: string;
}

export const PAGE_SIZE = 100;

/**
 * The inbox, live: `alertUpdated` payloads land in the normalized cache (so a row's state,
 * occurrences and acknowledgement change in place), and a new alert (or a change that may move an
 * alert in or out of the filters) refetches the list, at most every 300 ms. After a dropped live
 * connection comes back, the list is read again (events may have been missed).
 */
export function useAlertInbox(filters: InboxFilters): {
  alerts: AlertFieldsFragment[] | null;
  totalCount: number;
  fetching: boolean;
  error: ApiError | null;
  refresh: () => void;
} {
  const api = useGraphQL();
  const variables = {
    first: PAGE_SIZE,
    state: filters.state || null,
    severity: filters.severity || null,
    dagId: filters.dagId.trim() || null,
  };
  const [{ data, fetching, error }, reexecute] = useQuery({ query: AlertsQuery, variables });
  const filtered = Boolean(variables.state || variables.severity || variables.dagId);
  const latest = useRef({ reexecute, filtered });
  latest.current = { reexecute, filtered };

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refetch = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        latest.current.reexecute({ requestPolicy: 'network-only' });
      }, 300);
    };
    const offFired = api.subscribe(AlertFiredSubscription, {}, { next: refetch });
    const offUpdated = api.subscribe(AlertUpdatedSubscription, {}, { next: () => (latest.current.filtered ? refetch() : undefined) });
    const offReconnect = api.onReconnect(refetch);
    return () => {
      if (timer) clearTimeout(timer);
      offFired();
      offUpdated();
      offReconnect();
    };
  }, [api]);

  return {
    alerts: data ? data.alerts.edges.map((e) => e.node) : null,
    totalCount: data?.alerts.totalCount ?? 0,
    fetching,
    error: error ? toApiErrorFromCombined(error, api.endpoints.httpUrl) : null,
    refresh: () => reexecute({ requestPolicy: 'network-only' }),
  };
}
