'use client';

import { useSyncExternalStore } from 'react';
import { getServerSessionState, getSessionState, subscribeSession, type SessionState } from './session-store';

export type { SessionState } from './session-store';

/** The session as the API last confirmed it (loading until the first `me` answers). */
export function useSession(): SessionState {
  return useSyncExternalStore(subscribeSession, getSessionState, getServerSessionState);
}
