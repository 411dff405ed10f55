/**
 * Display formatting: durations, relative times, state names. Times on screen go through
 * <DateTimeText> and lib/time/zone.ts (the header's zone setting); `formatDateTime` is the
 * browser-zone form still used by the DAG list's run tooltips.
 */

const pad = (n: number) => String(n).padStart(2, '0');

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 1) return '<1s';
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

/** Duration of something that started and may still be going (then measured up to `now`). */
export function elapsed(startedAt: string | null, endedAt: string | null, now: number): number | null {
  if (!startedAt) return null;
  const start = Date.parse(startedAt);
  const end = endedAt ? Date.parse(endedAt) : now;
  return Number.isNaN(start) || Number.isNaN(end) ? null : end - start;
}

export function formatRelative(iso: string | null | undefined, now: number): string {
  if (!iso) return '';
  const diff = Date.parse(iso) - now;
  if (Number.isNaN(diff)) return '';
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  const [size, unit] = units.find(([size]) => abs >= size) ?? [1_000, 's'];
  const amount = Math.max(1, Math.round(abs / size));
  return diff >= 0 ? `in ${amount}${unit}` : `${amount}${unit} ago`;
}

export function humanizeState(state: string): string {
  return state === 'none' ? 'no status' : state.replace(/_/g, ' ');
}
