import type { ReactNode } from 'react';
import { AlertsTabs } from '@/features/alerts/alerts-tabs';
import '@/styles/alerts.css';

/** Inbox, rules and channels share the section's tabs. */
export default function AlertsLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <AlertsTabs />
      {children}
    </>
  );
}
