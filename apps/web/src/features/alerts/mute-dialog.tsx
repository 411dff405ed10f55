'use client';

import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { DateTimeText } from '@/components/date-time';
import type { AlertRuleFieldsFragment } from '@/lib/graphql/generated/graphql';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { UpdateAlertRuleMutation } from '@/lib/graphql/operations-alerts';
import { useAction } from '../actions/use-action';
import { isMuted, muteUntil } from './alert-model';

type Choice = '1' | '24' | 'until' | 'unmute';

/** Mute a rule for 1 h, 24 h or until a date (alerts are recorded, not sent), or unmute it. */
export function MuteDialog({ rule, onClose }: { rule: AlertRuleFieldsFragment; onClose: () => void }) {
  const { request } = useGraphQL();
  const action = useAction();
  const muted = isMuted(rule.mutedUntil);
  const [choice, setChoice] = useState<Choice>('1');
  const [until, setUntil] = useState('');
  const [formError, setFormError] = useState<string | null>(null);

  function submit() {
    let mutedUntil: string | null;
    if (choice === 'unmute') mutedUntil = null;
    else if (choice === 'until') {
      const at = until ? new Date(until) : null;
      if (!at || Number.isNaN(at.getTime()) || at.getTime() <= Date.now()) return setFormError('Pick a date and time in the future.');
      mutedUntil = at.toISOString();
    } else mutedUntil = muteUntil(Number(choice));
    setFormError(null);
    void action.run(async () => {
      await request(UpdateAlertRuleMutation, { id: rule.id, input: { mutedUntil } });
      onClose();
    });
  }

  const options: { value: Choice; label: string }[] = [
    { value: '1', label: 'For 1 hour' },
    { value: '24', label: 'For 24 hours' },
    { value: 'until', label: 'Until a date' },
    ...(muted ? [{ value: 'unmute' as const, label: 'Unmute now' }] : []),
  ];

  return (
    <ConfirmDialog
      open
      title={`Mute rule ${rule.name}`}
      confirmLabel={choice === 'unmute' ? 'Unmute' : 'Mute'}
      pending={action.pending}
      error={action.error}
      onConfirm={submit}
      onClose={onClose}
      testId="rule-mute-dialog"
    >
      <p>
        {muted ? (
          <>
            Muted until <DateTimeText value={rule.mutedUntil} />.{' '}
          </>
        ) : null}
        While muted, alerts are still recorded in the inbox but no channel is told.
      </p>
      <fieldset className="channel-checks" style={{ flexDirection: 'column' }}>
        <legend>Mute</legend>
        {options.map((o) => (
          <label key={o.value} className="check">
            <input type="radio" name="mute" value={o.value} checked={choice === o.value} onChange={() => setChoice(o.value)} data-testid={`mute-${o.value}`} />
            {o.label}
          </label>
        ))}
      </fieldset>
      {choice === 'until' ? (
        <label className="field">
          <span className="field-label">Muted until (your browser&apos;s time)</span>
          <input className="input" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} data-testid="mute-until" />
        </label>
      ) : null}
      {formError ? (
        <p className="field-error" role="alert">
          {formError}
        </p>
      ) : null}
    </ConfirmDialog>
  );
}
