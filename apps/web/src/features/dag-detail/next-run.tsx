'use client';

import { formatRelative } from '@/lib/format';
import type { DagHeader } from '@/lib/graphql/operations';
import { describeNextRun } from '@/lib/time/zone';

/**
 * When the next scheduled run starts, always in the DAG's own zone (that is where its cron is read),
 * with the data interval it will process beside it.
 */
export function NextRun({ dag, now }: { dag: Pick<DagHeader, 'nextDagRunLogicalDate' | 'nextDagRunDueAt' | 'timezone'>; now: number }) {
  const next = describeNextRun(dag.nextDagRunLogicalDate ?? null, dag.nextDagRunDueAt ?? null, dag.timezone);
  if (!next) return <span className="muted">—</span>;
  return (
    <>
      <time dateTime={dag.nextDagRunDueAt ?? undefined} data-testid="next-run-start">
        {next.startsAt}
      </time>
      {dag.nextDagRunDueAt ? <span className="muted small"> · {formatRelative(dag.nextDagRunDueAt, now)}</span> : null}
      <div className="muted small" data-testid="next-run-interval">
        data interval {next.intervalStart} → {next.intervalEnd}
      </div>
    </>
  );
}
