import type { Metadata } from 'next';
import { MembersPage } from '@/features/tenant/members-page';

export const metadata: Metadata = { title: 'Members' };

export default function Route() {
  return <MembersPage />;
}
