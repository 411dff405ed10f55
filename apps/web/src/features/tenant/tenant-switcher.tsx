'use client';

import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useClient } from 'urql';
import { describeApiError, toApiError, type ApiError } from '@/lib/graphql/errors';
import { MeQuery, type Viewer } from '@/lib/graphql/operations';
import { switchTenant } from '@/lib/session/session-store';

/**
 * The header's organisation switcher, for a user in more than one organisation: a button naming the
 * current one opens the list of the user's organisations with their role in each. Choosing another
 * calls `switchTenant` (the API ends this session and sets the other's cookie) and loads the DAG list
 * anew (`switchTenant` in session-store.ts). A disclosure, not an ARIA menu: Tab and the arrow keys
 * move between the organisations, Enter or Space chooses, Escape closes and returns to the button.
 */
export function TenantSwitcher({ viewer }: { viewer: Viewer }) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const current = viewer.tenant;

  // Opening re-reads `me` (one request): an organisation joined meanwhile is listed, one left is not.
  useEffect(() => {
    if (!open) return;
    void client.query(MeQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    rootRef.current?.querySelector<HTMLButtonElement>('[aria-current="true"]')?.focus();
    const closeOutside = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', closeOutside);
    return () => document.removeEventListener('pointerdown', closeOutside);
  }, [open, client]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (!open) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      setOpen(false);
      buttonRef.current?.focus();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const options = [...(rootRef.current?.querySelectorAll<HTMLButtonElement>('.tenant-option') ?? [])];
    if (!options.length) return;
    event.preventDefault();
    const at = options.indexOf(document.activeElement as HTMLButtonElement);
    const next = event.key === 'ArrowDown' ? (at + 1) % options.length : (at - 1 + options.length) % options.length;
    options[next]?.focus();
  }

  async function choose(tenantId: string) {
    if (tenantId === current.id) {
      setOpen(false);
      buttonRef.current?.focus();
      return;
    }
    setPending(tenantId);
    setError(null);
    try {
      await switchTenant(tenantId); // on success the page is replaced
    } catch (err) {
      // The list is re-read when next opened: re-read now, a membership that is gone would take the
      // switcher, and this message, with it.
      setError(toApiError(err));
      setPending(null);
    }
  }

  return (
    <div className="tenant-switcher" ref={rootRef} onKeyDown={onKeyDown}>
      <button
        type="button"
        ref={buttonRef}
        className="btn btn-ghost-dark btn-sm tenant-switcher-button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((was) => !was)}
        data-testid="tenant-switcher"
      >
        <span className="visually-hidden">Organisation: </span>
        <span className="tenant-switcher-name" data-testid="tenant-name">
          {current.name}
        </span>
        <span className="visually-hidden"> (switch organisation)</span>
        <span aria-hidden="true" className="tenant-switcher-caret">
          ▾
        </span>
      </button>
      <div className="tenant-switcher-panel" id={panelId} hidden={!open} role="group" aria-label="Your organisations" data-testid="tenant-switcher-panel">
        <p className="tenant-switcher-title" aria-hidden="true">
          Your organisations
        </p>
        <ul className="tenant-switcher-list">
          {viewer.memberships.map(({ tenant, role }) => {
            const isCurrent = tenant.id === current.id;
            return (
              <li key={tenant.id}>
                <button
                  type="button"
                  className="tenant-option"
                  aria-current={isCurrent ? 'true' : undefined}
                  disabled={pending !== null}
                  onClick={() => void choose(tenant.id)}
                  data-testid={`tenant-option-${tenant.slug}`}
                  data-current={isCurrent}
                >
                  <span className="tenant-option-name">{tenant.name}</span>
                  <span className="tenant-option-meta">
                    <span className="tenant-option-role" data-testid={`tenant-option-role-${tenant.slug}`}>
                      {role.toLowerCase()}
                    </span>
                    {isCurrent ? <span className="tenant-option-current">current</span> : null}
                    {pending === tenant.id ? <span className="tenant-option-current">switching…</span> : null}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
        {error ? (
          <p className="form-error small" role="alert" data-testid="tenant-switch-error" data-code={error.code}>
            {describeApiError(error)}
          </p>
        ) : null}
      </div>
    </div>
  );
}
