/**
 * The signed-in session lives in localStorage (token + who/where for the header).
 * Same-tab writes emit a custom event because the `storage` event only fires in other tabs.
 */
import type { AuthPayload, Tenant, User } from '../graphql/operations';

const STORAGE_KEY = 'tower.session';
const CHANGE_EVENT = 'tower:session-change';

export interface Session {
  token: string;
  user: User | null;
  tenant: Tenant | null;
}

export function parseSession(raw: string | null | undefined): Session | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Session>;
    if (typeof value.token !== 'string' || value.token.length === 0) return null;
    return { token: value.token, user: value.user ?? null, tenant: value.tenant ?? null };
  } catch {
    return null;
  }
}

export function readRawSession(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: behave as signed out
  }
}

export function saveSession(payload: AuthPayload): void {
  const session: Session = { token: payload.token, user: payload.user, tenant: payload.tenant };
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

export function clearSession(): void {
  try {
    window.localStorage.removeItem(STORAGE_KEY);
  } finally {
    window.dispatchEvent(new Event(CHANGE_EVENT));
  }
}

export function subscribeSession(onChange: () => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key === STORAGE_KEY) onChange();
  };
  window.addEventListener('storage', onStorage);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener('storage', onStorage);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}
