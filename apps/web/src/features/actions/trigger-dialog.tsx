'use client';

import { useEffect, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { Spinner } from '@/components/spinner';
import { useGraphQL } from '@/lib/graphql/graphql-provider';
import { DagQuery, TriggerDagRunMutation, type DagRun } from '@/lib/graphql/operations';
import { initialValues, paramFields, parseParams, type ParamField } from './params-form';
import type { useAction } from './use-action';

/** Trigger with a form generated from the DAG's params (types, defaults, validation). */
export function TriggerDialog({ dagId, action, onTriggered }: { dagId: string; action: ReturnType<typeof useAction>; onTriggered?: (run: DagRun) => void }) {
  const { request } = useGraphQL();
  const [{ data, fetching }] = useQuery({ query: DagQuery, variables: { dagId }, pause: !action.open });
  // Keyed by content: a refetch returns an equal spec as a new object, which must not reset the form.
  const specKey = JSON.stringify(data?.dag.spec ?? null);
  const fields = useMemo(() => paramFields(JSON.parse(specKey)), [specKey]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [logicalDate, setLogicalDate] = useState('');

  useEffect(() => {
    if (action.open) {
      setValues(initialValues(fields));
      setErrors({});
    }
  }, [action.open, fields]);

  function submit() {
    const parsed = parseParams(fields, values);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    void action.run(async () => {
      const { triggerDagRun } = await request(TriggerDagRunMutation, {
        dagId,
        params: parsed.params,
        logicalDate: logicalDate ? new Date(logicalDate).toISOString() : null,
      });
      onTriggered?.(triggerDagRun);
    });
  }

  return (
    <ConfirmDialog
      open={action.open}
      title={`Trigger ${dagId}`}
      confirmLabel="Trigger run"
      pending={action.pending}
      error={action.error}
      onConfirm={submit}
      onClose={action.close}
      testId="trigger-dialog"
      confirmDisabled={fetching && !data}
    >
      <p>Creates a manual run now, with these params (validated against the DAG’s declaration).</p>
      {fetching && !data ? <Spinner label="Loading the DAG’s params…" /> : null}
      {data && fields.length === 0 ? <p className="muted">This DAG declares no params.</p> : null}
      <div className="form-grid">
        {fields.map((field) => (
          <ParamInput
            key={field.name}
            field={field}
            value={values[field.name] ?? ''}
            error={errors[field.name]}
            onChange={(v) => setValues((prev) => ({ ...prev, [field.name]: v }))}
          />
        ))}
        <label className="field">
          <span className="field-label">Logical date (optional, your browser’s time)</span>
          <input
            className="input"
            type="datetime-local"
            value={logicalDate}
            onChange={(e) => setLogicalDate(e.target.value)}
            data-testid="trigger-logical-date"
          />
        </label>
      </div>
    </ConfirmDialog>
  );
}

function ParamInput({ field, value, error, onChange }: { field: ParamField; value: string; error?: string; onChange: (v: string) => void }) {
  const { name, decl, control } = field;
  const id = `param-${name}`;
  const described = error ? `${id}-error` : decl.description ? `${id}-help` : undefined;
  const common = { id, 'aria-invalid': Boolean(error), 'aria-describedby': described, 'data-testid': id };
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {name}{' '}
        <span className="muted small">
          ({decl.type}
          {decl.required ? ', required' : ''})
        </span>
      </label>
      {control === 'checkbox' ? (
        <input type="checkbox" {...common} checked={value === 'true'} onChange={(e) => onChange(String(e.target.checked))} />
      ) : control === 'select' ? (
        <select className="input" {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          {decl.required || decl.default !== undefined ? null : <option value="">(not set)</option>}
          {(decl.enum ?? []).map((option) => (
            <option key={JSON.stringify(option)} value={JSON.stringify(option)}>
              {typeof option === 'string' ? option : JSON.stringify(option)}
            </option>
          ))}
        </select>
      ) : control === 'json' ? (
        <textarea className="input mono" rows={3} {...common} value={value} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          className="input"
          type={control === 'number' ? 'number' : 'text'}
          step={decl.type === 'integer' ? 1 : 'any'}
          min={decl.minimum}
          max={decl.maximum}
          {...common}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {decl.description ? (
        <span id={`${id}-help`} className="muted small">
          {decl.description}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
