/**
 * The signed-in session as the page knows it: who and where, never the token. The token is an
 * httpOnly cookie the API sets at login (through this origin's /graphql); page JavaScript can
 * neither read it nor send it anywhere else. Whether the cookie is (still) valid is learnt by
 * asking the API `me`; sign-out asks the server to end the session and clear the cookie.
 * Other tabs hear of sign-in, sign-out and a switch of organisation over a BroadcastChannel and ask again.
 */
import { createApiClient, toApiErrorFromCombined } from '../graphql/client';
import { ApiError, BAD_RESPONSE } from '../graphql/errors';
import { MeQuery, SwitchTenantMutation, type AuthPayload, type Tenant, type User, type Viewer } from '../graphql/operations';
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
let askAgain = false;
/** A switchTenant under way (the calling session is ending; the cookie is about to change). */
let switching: Promise<unknown> | null = null;
const listeners = new Set<() => void>();
let channel: BroadcastChannel | null = null;

function set(next: SessionState): void {
  state = next;
  listeners.forEach((listener) => listener());
}

function announce(): void {
  channel?.postMessage('changed');
}

/**
 * Asks the API who the cookie belongs to (once at a time); signed out when it answers UNAUTHENTICATED.
 * Asked again meanwhile (another tab signed in, out or switched while the question was out), it asks
 * once more: the answer in flight may describe the cookie from before the change.
 */
export function checkSession(): Promise<void> {
  if (checking) {
    askAgain = true;
    return checking;
  }
  checking = (async () => {
    try {
      let me: Viewer | null | undefined;
      do {
        askAgain = false;
        // Mid-switch the old cookie is being revoked: ask with the one the switch sets.
        await switching?.catch(() => undefined);
        const { httpUrl } = resolveEndpoints();
        me = (await createApiClient({ url: httpUrl, cache: false }).query(MeQuery, {}).toPromise()).data?.me;
      } while (askAgain);
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

/**
 * Whether a switch of organisation is under way or done: the calling session is ending (the API
 * revokes it and closes its live connection), so UNAUTHENTICATED from this page's clients is not a
 * sign-out. It stays true after a switch succeeds, as the page is replaced.
 */
export function isSwitchingTenant(): boolean {
  return switching !== null;
}

/**
 * Moves the browser to another of the user's organisations (`me.memberships`): the API ends this
 * session and sets the other organisation's as the cookie (as at login). Then the page loads anew at
 * the DAG list, so nothing of the previous organisation outlives the switch — not the normalized
 * cache, not a subscription, not a page's state — and other tabs ask `me` again. Rejects with an
 * ApiError (e.g. NOT_FOUND: no longer a member there), the current session then re-checked.
 */
export async function switchTenant(tenantId: string): Promise<void> {
  const { httpUrl } = resolveEndpoints();
  const request = createApiClient({ url: httpUrl, cache: false }).mutation(SwitchTenantMutation, { tenantId }).toPromise();
  switching = request;
  try {
    const result = await request;
    if (result.error) throw toApiErrorFromCombined(result.error, httpUrl);
    if (!result.data) throw new ApiError('The API answered without data', BAD_RESPONSE, [], httpUrl);
  } catch (err) {
    switching = null;
    void checkSession(); // the calling session may have ended all the same
    throw err;
  }
  announce();
  window.location.assign('/');
}
