'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { resolveEndpoints } from '@/lib/config/runtime-config';
import { createApiClient } from '@/lib/graphql/client';
import { unwrap } from '@/lib/graphql/graphql-provider';
import { toApiError, type ApiError } from '@/lib/graphql/errors';
import type { AuthPayload, TypedDocument } from '@/lib/graphql/operations';
import { sessionStarted } from '@/lib/session/session-store';
import { useSession } from '@/lib/session/use-session';

/** Only same-site paths: `?next=https://evil.example` must not become an open redirect. */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/**
 * Sends login/signUp; the API answers with the session as an httpOnly cookie (the client sends the
 * CSRF header that asks for it) and who signed in. Already signed-in users move on.
 */
export function useAuthSubmit<TResult, TVariables extends object>(document: TypedDocument<TResult, TVariables>, pick: (result: TResult) => AuthPayload) {
  const router = useRouter();
  const session = useSession();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (session.status === 'signed-in') router.replace(nextPath());
  }, [session.status, router]);

  async function submit(variables: TVariables) {
    setPending(true);
    setError(null);
    try {
      const { httpUrl } = resolveEndpoints();
      const result = unwrap(await createApiClient({ url: httpUrl, cache: false }).mutation(document, variables).toPromise(), httpUrl);
      sessionStarted(pick(result)); // the effect above navigates once the session is visible
    } catch (err) {
      setError(toApiError(err));
      setPending(false);
    }
  }

  return { submit, pending: pending || session.status === 'signed-in', error };
}
