'use client';

import { useEffect, useRef, type ReactNode } from 'react';
import { InlineError } from './error-banner';
import type { ApiError } from '@/lib/graphql/errors';

/**
 * A modal confirmation on the native <dialog> (focus trap, Escape to close, labelled by its title).
 * The body says what will happen; the confirm button names the action.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger = false,
  pending = false,
  error,
  onConfirm,
  onClose,
  testId,
  confirmDisabled = false,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  pending?: boolean;
  error?: ApiError | null;
  onConfirm: () => void;
  onClose: () => void;
  testId: string;
  confirmDisabled?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${testId}-title`} data-testid={testId} onClose={onClose}>
      <form
        method="dialog"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm();
        }}
      >
        <h2 id={`${testId}-title`} className="dialog-title">
          {title}
        </h2>
        <div className="dialog-body">{children}</div>
        {error ? <InlineError error={error} testId={`${testId}-error`} /> : null}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} data-testid={`${testId}-cancel`}>
            Cancel
          </button>
          <button
            type="submit"
            className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`}
            disabled={pending || confirmDisabled}
            data-testid={`${testId}-confirm`}
          >
            {pending ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
