'use client';

import { useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { GraphQLProvider, loginPathFor } from '../graphql/graphql-provider';
import { useSession } from './use-session';
import type { Session } from './session-store';
import { Spinner } from '@/components/spinner';

/** Who is signed in, while the API has not answered yet. */
const PENDING: Session = { user: null, tenant: null };

/**
 * Renders its children only for a signed-in user (the API confirmed the session cookie). While the
 * API is asked, the page is already rendered, hidden behind the spinner, so that its own queries
 * go out with the session check instead of after it (the cookie travels with both; a page query
 * refused UNAUTHENTICATED ends the session as the check would).
 */
export function RequireSession({ children }: { children: (session: Session) => ReactNode }) {
  const state = useSession();
  const router = useRouter();

  useEffect(() => {
    if (state.status === 'signed-out') router.replace(loginPathFor(window.location));
  }, [state.status, router]);

  if (state.status === 'signed-out') {
    return (
      <div className="page-center" data-testid="session-pending">
        <Spinner label="Redirecting to sign in…" />
      </div>
    );
  }
  const pending = state.status === 'loading';
  return (
    <>
      {pending && (
        <div className="page-center session-pending" data-testid="session-pending">
          <Spinner label="Loading…" />
        </div>
      )}
      <div hidden={pending} className="session-content">
        <GraphQLProvider>{children(pending ? PENDING : state.session)}</GraphQLProvider>
      </div>
    </>
  );
}
