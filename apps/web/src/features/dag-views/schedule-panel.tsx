'use client';

import { QueryErrorBanner } from '@/components/error-banner';
import cronstrue from 'cronstrue';
import { useQuery } from 'urql';
import { SchedulePreviewQuery } from '@/lib/graphql/operations';
import { formatInZone } from '@/lib/time/zone';

function inWords(schedule: string): string {
  if (schedule.startsWith('@')) return schedule.slice(1);
  try {
    return cronstrue.toString(schedule, { use24HourTimeFormat: true });
  } catch {
    return schedule;
  }
}

/** The schedule in words and its next fire times (when those intervals start), in the DAG's zone. */
export function SchedulePanel({ schedule, timezone }: { schedule: string | null; timezone: string }) {
  const [{ data, error }] = useQuery({ query: SchedulePreviewQuery, variables: { schedule: schedule ?? '', timezone, count: 5 }, pause: !schedule });
  if (!schedule) return <p className="muted">Manual only: this DAG runs when triggered.</p>;
  return (
    <div data-testid="schedule-panel">
      <p>
        <code className="cron">{schedule}</code> — {inWords(schedule)}, {timezone} time.
      </p>
      {error ? <QueryErrorBanner error={error} /> : null}
      <p className="muted small">Next fire times (each starts a data interval; its run starts at the next one):</p>
      <ol className="preview-list">
        {(data?.schedulePreview ?? []).map((t) => (
          <li key={t}>{formatInZone(t, timezone)}</li>
        ))}
      </ol>
    </div>
  );
}
