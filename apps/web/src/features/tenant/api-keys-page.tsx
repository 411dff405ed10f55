'use client';

import { useState } from 'react';
import { useQuery } from 'urql';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { DateTimeText } from '@/components/date-time';
import { ErrorBanner } from '@/components/error-banner';
import { Spinner } from '@/components/spinner';
import { toApiErrorFromCombined } from '@/lib/graphql/client';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import type { ApiKeyFieldsFragment, Role } from '@/lib/graphql/generated/graphql';
import { ApiKeysQuery, CreateApiKeyMutation, RevokeApiKeyMutation } from '@/lib/graphql/operations-tenant';
import { roleAtLeast, useCan, useViewer, ADMIN_NOTE } from '@/lib/graphql/use-viewer';
import { useAction } from '../actions/use-action';

const ROLES: Role[] = ['VIEWER', 'OPERATOR', 'EDITOR', 'ADMIN', 'OWNER'];

/** API keys: create with a role (the secret is shown once), revoke. Admins and owners only. */
export function ApiKeysPage() {
  const { endpoints, request } = useGraphQL();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: ApiKeysQuery, variables: {} });
  const can = useCan('ADMIN');
  const create = useAction();
  const revoke = useAction();
  const [revoking, setRevoking] = useState<ApiKeyFieldsFragment | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const keys = data?.apiKeys ?? [];

  return (
    <main className="page" data-testid="api-keys-page">
      <div className="page-head">
        <div>
          <h1>API keys</h1>
          <p className="page-sub">Keys for CI and scripts, each with a role. The secret is shown once, when the key is created.</p>
        </div>
        <button
          type="button"
          className="btn btn-primary"
          data-action="create-api-key"
          data-testid="api-key-new"
          disabled={!can}
          title={can ? undefined : ADMIN_NOTE}
          onClick={create.show}
        >
          New API key
        </button>
      </div>
      {secret ? (
        <div className="secret-once" role="status" data-testid="api-key-secret">
          <span>
            Secret of <strong>{secret.name}</strong> (copy it now; it is not shown again): <code data-testid="api-key-secret-value">{secret.secret}</code>
          </span>
          <button type="button" className="btn btn-sm" onClick={() => void navigator.clipboard?.writeText(secret.secret)} data-testid="api-key-copy">
            Copy
          </button>
          <button type="button" className="btn btn-sm" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      ) : null}
      {error ? <ErrorBanner error={toApiErrorFromCombined(error, endpoints.httpUrl)} onRetry={refresh} /> : null}
      <section className="panel">
        {fetching && !data ? (
          <div className="panel-empty">
            <Spinner label="Loading API keys…" />
          </div>
        ) : keys.length === 0 ? (
          <div className="panel-empty" data-testid="api-keys-empty">
            <p>No API keys yet.</p>
          </div>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Role</th>
                  <th>Created</th>
                  <th>Last used</th>
                  <th>Status</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} data-testid={`api-key-row-${k.name}`}>
                    <td>{k.name}</td>
                    <td>{k.role}</td>
                    <td>
                      <DateTimeText value={k.createdAt} compact />
                    </td>
                    <td>
                      <DateTimeText value={k.lastUsedAt} compact />
                    </td>
                    <td>{k.revokedAt ? <span className="muted">revoked</span> : 'active'}</td>
                    <td>
                      {k.revokedAt ? null : (
                        <button
                          type="button"
                          className="btn btn-sm"
                          data-action="revoke-api-key"
                          data-testid={`api-key-revoke-${k.name}`}
                          disabled={!can}
                          title={can ? undefined : ADMIN_NOTE}
                          onClick={() => {
                            setRevoking(k);
                            revoke.show();
                          }}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {create.open ? <CreateKeyDialog action={create} onCreated={setSecret} /> : null}
      <ConfirmDialog
        open={revoke.open}
        title={`Revoke ${revoking?.name ?? ''}`}
        confirmLabel="Revoke key"
        danger
        pending={revoke.pending}
        error={revoke.error}
        onClose={revoke.close}
        testId="revoke-dialog"
        onConfirm={() =>
          void revoke.run(async () => {
            // the revoked key comes back with revokedAt: Graphcache updates the cached list
            if (revoking) await request(RevokeApiKeyMutation, { id: revoking.id });
          })
        }
      >
        <p>The key stops working at once, for every script that uses it. This cannot be undone.</p>
      </ConfirmDialog>
    </main>
  );
}

function CreateKeyDialog({ action, onCreated }: { action: ReturnType<typeof useAction>; onCreated: (s: { name: string; secret: string }) => void }) {
  const { request } = useGraphQL();
  const { viewer } = useViewer();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('VIEWER');
  return (
    <ConfirmDialog
      open={action.open}
      title="New API key"
      confirmLabel="Create key"
      pending={action.pending}
      error={action.error}
      onClose={action.close}
      testId="api-key-dialog"
      confirmDisabled={!name.trim()}
      onConfirm={() =>
        void action.run(async () => {
          const { createApiKey } = await request(CreateApiKeyMutation, { name: name.trim(), role });
          onCreated({ name: createApiKey.apiKey.name, secret: createApiKey.secret });
        })
      }
    >
      <div className="form-grid">
        <label className="field">
          <span className="field-label">Name</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} required data-testid="api-key-name" />
        </label>
        <label className="field">
          <span className="field-label">Role (at most your own)</span>
          <select className="input" value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="api-key-role">
            {ROLES.filter((r) => roleAtLeast(viewer?.role, r)).map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
      </div>
    </ConfirmDialog>
  );
}
