import { formatDateTime, formatDateTimeCompact } from '@/lib/format';

/** A local date-time; the exact ISO value is in the tooltip. `compact` drops the year for dense tables. */
export function DateTimeText({ value, compact = false, className }: { value: string | null | undefined; compact?: boolean; className?: string }) {
  if (!value) return <span className={`muted ${className ?? ''}`}>—</span>;
  return (
    <time dateTime={value} title={`${formatDateTime(value)} (${value})`} className={className}>
      {compact ? formatDateTimeCompact(value) : formatDateTime(value)}
    </time>
  );
}
