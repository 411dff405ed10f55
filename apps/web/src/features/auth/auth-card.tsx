import type { ReactNode } from 'react';
import { TowerLogo } from '@/components/tower-logo';

export function AuthCard({ title, subtitle, children, footer }: { title: string; subtitle: string; children: ReactNode; footer: ReactNode }) {
  return (
    <main className="auth-screen">
      <div className="auth-brand">
        <TowerLogo size={28} />
        <span>Tower</span>
      </div>
      <section className="auth-card">
        <h1>{title}</h1>
        <p className="page-sub">{subtitle}</p>
        {children}
      </section>
      <p className="auth-footer">{footer}</p>
    </main>
  );
}
