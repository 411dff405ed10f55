'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { request } from '@/lib/graphql';
import { LOGIN } from '@/lib/operations';
import { setToken } from '@/lib/session';

export default function LoginPage() {
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { login } = await request(LOGIN, { email, password });
      setToken(login.token);
      router.replace('/');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth">
      <form className="card" onSubmit={submit}>
        <h1>◆ Tower</h1>
        <p className="muted">Sign in to your organisation</p>
        <label>
          Email
          <input data-testid="login-email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label>
          Password
          <input data-testid="login-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error ? <div className="error" data-testid="login-error">{error}</div> : null}
        <button data-testid="login-submit" type="submit" disabled={busy}>
          {busy ? <span className="spinner" /> : null} Sign in
        </button>
        <p className="muted">
          No account? <Link href="/signup">Create an organisation</Link>
        </p>
      </form>
    </div>
  );
}
