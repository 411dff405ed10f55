'use client';

import { useLiveStatus } from '@/lib/graphql/graphql-provider';

const LABELS = {
  idle: 'Idle',
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  rejected: 'Live updates refused',
} as const;

/** Whether pushed updates are flowing (the app never polls). */
export function LiveIndicator() {
  const status = useLiveStatus();
  return (
    <span className="live-indicator" data-testid="live-status" data-status={status} title="Live updates over graphql-ws">
      <span className="live-dot" aria-hidden />
      {LABELS[status]}
    </span>
  );
}
