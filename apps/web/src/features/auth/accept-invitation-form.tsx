'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { resolveEndpoints } from '@/lib/config/runtime-config';
import { createApiClient } from '@/lib/graphql/client';
import { describeApiError, toApiError, type ApiError } from '@/lib/graphql/errors';
import { unwrap } from '@/lib/graphql/graphql-provider';
import { AcceptInvitationMutation } from '@/lib/graphql/operations';
import { sessionStarted } from '@/lib/session/session-store';
import { useSession } from '@/lib/session/use-session';
import { AuthCard } from './auth-card';

/** The token rides in the link's fragment (`#token=…`), which browsers never send to a server. */
function tokenFromLocation(): string {
  return new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token') ?? '';
}

/**
 * Accepts an invitation link: signed in, the current account joins; signed out, a new account is
 * created with the invited email (or the existing one proves itself with its password). Either way
 * the browser ends up signed in to the organisation that invited.
 */
export function AcceptInvitationForm() {
  const router = useRouter();
  const session = useSession();
  const [token, setToken] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    setToken(tokenFromLocation());
  }, []);

  const signedIn = session.status === 'signed-in' ? session.session : null;

  async function accept(event: FormEvent) {
    event.preventDefault();
    if (!token) return;
    setPending(true);
    setError(null);
    try {
      const { httpUrl } = resolveEndpoints();
      // Signed in, the session cookie says who accepts; the API answers with the new session as the cookie.
      const client = createApiClient({ url: httpUrl, cache: false });
      const variables = signedIn ? { token } : { token, password, name: name.trim() || null };
      const result = unwrap(await client.mutation(AcceptInvitationMutation, variables).toPromise(), httpUrl);
      sessionStarted(result.acceptInvitation);
      router.replace('/');
    } catch (err) {
      setError(toApiError(err));
      setPending(false);
    }
  }

  return (
    <AuthCard
      title="Join an organisation"
      subtitle="You were invited to Tower. The link works once."
      footer={
        <>
          Already a member? <Link href="/login">Sign in</Link>
        </>
      }
    >
      {token === '' ? (
        <p className="form-error" role="alert" data-testid="accept-no-token">
          This page needs the link from your invitation (it ends with #token=…).
        </p>
      ) : (
        <form className="form" onSubmit={(e) => void accept(e)} data-testid="accept-form">
          {signedIn ? (
            <p data-testid="accept-as">
              You are signed in as <strong>{signedIn.user?.email ?? 'your account'}</strong>; the invitation must be for this email.
            </p>
          ) : (
            <>
              <p className="muted small">
                New to Tower: choose a password for your account. Already have an account with the invited email: enter its password.
              </p>
              <label className="field">
                <span>Your name (new accounts, optional)</span>
                <input className="input" name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} data-testid="accept-name" />
              </label>
              <label className="field">
                <span>Password</span>
                <input
                  className="input"
                  type="password"
                  name="password"
                  autoComplete="new-password"
                  required
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  data-testid="accept-password"
                />
              </label>
            </>
          )}
          {error ? (
            <p className="form-error" role="alert" data-testid="accept-error" data-code={error.code}>
              {describeApiError(error)}
            </p>
          ) : null}
          <button type="submit" className="btn btn-primary btn-block" disabled={pending || !token} data-testid="accept-submit">
            {pending ? 'Joining…' : 'Accept invitation'}
          </button>
        </form>
      )}
    </AuthCard>
  );
}
