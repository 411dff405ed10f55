import type { Metadata } from 'next';
import { ApiKeysPage } from '@/features/tenant/api-keys-page';

export const metadata: Metadata = { title: 'API keys' };

export default function Route() {
  return <ApiKeysPage />;
}
