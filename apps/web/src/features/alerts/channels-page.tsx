'use client';

import { useState } from 'react';
import { useQuery } from 'urql';
import { DateTimeText } from '@/components/date-time';
import { ErrorBanner } from '@/components/error-banner';
import { Spinner } from '@/components/spinner';
import { toApiErrorFromCombined } from '@/lib/graphql/client';
import { describeApiError, toApiError } from '@/lib/graphql/errors';
import type { AlertChannelFieldsFragment } from '@/lib/graphql/generated/graphql';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { AlertChannelsQuery, DeleteAlertChannelMutation, TestAlertChannelMutation } from '@/lib/graphql/operations-alerts';
import { EDITOR_NOTE, useCan } from '@/lib/graphql/use-viewer';
import { ChannelForm } from './channel-form';
import { DeleteDialog } from './delete-dialog';
import { DeliveryLog } from './delivery-log';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'delete'; channel: AlertChannelFieldsFragment } | null;

function configSummary(c: AlertChannelFieldsFragment): string {
  const config = (c.config ?? {}) as Record<string, unknown>;
  if (c.type === 'WEBHOOK') return String(config.url ?? '');
  if (c.type === 'EMAIL') return `${String(config.connection ?? '')}${Array.isArray(config.to) ? ` → ${config.to.join(', ')}` : ''}`;
  if (c.type === 'PAGERDUTY') return String(config.eventsUrl ?? 'default events URL');
  return '';
}

/** Where alerts go: create, edit, test (the receiver's answer shown), delivery log. */
export function AlertChannelsPage() {
  const { endpoints, request } = useGraphQL();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: AlertChannelsQuery, variables: {} });
  const can = useCan('EDITOR');
  const [dialog, setDialog] = useState<Dialog>(null);
  const [logOf, setLogOf] = useState<AlertChannelFieldsFragment | null>(null);
  const [logVersion, setLogVersion] = useState(0);
  const channels = data?.alertChannels.edges.map((e) => e.node) ?? [];
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const close = () => setDialog(null);

  return (
    <main className="page" data-testid="alert-channels-page">
      <div className="page-head">
        <div>
          <h1>Alert channels</h1>
          <p className="page-sub">Webhooks, Slack, email and PagerDuty. Secrets can be set or replaced, never read back.</p>
        </div>
        <button
          type="button"
          className="btn btn-primary"
          data-action="create-channel"
          data-testid="channel-new"
          disabled={!can}
          title={can ? undefined : EDITOR_NOTE}
          onClick={() => setDialog({ kind: 'create' })}
        >
          New channel
        </button>
      </div>
      {error ? <ErrorBanner error={toApiErrorFromCombined(error, endpoints.httpUrl)} onRetry={refresh} /> : null}
      <section className="panel">
        {fetching && !data ? (
          <div className="panel-empty">
            <Spinner label="Loading channels…" />
          </div>
        ) : channels.length === 0 ? (
          <div className="panel-empty" data-testid="channels-empty">
            <p>No channels yet. Alerts still reach the inbox; add a webhook, Slack, email or PagerDuty channel to be told elsewhere.</p>
          </div>
        ) : (
          <div className="table-scroll">
            <table className="table" data-testid="channels-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>Settings</th>
                  <th>Secrets</th>
                  <th>Updated</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {channels.map((c) => (
                  <ChannelRow
                    key={c.id}
                    channel={c}
                    canEdit={can}
                    onEdit={() => setDialog({ kind: 'edit', channel: c })}
                    onDelete={() => setDialog({ kind: 'delete', channel: c })}
                    onLog={() => setLogOf(c)}
                    onTested={() => setLogVersion((v) => v + 1)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {logOf ? <DeliveryLog channel={logOf} version={logVersion} onClose={() => setLogOf(null)} /> : null}
      {dialog?.kind === 'create' ? <ChannelForm onClose={close} onSaved={refresh} /> : null}
      {dialog?.kind === 'edit' ? <ChannelForm channel={dialog.channel} onClose={close} onSaved={refresh} /> : null}
      {dialog?.kind === 'delete' ? (
        <DeleteDialog
          title={`Delete channel ${dialog.channel.name}?`}
          confirmLabel="Delete channel"
          testId="channel-delete-dialog"
          remove={() => request(DeleteAlertChannelMutation, { id: dialog.channel.id })}
          onClose={close}
          onDeleted={refresh}
        >
          <p>Rules that send to it stop sending there. Its secrets are destroyed. This cannot be undone.</p>
        </DeleteDialog>
      ) : null}
    </main>
  );
}

interface TestOutcome {
  ok: boolean;
  statusCode: number | null;
  response: string;
}

function ChannelRow(props: {
  channel: AlertChannelFieldsFragment;
  canEdit: boolean;
  onEdit: () => void;
  onDelete: () => void;
  onLog: () => void;
  onTested: () => void;
}) {
  const { channel: c, canEdit } = props;
  const { request } = useGraphQL();
  const [result, setResult] = useState<TestOutcome | null>(null);
  const [testing, setTesting] = useState(false);
  async function test() {
    setTesting(true);
    setResult(null);
    try {
      const r = (await request(TestAlertChannelMutation, { id: c.id })).testAlertChannel;
      setResult({ ok: r.ok, statusCode: r.statusCode ?? null, response: r.response });
    } catch (err) {
      setResult({ ok: false, statusCode: null, response: describeApiError(toApiError(err)) });
    } finally {
      setTesting(false);
      props.onTested();
    }
  }
  const note = canEdit ? undefined : EDITOR_NOTE;
  return (
    <tr data-testid={`channel-row-${c.name}`}>
      <td>
        <strong>{c.name}</strong>
      </td>
      <td>{c.type.toLowerCase()}</td>
      <td className="small mono">{configSummary(c) || <span className="muted">—</span>}</td>
      <td className="small" data-testid={`channel-secrets-${c.name}`}>
        {c.secretFields.length ? c.secretFields.map((f) => `${f}: set`).join(', ') : <span className="muted">none</span>}
      </td>
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
            title={note ?? 'Sends a test message now'}
            aria-label={`${testing ? 'Testing' : 'Test'} channel ${c.name}`}
            data-action="test-channel"
            data-testid={`channel-test-${c.name}`}
          >
            {testing ? 'Testing…' : 'Test'}
          </button>
          <button type="button" className="btn btn-sm" onClick={props.onLog} aria-label={`Deliveries of ${c.name}`} data-testid={`channel-log-${c.name}`}>
            Deliveries
          </button>
          <button
            type="button"
            className="btn btn-sm"
            onClick={props.onEdit}
            disabled={!canEdit}
            title={note}
            aria-label={`Edit channel ${c.name}`}
            data-action="edit-channel"
            data-testid={`channel-edit-${c.name}`}
          >
            Edit
          </button>
          <button
            type="button"
            className="btn btn-sm"
            onClick={props.onDelete}
            disabled={!canEdit}
            title={note}
            aria-label={`Delete channel ${c.name}`}
            data-action="delete-channel"
            data-testid={`channel-delete-${c.name}`}
          >
            Delete
          </button>
        </div>
        {result ? (
          <div
            className={`small test-result ${result.ok ? '' : 'field-error'}`}
            role="status"
            data-testid={`channel-test-result-${c.name}`}
            data-ok={String(result.ok)}
            data-status={result.statusCode ?? ''}
          >
            {result.ok ? 'Delivered' : 'Failed'}
            {result.statusCode != null ? ` — HTTP ${result.statusCode}` : ''}: <span className="mono">{result.response || '(empty answer)'}</span>
          </div>
        ) : null}
      </td>
    </tr>
  );
}
