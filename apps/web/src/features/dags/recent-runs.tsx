import Link from 'next/link';
import { formatDateTime, humanizeState } from '@/lib/format';
import type { DagRun } from '@/lib/graphql/operations';
import { RECENT_RUNS } from './use-dag-list';

/** The DAG's recent runs as squares, oldest left → newest right, padded to a fixed width. */
export function RecentRuns({ dagId, runs }: { dagId: string; runs: DagRun[] }) {
  const ordered = [...runs].reverse();
  const padding = Math.max(0, RECENT_RUNS - ordered.length);
  return (
    <div className="recent-runs" data-testid={`recent-runs-${dagId}`}>
      {Array.from({ length: padding }, (_, i) => (
        <span key={`pad-${i}`} className="run-square run-square-empty" aria-hidden />
      ))}
      {ordered.map((run) => (
        <Link
          key={run.id}
          href={`/dags/${encodeURIComponent(dagId)}?run=${encodeURIComponent(run.id)}`}
          className="run-square state-fill"
          data-state={run.state}
          data-testid={`recent-run-${run.id}`}
          title={`${run.runId}\n${humanizeState(run.state)} · ${run.runType}\nlogical date ${formatDateTime(run.logicalDate)}`}
          aria-label={`Run ${run.runId}: ${run.state}`}
          tabIndex={-1}
        />
      ))}
    </div>
  );
}
