/**
 * The signed-in session as the page knows it: who and where, never the token. The token is an
 * httpOnly cookie the API sets at login (through this origin's /graphql); page JavaScript can
 * neither read it nor send it anywhere else. Whether the cookie is (still) valid is learnt by
 * asking the API `me`; sign-out asks the server to end the session and clear the cookie.
 * Other tabs hear of sign-in and sign-out over a BroadcastChannel and ask again.
 */
import { createApiClient } from '../graphql/client';
import { MeQuery, type AuthPayload, type Tenant, type User } from '../graphql/operations';
import { resolveEndpoints } from '../config/runtime-config';
import { CSRF_HEADER } from '../security/csrf';

export interface Session {
  user: User | null;
  tenant: Tenant | null;
}

export type SessionState =
  | { status: 'loading'; session: null } // server render, hydration, and the first `me`
  | { status: 'signed-out'; session: null }
  | { status: 'signed-in'; session: Session };

const LOADING: SessionState = { status: 'loading', session: null };
const SIGNED_OUT: SessionState = { status: 'signed-out', session: null };
const CHANNEL = 'tower.session';

let state: SessionState = LOADING;
let checking: Promise<void> | null = null;
const listeners = new Set<() => void>();
let channel: BroadcastChannel | null = null;

function set(next: SessionState): void {
  state = next;
  listeners.forEach((listener) => listener());
}

function announce(): void {
  channel?.postMessage('changed');
}

/** Asks the API who the cookie belongs to (once at a time); signed out when it answers UNAUTHENTICATED. */
export function checkSession(): Promise<void> {
  checking ??= (async () => {
    try {
      const { httpUrl } = resolveEndpoints();
      const result = await createApiClient({ url: httpUrl, cache: false }).query(MeQuery, {}).toPromise();
      const me = result.data?.me;
      if (me) set({ status: 'signed-in', session: { user: me.user ?? null, tenant: me.tenant } });
      else set(SIGNED_OUT); // UNAUTHENTICATED, or an API that cannot answer: the login page says which
    } finally {
      checking = null;
    }
  })();
  return checking;
}

export function getSessionState(): SessionState {
  return state;
}

/** The server render and hydration do not know the cookie's fate. */
export function getServerSessionState(): SessionState {
  return LOADING;
}

export function subscribeSession(onChange: () => void): () => void {
  listeners.add(onChange);
  if (!channel && typeof BroadcastChannel !== 'undefined') {
    channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = () => void checkSession();
  }
  if (state.status === 'loading' && !checking) void checkSession();
  return () => listeners.delete(onChange);
}

/** After login/signUp: the API has set the cookie; the payload says who (it carries no token). */
export function sessionStarted(payload: AuthPayload): void {
  set({ status: 'signed-in', session: { user: payload.user, tenant: payload.tenant } });
  announce();
}

/** The API refused the cookie (expired or revoked session): signed out here and in other tabs. */
export function sessionEnded(): void {
  set(SIGNED_OUT);
  announce();
}

/** Sign-out: the server ends the session and clears the httpOnly cookie (JavaScript cannot). */
export async function signOut(): Promise<void> {
  try {
    await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', headers: { [CSRF_HEADER]: '1' } });
  } finally {
    sessionEnded();
  }
}
