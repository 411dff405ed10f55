'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { describeApiError } from '@/lib/graphql/errors';
import { SignUpMutation } from '@/lib/graphql/operations';
import { AuthCard } from './auth-card';
import { useAuthSubmit } from './use-auth-submit';

export function SignupForm() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [tenantName, setTenantName] = useState('');
  const { submit, pending, error } = useAuthSubmit(SignUpMutation, (r) => r.signUp);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void submit({ email: email.trim(), password, tenantName: tenantName.trim() });
  }

  return (
    <AuthCard
      title="Create your organisation"
      subtitle="You become its owner and can invite your team later."
      footer={
        <>
          Already have an account?{' '}
          <Link href="/login" data-testid="login-link">
            Sign in
          </Link>
        </>
      }
    >
      <form className="form" onSubmit={onSubmit} data-testid="signup-form">
        <label className="field">
          <span>Organisation name</span>
          <input
            className="input"
            name="organisation"
            required
            autoFocus
            value={tenantName}
            onChange={(e) => setTenantName(e.target.value)}
            data-testid="signup-tenant"
            placeholder="Acme Data"
          />
        </label>
        <label className="field">
          <span>Email</span>
          <input
            className="input"
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            data-testid="signup-email"
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            className="input"
            type="password"
            name="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="signup-password"
          />
        </label>
        {error ? (
          <p className="form-error" role="alert" data-testid="signup-error" data-code={error.code}>
            {describeApiError(error)}
          </p>
        ) : null}
        <button type="submit" className="btn btn-primary btn-block" disabled={pending} data-testid="signup-submit">
          {pending ? 'Creating…' : 'Create organisation'}
        </button>
      </form>
    </AuthCard>
  );
}
