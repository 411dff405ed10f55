import { IANAZone } from 'luxon';
import { z } from 'zod';
import { badInput } from '../errors.js';

/**
 * What an alert rule can watch. `scope` says what one alert is about (its dedup key), `resolves`
 * whether it stays FIRING until its cause resolves (else it is a notification, RESOLVED at once),
 * `params` which rule fields the event needs, `timer` whether it fires from the clock rather than
 * from a state change (so it fires when nothing else happens).
 */
export const ALERT_EVENT_DEFINITIONS = {
  RUN_FAILED: { label: 'run failed', scope: 'run', resolves: true, timer: false, taskFilter: false, params: [] },
  RUN_SUCCEEDED: { label: 'run succeeded', scope: 'run', resolves: false, timer: false, taskFilter: false, params: [] },
  RUN_RECOVERED: { label: 'run recovered', scope: 'run', resolves: false, timer: false, taskFilter: false, params: [] },
  TASK_FAILED: { label: 'task failed', scope: 'run', resolves: true, timer: false, taskFilter: true, params: [] },
  TASK_RETRIED: { label: 'task retried', scope: 'run', resolves: false, timer: false, taskFilter: true, params: [] },
  SENSOR_TIMED_OUT: { label: 'sensor timed out', scope: 'run', resolves: true, timer: false, taskFilter: true, params: [] },
  RUN_DURATION: { label: 'run longer than a duration', scope: 'run', resolves: true, timer: true, taskFilter: false, params: ['durationSeconds'] },
  RUN_DEADLINE: {
    label: 'run not finished by a deadline',
    scope: 'dag-day',
    resolves: true,
    timer: true,
    taskFilter: false,
    params: ['deadlineTime', 'deadlineTimezone'],
  },
  FRESHNESS: { label: 'no successful run for N hours', scope: 'dag', resolves: true, timer: true, taskFilter: false, params: ['freshnessHours'] },
  CONSECUTIVE_FAILURES: {
    label: 'N consecutive failed runs',
    scope: 'dag',
    resolves: true,
    timer: false,
    taskFilter: false,
    params: ['consecutiveFailures'],
  },
} as const satisfies Record<string, AlertEventDefinition>;

type RuleParam = 'durationSeconds' | 'deadlineTime' | 'deadlineTimezone' | 'freshnessHours' | 'consecutiveFailures';

interface AlertEventDefinition {
  readonly label: string;
  readonly scope: 'run' | 'dag' | 'dag-day';
  readonly resolves: boolean;
  readonly timer: boolean;
  readonly taskFilter: boolean;
  readonly params: readonly RuleParam[];
}

export type AlertEventType = keyof typeof ALERT_EVENT_DEFINITIONS;
export const ALERT_EVENTS = Object.keys(ALERT_EVENT_DEFINITIONS) as AlertEventType[];
export const ALERT_SEVERITIES = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export function alertEventDefinition(event: AlertEventType): AlertEventDefinition {
  return ALERT_EVENT_DEFINITIONS[event];
}

/** A rule as the evaluator sees it (the stored row's fields). */
export interface AlertRuleConfig {
  id: string;
  tenantId: string;
  name: string;
  event: AlertEventType;
  severity: AlertSeverity;
  dagIds: string[];
  tags: string[];
  taskIds: string[];
  channelIds: string[];
  durationSeconds: number | null;
  deadlineTime: string | null;
  deadlineTimezone: string | null;
  freshnessHours: number | null;
  consecutiveFailures: number | null;
  throttleSeconds: number;
  mutedUntil: Date | null;
  enabled: boolean;
  /** When the rule was made: it ignores what happened before (a deadline passed earlier that day). */
  createdAt?: Date;
}

/** The fields a user sets: everything but the ids. */
export type AlertRuleFields = Omit<AlertRuleConfig, 'id' | 'tenantId' | 'createdAt'>;

const PATTERN = /^[A-Za-z0-9_.*-]{1,250}$/;
const pattern = z.string().regex(PATTERN, 'letters, digits, _ . - and * (any characters)');
const DEADLINE_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const ruleSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  event: z.enum(ALERT_EVENTS as [AlertEventType, ...AlertEventType[]]),
  severity: z.enum(ALERT_SEVERITIES).default('ERROR'),
  dagIds: z.array(pattern).max(100).default([]),
  tags: z.array(z.string().min(1).max(100)).max(50).default([]),
  taskIds: z.array(pattern).max(100).default([]),
  channelIds: z
    .array(z.uuid({ message: 'must be a channel id' }))
    .max(20)
    .default([]),
  durationSeconds: z
    .number()
    .int()
    .min(1)
    .max(31 * 86_400)
    .nullable()
    .default(null),
  deadlineTime: z.string().regex(DEADLINE_TIME, 'must be HH:MM (24-hour)').nullable().default(null),
  deadlineTimezone: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone, e.g. America/New_York')
    .nullable()
    .default(null),
  freshnessHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 366)
    .nullable()
    .default(null),
  consecutiveFailures: z.number().int().min(2).max(1000).nullable().default(null),
  throttleSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(0),
  mutedUntil: z.date().nullable().default(null),
  enabled: z.boolean().default(true),
});

