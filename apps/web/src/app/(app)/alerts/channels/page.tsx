import type { Metadata } from 'next';
import { AlertChannelsPage } from '@/features/alerts/channels-page';

export const metadata: Metadata = { title: 'Alert channels' };

export default function Route() {
  return <AlertChannelsPage />;
}
