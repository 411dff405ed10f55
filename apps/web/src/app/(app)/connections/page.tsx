import type { Metadata } from 'next';
import { ConnectionsPage } from '@/features/tenant/connections-page';

export const metadata: Metadata = { title: 'Connections' };

export default function Route() {
  return <ConnectionsPage />;
}
