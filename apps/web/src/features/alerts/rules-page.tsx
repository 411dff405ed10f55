'use client';

import { useState } from 'react';
import { useQuery } from 'urql';
import { DateTimeText } from '@/components/date-time';
import { ErrorBanner } from '@/components/error-banner';
import { Spinner } from '@/components/spinner';
import { toApiErrorFromCombined } from '@/lib/graphql/client';
import type { AlertRuleFieldsFragment } from '@/lib/graphql/generated/graphql';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { AlertChannelsQuery, AlertRulesQuery, DeleteAlertRuleMutation } from '@/lib/graphql/operations-alerts';
import { EDITOR_NOTE, useCan } from '@/lib/graphql/use-viewer';
import { describeParams, eventDefinition, formatList, formatSeconds, isMuted } from './alert-model';
import { DeleteDialog } from './delete-dialog';
import { MuteDialog } from './mute-dialog';
import { RuleForm } from './rule-form';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'mute' | 'delete'; rule: AlertRuleFieldsFragment } | null;

/** The tenant's alert rules: create, edit, mute, delete (EDITOR and up). */
export function AlertRulesPage() {
  const { endpoints, request } = useGraphQL();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: AlertRulesQuery, variables: {} });
  const [{ data: channelData }] = useQuery({ query: AlertChannelsQuery, variables: {} });
  const can = useCan('EDITOR');
  const [dialog, setDialog] = useState<Dialog>(null);
  const rules = data?.alertRules.edges.map((e) => e.node) ?? [];
  const channels = channelData?.alertChannels.edges.map((e) => e.node) ?? [];
  const channelName = (id: string) => channels.find((c) => c.id === id)?.name ?? 'unknown channel';
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const close = () => setDialog(null);

  return (
    <main className="page" data-testid="alert-rules-page">
      <div className="page-head">
        <div>
          <h1>Alert rules</h1>
          <p className="page-sub">What to watch, for which DAGs, and where to send it. Every alert also lands in the inbox.</p>
        </div>
        <button
          type="button"
          className="btn btn-primary"
          data-action="create-rule"
          data-testid="rule-new"
          disabled={!can}
          title={can ? undefined : EDITOR_NOTE}
          onClick={() => setDialog({ kind: 'create' })}
        >
          New rule
        </button>
      </div>
      {error ? <ErrorBanner error={toApiErrorFromCombined(error, endpoints.httpUrl)} onRetry={refresh} /> : null}
      <section className="panel">
        {fetching && !data ? (
          <div className="panel-empty">
            <Spinner label="Loading rules…" />
          </div>
        ) : rules.length === 0 ? (
          <div className="panel-empty" data-testid="rules-empty">
            <p>No rules yet. A rule such as “run failed for sales_*” tells the channels you choose when it happens.</p>
          </div>
        ) : (
          <div className="table-scroll">
            <table className="table" data-testid="rules-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Event</th>
                  <th>Severity</th>
                  <th>DAGs / tags / tasks</th>
                  <th>Channels</th>
                  <th>Throttle</th>
                  <th>Status</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rules.map((r) => (
                  <tr key={r.id} data-testid={`rule-row-${r.name}`} data-muted={isMuted(r.mutedUntil) ? 'true' : 'false'} data-enabled={String(r.enabled)}>
                    <td>
                      <strong>{r.name}</strong>
                    </td>
                    <td>
                      {eventDefinition(r.event).label}
                      {describeParams(r) ? <div className="muted small">{describeParams(r)}</div> : null}
                    </td>
                    <td>
                      <span className="severity" data-severity={r.severity}>
                        {r.severity.toLowerCase()}
                      </span>
                    </td>
                    <td className="small">
                      <div>DAGs: {formatList(r.dagIds) || <span className="muted">any</span>}</div>
                      {r.tags.length ? <div>Tags: {formatList(r.tags)}</div> : null}
                      {r.taskIds.length ? <div>Tasks: {formatList(r.taskIds)}</div> : null}
                    </td>
                    <td className="small">{r.channelIds.length ? r.channelIds.map(channelName).join(', ') : <span className="muted">inbox only</span>}</td>
                    <td className="small">{formatSeconds(r.throttleSeconds)}</td>
                    <td className="small" data-testid={`rule-status-${r.name}`}>
                      {!r.enabled ? (
                        <span className="marker">disabled</span>
                      ) : isMuted(r.mutedUntil) ? (
                        <span className="marker marker-muted">
                          muted until <DateTimeText value={r.mutedUntil} compact />
                        </span>
                      ) : (
                        <span className="marker">active</span>
                      )}
                    </td>
                    <td>
                      <div className="action-bar action-bar-bare">
                        {(['edit', 'mute', 'delete'] as const).map((kind) => {
                          const label = kind === 'mute' ? (isMuted(r.mutedUntil) ? 'Unmute' : 'Mute') : kind === 'edit' ? 'Edit' : 'Delete';
                          return (
                            <button
                              key={kind}
                              type="button"
                              className="btn btn-sm"
                              disabled={!can}
                              title={can ? undefined : EDITOR_NOTE}
                              aria-label={`${label} rule ${r.name}`}
                              data-action={`${kind}-rule`}
                              data-testid={`rule-${kind}-${r.name}`}
                              onClick={() => setDialog({ kind, rule: r })}
                            >
                              {label}
                            </button>
                          );
                        })}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {dialog?.kind === 'create' ? <RuleForm channels={channels} onClose={close} onSaved={refresh} /> : null}
      {dialog?.kind === 'edit' ? <RuleForm rule={dialog.rule} channels={channels} onClose={close} onSaved={refresh} /> : null}
      {dialog?.kind === 'mute' ? <MuteDialog rule={dialog.rule} onClose={close} /> : null}
      {dialog?.kind === 'delete' ? (
        <DeleteDialog
          title={`Delete rule ${dialog.rule.name}?`}
          confirmLabel="Delete rule"
          testId="rule-delete-dialog"
          remove={() => request(DeleteAlertRuleMutation, { id: dialog.rule.id })}
          onClose={close}
          onDeleted={refresh}
        >
          <p>Its firing alerts are resolved first (their channels are told); its past alerts stay in the inbox. This cannot be undone.</p>
        </DeleteDialog>
      ) : null}
    </main>
  );
}
