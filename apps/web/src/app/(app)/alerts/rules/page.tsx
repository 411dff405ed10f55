import type { Metadata } from 'next';
import { AlertRulesPage } from '@/features/alerts/rules-page';

export const metadata: Metadata = { title: 'Alert rules' };

export default function Route() {
  return <AlertRulesPage />;
}