/** The fields of a rule a user sets, in the schema's order. */
export const ALERT_RULE_FIELDS = Object.keys(ruleSchema.shape) as Array<keyof AlertRuleFields>;

const ALL_PARAMS: readonly RuleParam[] = ['durationSeconds', 'deadlineTime', 'deadlineTimezone', 'freshnessHours', 'consecutiveFailures'];

/**
 * Validates a rule's fields (a whole rule: for an update, merge the patch over the stored rule
 * first). Errors are BAD_USER_INPUT with the offending field's path. The event's parameters are
 * required, the others must be empty, and task id filters only make sense for task events.
 */
export function parseAlertRule(input: unknown): AlertRuleFields {
  const parsed = ruleSchema.safeParse(input);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    throw badInput(`invalid alert rule: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors[0]?.path, { errors });
  }
  const rule = parsed.data;
  const def = alertEventDefinition(rule.event);
  for (const param of ALL_PARAMS) {
    const needed = (def.params as readonly RuleParam[]).includes(param);
    if (needed && rule[param] === null) throw badInput(`a ${rule.event} rule needs ${param}`, param);
    if (!needed && rule[param] !== null) throw badInput(`${param} only applies to ${eventsWith(param).join(', ')} rules`, param);
  }
  if (!def.taskFilter && rule.taskIds.length > 0) {
    throw badInput(`taskIds only apply to task events (${ALERT_EVENTS.filter((e) => ALERT_EVENT_DEFINITIONS[e].taskFilter).join(', ')})`, 'taskIds');
  }
  if (new Set(rule.channelIds).size !== rule.channelIds.length) throw badInput('a channel is listed twice', 'channelIds');
  return rule;
}

function eventsWith(param: RuleParam): AlertEventType[] {
  return ALERT_EVENTS.filter((e) => (ALERT_EVENT_DEFINITIONS[e].params as readonly RuleParam[]).includes(param));
}

/**
 * `*` matches any run of characters; everything else is literal. A linear-time wildcard match
 * (greedy, backtracking only to the last `*`), not a regular expression: a pattern such as
 * `*a*a*a*b` against a long id would make a backtracking regex take seconds, and one tenant's rule
 * must not stall the evaluator every tenant shares.
 */
export function matchesPattern(patternText: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    if (p < patternText.length && patternText[p] === '*') {
      star = p++;
      resume = v;
    } else if (p < patternText.length && patternText[p] === value[v]) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < patternText.length && patternText[p] === '*') p++;
  return p === patternText.length;
}

/** What a rule's filters look at. */
export interface AlertSubject {
  dagId: string;
  tags: readonly string[];
  taskId?: string | null;
}

/**
 * Whether a rule's filters match: every non-empty filter must (dag ids: any pattern; tags: any tag;
 * task ids: any pattern, and only for a subject with a task). Empty filters match everything.
 */
export function ruleMatches(rule: Pick<AlertRuleConfig, 'dagIds' | 'tags' | 'taskIds'>, subject: AlertSubject): boolean {
  if (rule.dagIds.length > 0 && !rule.dagIds.some((p) => matchesPattern(p, subject.dagId))) return false;
  if (rule.tags.length > 0 && !rule.tags.some((t) => subject.tags.includes(t))) return false;
  if (rule.taskIds.length > 0) {
    if (!subject.taskId) return false;
    if (!rule.taskIds.some((p) => matchesPattern(p, subject.taskId as string))) return false;
  }
  return true;
}

/**
 * A muted rule records its alerts (the inbox shows them, `notified: false`) but tells no channel.
 * Throttling, the other reason an alert is not sent, needs the rule's last notified alert: the
 * store decides it in the statement that opens the alert (packages/alerts, alert-store.ts).
 */
export function isMuted(rule: Pick<AlertRuleConfig, 'mutedUntil'>, at: Date): boolean {
  return rule.mutedUntil !== null && rule.mutedUntil.getTime() > at.getTime();
}
