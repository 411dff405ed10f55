'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { request } from '@/lib/graphql';
import { SIGN_UP } from '@/lib/operations';
import { setToken } from '@/lib/session';

export default function SignUpPage() {
  const router = useRouter();
  const [form, setForm] = useState({ email: '', password: '', tenantName: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { signUp } = await request(SIGN_UP, form);
      setToken(signUp.token);
      router.replace('/');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const field = (name: keyof typeof form) => ({ value: form[name], onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }) });
  return (
    <div className="auth">
      <form className="card" onSubmit={submit}>
        <h1>◆ Tower</h1>
        <p className="muted">Create your organisation</p>
        <label>
          Organisation
          <input data-testid="signup-tenant" {...field('tenantName')} required />
        </label>
        <label>
          Email
          <input data-testid="signup-email" type="email" {...field('email')} required />
        </label>
        <label>
          Password (8+ characters)
          <input data-testid="signup-password" type="password" minLength={8} {...field('password')} required />
        </label>
        {error ? <div className="error">{error}</div> : null}
        <button data-testid="signup-submit" type="submit" disabled={busy}>
          {busy ? <span className="spinner" /> : null} Create
        </button>
        <p className="muted">
          Have an account? <Link href="/login">Sign in</Link>
        </p>
      </form>
    </div>
  );
}
