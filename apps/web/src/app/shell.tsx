'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';
import { request } from '@/lib/graphql';
import { ME } from '@/lib/operations';
import { clearToken, getToken } from '@/lib/session';

/** The signed-in frame: header with the organisation and a sign-out; redirects to /login without a session. */
export function Shell({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [me, setMe] = useState<{ email: string; tenant: string; role: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!getToken()) {
      router.replace('/login');
      return;
    }
    request(ME)
      .then((d) => setMe({ email: d.me.user?.email ?? 'API key', tenant: d.me.tenant.name, role: d.me.role }))
      .catch((e: Error) => setError(e.message));
  }, [router]);

  return (
    <>
      <header className="topbar">
        <Link href="/" className="brand">
          ◆ Tower
        </Link>
        <nav>
          <Link href="/">DAGs</Link>
        </nav>
        <div className="who">
          {me ? (
            <>
              <span>{me.tenant}</span>
              <span className="muted">
                {me.email} · {me.role}
              </span>
              <button
                className="link"
                onClick={() => {
                  clearToken();
                  router.replace('/login');
                }}
              >
                Sign out
              </button>
            </>
          ) : null}
        </div>
      </header>
      <main className="page">
        {error ? <div className="error">Cannot reach the Tower API: {error}</div> : null}
        {children}
      </main>
    </>
  );
}

export function StateCell({ state, testId, title }: { state: string; testId?: string; title?: string }) {
  return <span className={`cell state-${state}`} data-testid={testId} data-state={state} title={title ?? state} />;
}

export function fmt(ts: string | null): string {
  if (!ts) return '—';
  return new Date(ts).toISOString().replace('T', ' ').slice(0, 19);
}
