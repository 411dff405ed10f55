'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { describeApiError } from '@/lib/graphql/errors';
import { LoginMutation } from '@/lib/graphql/operations';
import { AuthCard } from './auth-card';
import { useAuthSubmit } from './use-auth-submit';

export function LoginForm() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { submit, pending, error } = useAuthSubmit(LoginMutation, (r) => r.login);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void submit({ email: email.trim(), password });
  }

  return (
    <AuthCard
      title="Sign in"
      subtitle="Monitor your organisation's pipelines."
      footer={
        <>
          New to Tower?{' '}
          <Link href="/signup" data-testid="signup-link">
            Create an organisation
          </Link>
        </>
      }
    >
      <form className="form" onSubmit={onSubmit} data-testid="login-form">
        <label className="field">
          <span>Email</span>
          <input
            className="input"
            type="email"
            name="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            data-testid="login-email"
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            className="input"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
          />
        </label>
        {error ? (
          <p className="form-error" role="alert" data-testid="login-error" data-code={error.code}>
            {describeApiError(error)}
          </p>
        ) : null}
        <button type="submit" className="btn btn-primary btn-block" disabled={pending} data-testid="login-submit">
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthCard>
  );
}
