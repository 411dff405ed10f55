'use client';

import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import type { AlertChannelFieldsFragment, AlertChannelType } from '@/lib/graphql/generated/graphql';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { CreateAlertChannelMutation, UpdateAlertChannelMutation } from '@/lib/graphql/operations-alerts';
import { useAction } from '../actions/use-action';
import { CHANNEL_TYPES, fieldErrors, formatList, parseList } from './alert-model';

type Config = Record<string, unknown>;

interface InputSpec {
  key: string;
  label: string;
  hint?: string;
  secret?: boolean;
  type?: string;
}

const INPUTS: Record<AlertChannelType, InputSpec[]> = {
  WEBHOOK: [
    { key: 'url', label: 'URL', hint: 'Receives signed JSON (docs/alerts.md, “Webhook body”)', type: 'url' },
    { key: 'signingSecret', label: 'Signing secret', hint: 'HMAC-SHA256 key of X-Tower-Signature', secret: true },
  ],
  SLACK: [{ key: 'webhookUrl', label: 'Slack incoming webhook URL', secret: true }],
  EMAIL: [
    { key: 'connection', label: 'SMTP connection id', hint: 'The connId of an smtp connection (Connections page)' },
    { key: 'to', label: 'Recipients', hint: 'Comma-separated; empty = the connection’s own “to”' },
  ],
  PAGERDUTY: [
    { key: 'routingKey', label: 'Routing key', hint: 'The integration key of a PagerDuty service', secret: true },
    { key: 'eventsUrl', label: 'Events URL (optional)', hint: 'Default https://events.pagerduty.com/v2/enqueue', type: 'url' },
  ],
};

const FIELDS = [
  'name',
  'type',
  'config',
  'secrets',
  ...Object.values(INPUTS).flatMap((specs) => specs.map((s) => `${s.secret ? 'secrets' : 'config'}.${s.key}`)),
];

function configText(config: Config, key: string): string {
  const value = config[key];
  return Array.isArray(value) ? formatList(value as string[]) : typeof value === 'string' ? value : '';
}

/** Create or edit a channel. Secrets are write-only: empty keeps the one set. */
export function ChannelForm({ channel, onClose, onSaved }: { channel?: AlertChannelFieldsFragment; onClose: () => void; onSaved: () => void }) {
  const { request } = useGraphQL();
  const action = useAction();
  const existing = (channel?.config ?? {}) as Config;
  const [name, setName] = useState(channel?.name ?? '');
  const [type, setType] = useState<AlertChannelType>(channel?.type ?? 'WEBHOOK');
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(Object.values(INPUTS).flatMap((specs) => specs.filter((s) => !s.secret).map((s) => [s.key, configText(existing, s.key)]))),
  );
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const { byField, rest } = fieldErrors(action.error, FIELDS);

  function submit() {
    const config: Config = channel ? { ...existing } : {};
    for (const spec of INPUTS[type].filter((s) => !s.secret)) {
      const value = (values[spec.key] ?? '').trim();
      if (spec.key === 'to') {
        if (value) config.to = parseList(value);
        else delete config.to;
      } else if (value) config[spec.key] = value;
      else delete config[spec.key];
    }
    const secretPatch = Object.fromEntries(INPUTS[type].filter((s) => s.secret && (secrets[s.key] ?? '') !== '').map((s) => [s.key, secrets[s.key]]));
    void action.run(async () => {
      if (channel) await request(UpdateAlertChannelMutation, { id: channel.id, input: { name: name.trim(), config, secrets: secretPatch } });
      else await request(CreateAlertChannelMutation, { input: { name: name.trim(), type, config, secrets: secretPatch } });
      onSaved();
      onClose();
    });
  }

  return (
    <ConfirmDialog
      open
      title={channel ? `Edit channel ${channel.name}` : 'New alert channel'}
      confirmLabel={channel ? 'Save' : 'Create channel'}
      pending={action.pending}
      error={rest}
      onConfirm={submit}
      onClose={onClose}
      testId="channel-dialog"
    >
      <div className="form-grid">
        <label className="field">
          <span className="field-label">Name</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} data-testid="channel-name" />
          {byField.name ? (
            <span className="field-error" role="alert">
              {byField.name}
            </span>
          ) : null}
        </label>
        <label className="field">
          <span className="field-label">Type</span>
          <select
            className="input"
            value={type}
            onChange={(e) => setType(e.target.value as AlertChannelType)}
            disabled={Boolean(channel)}
            data-testid="channel-type"
          >
            {CHANNEL_TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        {INPUTS[type].map((spec) => {
          const isSet = channel?.secretFields.includes(spec.key);
          const error = byField[`${spec.secret ? 'secrets' : 'config'}.${spec.key}`] ?? (spec.secret ? byField.secrets : byField.config);
          return (
            <label className="field" key={`${type}-${spec.key}`}>
              <span className="field-label">
                {spec.label}
                {spec.secret ? <span className="muted small"> (write-only{isSet ? '; set — leave empty to keep it' : ''})</span> : null}
              </span>
              <input
                className="input"
                type={spec.secret ? 'password' : (spec.type ?? 'text')}
                autoComplete={spec.secret ? 'new-password' : 'off'}
                spellCheck={false}
                value={spec.secret ? (secrets[spec.key] ?? '') : (values[spec.key] ?? '')}
                onChange={(e) => (spec.secret ? setSecrets : setValues)((prev) => ({ ...prev, [spec.key]: e.target.value }))}
                data-testid={`channel-${spec.key}`}
              />
              {spec.hint ? <span className="muted small">{spec.hint}</span> : null}
              {error ? (
                <span className="field-error" role="alert">
                  {error}
                </span>
              ) : null}
            </label>
          );
        })}
      </div>
    </ConfirmDialog>
  );
}
