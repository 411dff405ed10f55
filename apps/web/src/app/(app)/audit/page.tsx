import type { Metadata } from 'next';
import { AuditLogPage } from '@/features/tenant/audit-log-page';

export const metadata: Metadata = { title: 'Audit log' };

export default function Route() {
  return <AuditLogPage />;
}
