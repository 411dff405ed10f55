'use client';

import { useEffect } from 'react';

/** Last line of defence: a render error shows a message instead of a blank page. */
export default function ErrorBoundary({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const message = error instanceof Error && error.message ? error.message : 'An unexpected error occurred.';
  return (
    <main className="page-center">
      <div className="panel panel-empty" role="alert" data-testid="page-error">
        <h2>Something went wrong</h2>
        <p className="muted">{message}</p>
        <button type="button" className="btn" onClick={() => retry()}>
          Try again
        </button>
      </div>
    </main>
  );
}
