'use client';

import { useDisplayZone } from '@/lib/time/time-setting';
import { formatInZone } from '@/lib/time/zone';

/**
 * An instant in the zone chosen by the time setting (UTC, DAG zone or browser), zone shown.
 * `compact` drops the year and the zone for dense tables (both in the tooltip with the ISO value).
 */
export function DateTimeText({ value, compact = false, className }: { value: string | null | undefined; compact?: boolean; className?: string }) {
  const zone = useDisplayZone();
  if (!value) return <span className={`muted ${className ?? ''}`}>—</span>;
  return (
    <time dateTime={value} title={`${formatInZone(value, zone)} (${value})`} className={className}>
      {formatInZone(value, zone, { compact })}
    </time>
  );
}
