'use client';

import { useCallback, useState } from 'react';
import { toApiError, type ApiError } from '@/lib/graphql/errors';

/** State of one confirmable action: open/closed, pending, its error; `run` closes on success. */
export function useAction() {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const run = useCallback(async (work: () => Promise<unknown>) => {
    setPending(true);
    setError(null);
    try {
      await work();
      setOpen(false);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setPending(false);
    }
  }, []);

  return {
    open,
    pending,
    error,
    show: () => {
      setError(null);
      setOpen(true);
    },
    close: () => setOpen(false),
    run,
  };
}
