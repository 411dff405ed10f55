'use client';

import type { ReactNode } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { useAction } from '../actions/use-action';

/** "Delete …?" for a rule or a channel: runs `remove`, then `onDeleted` and closes; an error stays in the dialog. */
export function DeleteDialog({
  title,
  confirmLabel,
  testId,
  remove,
  onClose,
  onDeleted,
  children,
}: {
  title: string;
  confirmLabel: string;
  testId: string;
  remove: () => Promise<unknown>;
  onClose: () => void;
  onDeleted: () => void;
  children: ReactNode;
}) {
  const action = useAction();
  return (
    <ConfirmDialog
      open
      danger
      title={title}
      confirmLabel={confirmLabel}
      pending={action.pending}
      error={action.error}
      onClose={onClose}
      onConfirm={() =>
        void action.run(async () => {
          await remove();
          onDeleted();
          onClose();
        })
      }
      testId={testId}
    >
      {children}
    </ConfirmDialog>
  );
}
