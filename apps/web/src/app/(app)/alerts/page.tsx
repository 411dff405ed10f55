import type { Metadata } from 'next';
import { AlertsInboxPage } from '@/features/alerts/inbox-page';

export const metadata: Metadata = { title: 'Alerts' };

export default function Route() {
  return <AlertsInboxPage />;
}
