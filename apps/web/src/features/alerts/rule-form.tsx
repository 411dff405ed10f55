'use client';

import { useDeferredValue, useMemo, useState, type ReactNode } from 'react';
import { useQuery } from 'urql';
import { ConfirmDialog } from '@/components/confirm-dialog';
import type { AlertChannelFieldsFragment, AlertEvent, AlertRuleFieldsFragment, AlertSeverity } from '@/lib/graphql/generated/graphql';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { CreateAlertRuleMutation, PreviewAlertRuleQuery, UpdateAlertRuleMutation } from '@/lib/graphql/operations-alerts';
import { browserZone } from '@/lib/time/zone';
import { useAction } from '../actions/use-action';
import { ALL_PARAMS, eventDefinition, EVENTS, fieldErrors, formatList, parseList, SEVERITIES, type RuleParam } from './alert-model';

const FIELDS = ['name', 'event', 'severity', 'dagIds', 'tags', 'taskIds', 'channelIds', 'throttleSeconds', 'enabled', ...ALL_PARAMS];

interface Draft {
  name: string;
  event: AlertEvent;
  severity: AlertSeverity;
  dagIds: string;
  tags: string;
  taskIds: string;
  channelIds: string[];
  throttleSeconds: string;
  enabled: boolean;
  durationSeconds: string;
  deadlineTime: string;
  deadlineTimezone: string;
  freshnessHours: string;
  consecutiveFailures: string;
}

function draftOf(rule?: AlertRuleFieldsFragment): Draft {
  const num = (n: number | null | undefined) => (n == null ? '' : String(n));
  return {
    name: rule?.name ?? '',
    event: rule?.event ?? 'RUN_FAILED',
    severity: rule?.severity ?? 'ERROR',
    dagIds: formatList(rule?.dagIds),
    tags: formatList(rule?.tags),
    taskIds: formatList(rule?.taskIds),
    channelIds: rule?.channelIds ?? [],
    throttleSeconds: String(rule?.throttleSeconds ?? 0),
    enabled: rule?.enabled ?? true,
    durationSeconds: num(rule?.durationSeconds),
    deadlineTime: rule?.deadlineTime ?? '',
    deadlineTimezone: rule?.deadlineTimezone ?? browserZone(),
    freshnessHours: num(rule?.freshnessHours),
    consecutiveFailures: num(rule?.consecutiveFailures),
  };
}

const toInt = (text: string) => (text.trim() === '' ? null : Number(text));

/** The mutation input: the event's own parameters set, the others cleared (null) on an update. */
function inputOf(d: Draft, update: boolean) {
  const def = eventDefinition(d.event);
  const pick = <T,>(param: RuleParam, value: T): T | null | undefined => (def.params.includes(param) ? value : update ? null : undefined);
  return {
    name: d.name.trim(),
    event: d.event,
    severity: d.severity,
    dagIds: parseList(d.dagIds),
    tags: parseList(d.tags),
    taskIds: def.taskFilter ? parseList(d.taskIds) : [],
    channelIds: d.channelIds,
    throttleSeconds: toInt(d.throttleSeconds) ?? 0,
    enabled: d.enabled,
    durationSeconds: pick('durationSeconds', toInt(d.durationSeconds)),
    deadlineTime: pick('deadlineTime', d.deadlineTime.trim() || null),
    deadlineTimezone: pick('deadlineTimezone', d.deadlineTimezone.trim() || null),
    freshnessHours: pick('freshnessHours', toInt(d.freshnessHours)),
    consecutiveFailures: pick('consecutiveFailures', toInt(d.consecutiveFailures)),
  };
}

