import type { Metadata } from 'next';
import { DagListPage } from '@/features/dags/dag-list-page';

export const metadata: Metadata = { title: 'DAGs' };

export default function Home() {
  return <DagListPage />;
}
