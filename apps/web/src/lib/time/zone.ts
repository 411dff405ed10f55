/**
 * Formatting instants in a chosen IANA time zone (Intl only, no dependency). Pure: the zone is a
 * parameter, so tests pin DST dates exactly.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

export interface ZonedParts {
  date: string; // 2026-12-07
  time: string; // 03:00:00
  zoneName: string; // EST, UTC, GMT+5:30
}

export function zonedParts(iso: string, zone: string): ZonedParts | null {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}`, zoneName: parts.timeZoneName ?? zone };
}

/** `2026-12-07 03:00:00 EST`; `compact` drops the year and the zone (shown once in headers). */
export function formatInZone(iso: string | null | undefined, zone: string, { compact = false, withZone = true } = {}): string {
  if (!iso) return '—';
  const p = zonedParts(iso, zone);
  if (!p) return iso;
  if (compact) return `${p.date.slice(5)} ${p.time}`;
  return withZone ? `${p.date} ${p.time} ${p.zoneName}` : `${p.date} ${p.time}`;
}

export function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export interface NextRunDisplay {
  /** When the scheduler starts the run: the end of its data interval (Airflow's "run after"). */
  startsAt: string;
  intervalStart: string;
  intervalEnd: string;
}

/**
 * The DAG page's "Next run": a cron run for the interval [logicalDate, dueAt) starts at dueAt, so
 * that is the date to show, with the interval beside it (showing the logical date as "next run" is
 * the classic Airflow confusion: it is a day early for a daily DAG).
 */
export function describeNextRun(logicalDate: string | null, dueAt: string | null, zone: string): NextRunDisplay | null {
  const startsAtIso = dueAt ?? logicalDate;
  if (!startsAtIso) return null;
  return {
    startsAt: formatInZone(startsAtIso, zone),
    intervalStart: formatInZone(logicalDate ?? startsAtIso, zone),
    intervalEnd: formatInZone(startsAtIso, zone),
  };
}
