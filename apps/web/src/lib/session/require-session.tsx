'use client';

import { useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { GraphQLProvider, loginPathFor } from '../graphql/graphql-provider';
import { useSession } from './use-session';
import type { Session } from './session-store';
import { Spinner } from '@/components/spinner';

/** Renders its children only for a signed-in user (the API confirmed the session cookie). */
export function RequireSession({ children }: { children: (session: Session) => ReactNode }) {
  const state = useSession();
  const router = useRouter();

  useEffect(() => {
    if (state.status === 'signed-out') router.replace(loginPathFor(window.location));
  }, [state.status, router]);

  if (state.status !== 'signed-in') {
    return (
      <div className="page-center" data-testid="session-pending">
        <Spinner label={state.status === 'loading' ? 'Loading…' : 'Redirecting to sign in…'} />
      </div>
    );
  }
  // A new user or organisation (signed in or switched in another tab) gets a new client: no cached
  // entity, subscription or page state of the previous one survives.
  const { user, tenant } = state.session;
  return <GraphQLProvider key={`${user?.id ?? 'key'}/${tenant?.id ?? ''}`}>{children(state.session)}</GraphQLProvider>;
}
