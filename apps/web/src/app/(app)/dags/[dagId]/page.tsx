import type { Metadata } from 'next';
import { DagPage } from '@/features/dag-detail/dag-page';

interface Props {
  params: Promise<{ dagId: string }>;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decode((await params).dagId) };
}

export default async function DagRoute({ params }: Props) {
  const dagId = decode((await params).dagId);
  return <DagPage key={dagId} dagId={dagId} />;
}
