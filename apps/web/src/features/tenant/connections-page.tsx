'use client';

import { useState } from 'react';
import { useQuery } from 'urql';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { DateTimeText } from '@/components/date-time';
import { ErrorBanner } from '@/components/error-banner';
import { Spinner } from '@/components/spinner';
import { toApiErrorFromCombined } from '@/lib/graphql/client';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import type { ConnectionFieldsFragment } from '@/lib/graphql/generated/graphql';
import {
  CONNECTIONS_PAGE,
  ConnectionsQuery,
  CreateConnectionMutation,
  TestConnectionMutation,
  UpdateConnectionMutation,
} from '@/lib/graphql/operations-tenant';
import { useCan, EDITOR_NOTE } from '@/lib/graphql/use-viewer';
import { useAction } from '../actions/use-action';
import { parseJsonObject } from './json-field';

const TYPES = ['http', 's3', 'snowflake', 'smtp'] as const;

/** Connections of the organisation: create, edit, test. Secrets are write-only: never shown. */
export function ConnectionsPage() {
  const { endpoints } = useGraphQL();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: ConnectionsQuery, variables: { first: CONNECTIONS_PAGE } });
  const can = useCan('EDITOR');
  const create = useAction();
  const [editing, setEditing] = useState<ConnectionFieldsFragment | null>(null);
  const rows = data?.connections.edges.map((e) => e.node) ?? [];
  const refresh = () => reexecute({ requestPolicy: 'network-only' });

  return (
    <main className="page" data-testid="connections-page">
      <div className="page-head">
        <div>
          <h1>Connections</h1>
          <p className="page-sub">Credentials DAG tasks use by connId. Secrets can be set or replaced, never read back.</p>
        </div>
        <button
          type="button"
          className="btn btn-primary"
          data-action="create-connection"
          data-testid="connection-new"
          disabled={!can}
          title={can ? undefined : EDITOR_NOTE}
          onClick={create.show}
        >
          New connection
        </button>
      </div>
      {error ? <ErrorBanner error={toApiErrorFromCombined(error, endpoints.httpUrl)} onRetry={refresh} /> : null}
      <section className="panel">
        {fetching && !data ? (
          <div className="panel-empty">
            <Spinner label="Loading connections…" />
          </div>
        ) : rows.length === 0 ? (
          <div className="panel-empty" data-testid="connections-empty">
            <p>No connections yet. Create one for the S3 bucket, warehouse, HTTP API or mail server your DAGs use.</p>
          </div>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th>connId</th>
                  <th>Type</th>
                  <th>Config</th>
                  <th>Secrets</th>
                  <th>Updated</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <ConnectionRow key={c.id} connection={c} canEdit={can} onEdit={() => setEditing(c)} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {/* The saved connection updates the cached list (Graphcache, lib/graphql/client.ts): no re-read. */}
      {create.open ? <ConnectionForm action={create} /> : null}
      {editing ? <EditConnection connection={editing} onClose={() => setEditing(null)} /> : null}
    </main>
  );
}

function ConnectionRow({ connection: c, canEdit, onEdit }: { connection: ConnectionFieldsFragment; canEdit: boolean; onEdit: () => void }) {
  const { request } = useGraphQL();
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const [testing, setTesting] = useState(false);
  async function test() {
    setTesting(true);
    setResult(null);
    try {
      setResult((await request(TestConnectionMutation, { id: c.id })).testConnection);
    } catch (err) {
      setResult({ ok: false, message: (err as Error).message });
    } finally {
      setTesting(false);
    }
  }
  return (
    <tr data-testid={`connection-row-${c.connId}`}>
      <td>
        <code>{c.connId}</code>
        {c.description ? <div className="muted small">{c.description}</div> : null}
      </td>
      <td>{c.type}</td>
      <td>
        <code className="small">{JSON.stringify(c.config)}</code>
      </td>
      <td className="small">{c.secretFields.length ? c.secretFields.map((f) => `${f}: set`).join(', ') : <span className="muted">none</span>}</td>
      <td>
        <DateTimeText value={c.updatedAt} compact />
      </td>
      <td>
        <div className="action-bar action-bar-bare">
          <button
            type="button"
            className="btn btn-sm"
            onClick={test}
            disabled={testing || !canEdit}
            data-action="test-connection"
            data-testid={`connection-test-${c.connId}`}
            title={canEdit ? 'Really connects' : EDITOR_NOTE}
          >
            {testing ? 'Testing…' : 'Test'}
          </button>
          <button
            type="button"
            className="btn btn-sm"
            onClick={onEdit}
            disabled={!canEdit}
            data-action="edit-connection"
            data-testid={`connection-edit-${c.connId}`}
            title={canEdit ? undefined : EDITOR_NOTE}
          >
            Edit
          </button>
        </div>
        {result ? (
          <div className={`small ${result.ok ? '' : 'field-error'}`} role="status" data-testid={`connection-test-result-${c.connId}`} data-ok={result.ok}>
            {result.ok ? 'OK: ' : 'Failed: '}
            {result.message}
          </div>
        ) : null}
      </td>
    </tr>
  );
}

function EditConnection({ connection, onClose }: { connection: ConnectionFieldsFragment; onClose: () => void }) {
  const action = useAction();
  return <ConnectionForm action={{ ...action, open: true, close: onClose }} existing={connection} onSaved={onClose} />;
}

function ConnectionForm({ action, existing, onSaved }: { action: ReturnType<typeof useAction>; existing?: ConnectionFieldsFragment; onSaved?: () => void }) {
  const { request } = useGraphQL();
  const [connId, setConnId] = useState(existing?.connId ?? '');
  const [type, setType] = useState<string>(existing?.type ?? 'http');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [config, setConfig] = useState(existing ? JSON.stringify(existing.config, null, 2) : '');
  const [secrets, setSecrets] = useState('');
  const [formError, setFormError] = useState<string | null>(null);

  function submit() {
    const cfg = parseJsonObject(config, 'Config');
    const sec = parseJsonObject(secrets, 'Secrets');
    if (!cfg.ok || !sec.ok) return setFormError(!cfg.ok ? cfg.error : !sec.ok ? sec.error : null);
    setFormError(null);
    void action.run(async () => {
      if (existing)
        await request(UpdateConnectionMutation, { id: existing.id, input: { description: description || null, config: cfg.value, secrets: sec.value } });
      else await request(CreateConnectionMutation, { input: { connId, type, description: description || null, config: cfg.value ?? {}, secrets: sec.value } });
      onSaved?.();
    });
  }

  return (
    <ConfirmDialog
      open={action.open}
      title={existing ? `Edit ${existing.connId}` : 'New connection'}
      confirmLabel={existing ? 'Save' : 'Create'}
      pending={action.pending}
      error={action.error}
      onConfirm={submit}
      onClose={action.close}
      testId="connection-dialog"
    >
      <div className="form-grid">
        <label className="field">
          <span className="field-label">connId</span>
          <input
            className="input"
            value={connId}
            onChange={(e) => setConnId(e.target.value)}
            disabled={Boolean(existing)}
            required
            data-testid="connection-connid"
          />
        </label>
        <label className="field">
          <span className="field-label">Type</span>
          <select className="input" value={type} onChange={(e) => setType(e.target.value)} disabled={Boolean(existing)} data-testid="connection-type">
            {TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Description</span>
          <input className="input" value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Config (JSON, e.g. {'{"baseUrl": "https://api.example.com"}'})</span>
          <textarea className="input mono" rows={4} value={config} onChange={(e) => setConfig(e.target.value)} data-testid="connection-config" />
        </label>
        <label className="field">
          <span className="field-label">
            Secrets (JSON, write-only
            {existing ? `; set now: ${existing.secretFields.join(', ') || 'none'}; a field set to null is removed, absent fields are kept` : ''})
          </span>
          <textarea
            className="input mono"
            rows={3}
            value={secrets}
            onChange={(e) => setSecrets(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            data-testid="connection-secrets"
          />
        </label>
      </div>
      {formError ? (
        <p className="field-error" role="alert">
          {formError}
        </p>
      ) : null}
    </ConfirmDialog>
  );
}
