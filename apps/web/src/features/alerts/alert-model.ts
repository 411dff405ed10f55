/**
 * Pure helpers of the Alerts section: the events a rule can watch and the parameters each needs
 * (mirrors packages/core/src/alerts/alert-rules.ts), list fields, mute times and the API's
 * field errors (`extensions.path`) keyed by form field.
 */
import type { ApiError } from '@/lib/graphql/errors';
import type { AlertChannelType, AlertEvent, AlertSeverity } from '@/lib/graphql/generated/graphql';

export type RuleParam = 'durationSeconds' | 'deadlineTime' | 'deadlineTimezone' | 'freshnessHours' | 'consecutiveFailures';

export const EVENTS: { value: AlertEvent; label: string; params: RuleParam[]; taskFilter: boolean }[] = [
  { value: 'RUN_FAILED', label: 'Run failed', params: [], taskFilter: false },
  { value: 'RUN_SUCCEEDED', label: 'Run succeeded', params: [], taskFilter: false },
  { value: 'RUN_RECOVERED', label: 'Run recovered (succeeded after a failure)', params: [], taskFilter: false },
  { value: 'TASK_FAILED', label: 'Task failed', params: [], taskFilter: true },
  { value: 'TASK_RETRIED', label: 'Task retried', params: [], taskFilter: true },
  { value: 'SENSOR_TIMED_OUT', label: 'Sensor timed out', params: [], taskFilter: true },
  { value: 'RUN_DURATION', label: 'Run longer than a duration', params: ['durationSeconds'], taskFilter: false },
  { value: 'RUN_DEADLINE', label: 'Run not finished by a deadline', params: ['deadlineTime', 'deadlineTimezone'], taskFilter: false },
  { value: 'FRESHNESS', label: 'No successful run for N hours', params: ['freshnessHours'], taskFilter: false },
  { value: 'CONSECUTIVE_FAILURES', label: 'N consecutive failed runs', params: ['consecutiveFailures'], taskFilter: false },
];

export const ALL_PARAMS: RuleParam[] = ['durationSeconds', 'deadlineTime', 'deadlineTimezone', 'freshnessHours', 'consecutiveFailures'];

export const SEVERITIES: AlertSeverity[] = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'];

export const CHANNEL_TYPES: { value: AlertChannelType; label: string }[] = [
  { value: 'WEBHOOK', label: 'Webhook (signed JSON)' },
  { value: 'SLACK', label: 'Slack (incoming webhook)' },
  { value: 'EMAIL', label: 'Email (an smtp connection)' },
  { value: 'PAGERDUTY', label: 'PagerDuty (Events API v2)' },
];

export function eventDefinition(event: AlertEvent) {
  return EVENTS.find((e) => e.value === event) ?? EVENTS[0];
}

/** "a, b ,, c" → ["a", "b", "c"] */
export function parseList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function formatList(values: readonly string[] | null | undefined): string {
  return (values ?? []).join(', ');
}

/** Human duration for throttle windows: 0 → "none", 600 → "10 min". */
export function formatSeconds(seconds: number): string {
  if (!seconds) return 'none';
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** The instant a mute of `hours` from `now` ends. */
export function muteUntil(hours: number, now = Date.now()): string {
  return new Date(now + hours * 3_600_000).toISOString();
}

export function isMuted(mutedUntil: string | null | undefined, now = Date.now()): boolean {
  return mutedUntil != null && Date.parse(mutedUntil) > now;
}

/**
 * Field errors from a BAD_USER_INPUT: `extensions.path` names the field. The longest listed field
 * that is the path or a prefix of it takes the message (`channelIds.0` → channelIds, `config.url` →
 * config.url when listed, else config). Errors without a known field stay general (`rest`).
 */
export function fieldErrors(error: ApiError | null, fields: readonly string[]): { byField: Record<string, string>; rest: ApiError | null } {
  if (!error) return { byField: {}, rest: null };
  const byField: Record<string, string> = {};
  for (const e of error.errors) {
    const path = e.extensions?.path;
    if (typeof path !== 'string') continue;
    const field = fields.filter((f) => path === f || path.startsWith(`${f}.`)).sort((a, b) => b.length - a.length)[0];
    if (field) byField[field] = byField[field] ?? e.message;
  }
  return { byField, rest: Object.keys(byField).length ? null : error };
}

/** One line about a rule's event parameters ("after 30 min", "by 07:00 Europe/Paris"). */
export function describeParams(rule: {
  durationSeconds?: number | null;
  deadlineTime?: string | null;
  deadlineTimezone?: string | null;
  freshnessHours?: number | null;
  consecutiveFailures?: number | null;
}): string {
  if (rule.durationSeconds != null) return `longer than ${formatSeconds(rule.durationSeconds)}`;
  if (rule.deadlineTime) return `by ${rule.deadlineTime} ${rule.deadlineTimezone ?? ''}`.trim();
  if (rule.freshnessHours != null) return `${rule.freshnessHours} h without success`;
  if (rule.consecutiveFailures != null) return `${rule.consecutiveFailures} failures in a row`;
  return '';
}