/** Create or edit a rule; shows which DAGs its filters match while typing. */
export function RuleForm({
  rule,
  channels,
  onClose,
  onSaved,
}: {
  rule?: AlertRuleFieldsFragment;
  channels: AlertChannelFieldsFragment[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const { request } = useGraphQL();
  const action = useAction();
  const [d, setD] = useState<Draft>(() => draftOf(rule));
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setD((prev) => ({ ...prev, [key]: value }));
  const def = eventDefinition(d.event);
  const { byField, rest } = fieldErrors(action.error, FIELDS);

  function submit() {
    void action.run(async () => {
      if (rule) await request(UpdateAlertRuleMutation, { id: rule.id, input: inputOf(d, true) });
      else await request(CreateAlertRuleMutation, { input: inputOf(d, false) });
      onSaved();
      onClose();
    });
  }

  const text = (key: keyof Draft, label: string, hint?: string, type = 'text') => (
    <Field label={label} hint={hint} error={byField[key]} name={key}>
      <input
        className="input"
        type={type}
        value={d[key] as string}
        onChange={(e) => set(key, e.target.value as never)}
        aria-invalid={byField[key] ? true : undefined}
        aria-describedby={byField[key] ? `rule-${key}-error` : undefined}
        data-testid={`rule-${key}`}
      />
    </Field>
  );

  return (
    <ConfirmDialog
      open
      title={rule ? `Edit rule ${rule.name}` : 'New alert rule'}
      confirmLabel={rule ? 'Save' : 'Create rule'}
      pending={action.pending}
      error={rest}
      onConfirm={submit}
      onClose={onClose}
      testId="rule-dialog"
    >
      <div className="form-grid">
        {text('name', 'Name')}
        <Field label="Event" error={byField.event} name="event">
          <select className="input" value={d.event} onChange={(e) => set('event', e.target.value as AlertEvent)} data-testid="rule-event">
            {EVENTS.map((e) => (
              <option key={e.value} value={e.value}>
                {e.label}
              </option>
            ))}
          </select>
        </Field>
        {def.params.includes('durationSeconds') ? text('durationSeconds', 'Duration (seconds)', 'Fires when a run runs longer than this', 'number') : null}
        {def.params.includes('deadlineTime') ? text('deadlineTime', 'Deadline (HH:MM)', 'Each day, in the zone below', 'time') : null}
        {def.params.includes('deadlineTimezone') ? text('deadlineTimezone', 'Deadline time zone', 'An IANA zone, e.g. Europe/Paris') : null}
        {def.params.includes('freshnessHours') ? text('freshnessHours', 'Freshness (hours)', 'Fires after this long without a successful run', 'number') : null}
        {def.params.includes('consecutiveFailures') ? text('consecutiveFailures', 'Consecutive failures', 'At least 2', 'number') : null}
        <Field label="Severity" error={byField.severity} name="severity">
          <select className="input" value={d.severity} onChange={(e) => set('severity', e.target.value as AlertSeverity)} data-testid="rule-severity">
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </Field>
        {text('dagIds', 'DAG ids', 'Comma-separated; * matches any characters (sales_*); empty = every DAG')}
        {text('tags', 'Tags', 'Comma-separated; the DAG has any of them; empty = any')}
        {def.taskFilter ? text('taskIds', 'Task ids', 'Comma-separated; * wildcards; empty = any task') : null}
        <MatchPreview dagIds={d.dagIds} tags={d.tags} />
        <fieldset className="channel-checks" aria-describedby={byField.channelIds ? 'rule-channelIds-error' : undefined} data-testid="rule-channels">
          <legend>Channels (the inbox always gets every alert)</legend>
          {channels.length === 0 ? <span className="muted small">No channels yet: create one under Channels.</span> : null}
          {channels.map((c) => (
            <label key={c.id} className="check">
              <input
                type="checkbox"
                checked={d.channelIds.includes(c.id)}
                onChange={(e) => set('channelIds', e.target.checked ? [...d.channelIds, c.id] : d.channelIds.filter((id) => id !== c.id))}
                data-testid={`rule-channel-${c.name}`}
              />
              {c.name} <span className="muted small">{c.type.toLowerCase()}</span>
            </label>
          ))}
          {byField.channelIds ? (
            <span id="rule-channelIds-error" className="field-error" role="alert">
              {byField.channelIds}
            </span>
          ) : null}
        </fieldset>
        {text('throttleSeconds', 'Throttle (seconds)', 'At most one notification per DAG per window; 0 = none', 'number')}
        <label className="check">
          <input type="checkbox" checked={d.enabled} onChange={(e) => set('enabled', e.target.checked)} data-testid="rule-enabled" />
          Enabled
        </label>
      </div>
    </ConfirmDialog>
  );
}

function Field({ label, hint, error, name, children }: { label: string; hint?: string; error?: string; name: string; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint ? <span className="muted small">{hint}</span> : null}
      {error ? (
        <span id={`rule-${name}-error`} className="field-error" role="alert" data-testid={`rule-${name}-error`}>
          {error}
        </span>
      ) : null}
    </label>
  );
}

/** Which of the tenant's DAGs the filters match now (`previewAlertRule`). */
function MatchPreview({ dagIds, tags }: { dagIds: string; tags: string }) {
  const deferredDagIds = useDeferredValue(dagIds);
  const deferredTags = useDeferredValue(tags);
  const variables = useMemo(() => ({ dagIds: parseList(deferredDagIds), tags: parseList(deferredTags) }), [deferredDagIds, deferredTags]);
  const [{ data, fetching, error }] = useQuery({ query: PreviewAlertRuleQuery, variables, requestPolicy: 'network-only' });
  const matched = data?.previewAlertRule ?? [];
  return (
    <div className="preview" aria-live="polite" data-testid="rule-preview" data-count={data ? matched.length : undefined}>
      <strong className="small">Matches now</strong>{' '}
      {error ? (
        <span className="field-error">Preview unavailable: {error.message}</span>
      ) : !data && fetching ? (
        <span className="muted small">checking…</span>
      ) : matched.length === 0 ? (
        <span className="muted small">no DAG yet (the rule still applies to DAGs created later)</span>
      ) : (
        <>
          <span className="muted small">
            {matched.length} DAG{matched.length === 1 ? '' : 's'}
          </span>
          <ul className="preview-list">
            {matched.map((id) => (
              <li key={id} data-testid={`rule-preview-${id}`}>
                {id}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
