'use client';

import { useMemo, useSyncExternalStore } from 'react';
import { parseSession, readRawSession, subscribeSession, type Session } from './session-store';

export type SessionState =
  | { status: 'loading'; session: null } // server render and hydration: localStorage is unknown
  | { status: 'signed-out'; session: null }
  | { status: 'signed-in'; session: Session };

const UNKNOWN = undefined;

export function useSession(): SessionState {
  // The snapshot is the raw string: a primitive, so React sees a stable value between writes.
  const raw = useSyncExternalStore<string | null | undefined>(subscribeSession, readRawSession, () => UNKNOWN);
  return useMemo(() => {
    if (raw === UNKNOWN) return { status: 'loading', session: null };
    const session = parseSession(raw);
    return session ? { status: 'signed-in', session } : { status: 'signed-out', session: null };
  }, [raw]);
}
