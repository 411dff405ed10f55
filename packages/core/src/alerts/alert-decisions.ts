import { DateTime } from 'luxon';
import { clipText } from './text.js';
import { alertEventDefinition, ruleMatches, type AlertEventType, type AlertRuleConfig } from './alert-rules.js';

type TerminalRunState = 'success' | 'failed' | 'canceled';

/** A run that ended, as the journal recorded it, with what the evaluator read beside it. */
export interface RunEnded {
  kind: 'run';
  tenantId: string;
  dagId: string;
  tags: readonly string[];
  dagRunId: string;
  runId: string;
  logicalDate: Date;
  state: TerminalRunState;
  at: Date;
  /** The DAG's earlier finished runs by logical date, newest first (as many as the rules need). */
  previous: readonly TerminalRunState[];
  /** A failed run's first failed task and its error, for the message. */
  failedTask?: { taskId: string; error: string | null } | null;
}

/** A task try that ended in failed or up_for_retry. */
export interface TaskEnded {
  kind: 'task';
  tenantId: string;
  dagId: string;
  tags: readonly string[];
  dagRunId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  state: 'failed' | 'up_for_retry';
  /** Core's event: `fail`, `timeout`, `mark`, … */
  event: string;
  sensor: boolean;
  error: string | null;
  at: Date;
}

export type AlertChange = RunEnded | TaskEnded;

/** An alert to open (or to fold into the open alert of the same rule and key). */
export interface AlertOpening {
  rule: AlertRuleConfig;
  dedupKey: string;
  dagId: string;
  dagRunId: string | null;
  runId: string | null;
  taskId: string | null;
  summary: string;
  details: Record<string, unknown>;
  at: Date;
}

/** Firing alerts of a DAG (optionally of one run) for these events resolve. */
export interface AlertResolution {
  tenantId: string;
  dagId: string;
  dagRunId: string | null;
  events: AlertEventType[];
  at: Date;
}

/** Alerts that a run succeeding resolves: the DAG is healthy again. */
const RESOLVED_BY_SUCCESS: AlertEventType[] = ['RUN_FAILED', 'TASK_FAILED', 'SENSOR_TIMED_OUT', 'CONSECUTIVE_FAILURES', 'FRESHNESS'];

const ERROR_EXCERPT = 500;

export function errorExcerpt(error: string | null | undefined): string | null {
  return error ? clipText(error, ERROR_EXCERPT) : null;
}

/** The dedup key of an alert of this event about this subject. */
export function dedupKeyOf(event: AlertEventType, subject: { dagId: string; dagRunId?: string | null; day?: string }): string {
  switch (alertEventDefinition(event).scope) {
    case 'run':
      return `run:${subject.dagRunId}`;
    case 'dag':
      return `dag:${subject.dagId}`;
    case 'dag-day':
      return `dag:${subject.dagId}:${subject.day}`;
  }
}

/**
 * What one journal change means for the tenant's enabled rules: the alerts it opens and the firing
 * alerts it resolves. Pure: the evaluator supplies the rules and the run history.
 */
export function alertsForChange(rules: readonly AlertRuleConfig[], change: AlertChange): { open: AlertOpening[]; resolve: AlertResolution[] } {
  const open: AlertOpening[] = [];
  for (const rule of rules) {
    if (!rule.enabled || rule.tenantId !== change.tenantId) continue;
    const opening = change.kind === 'run' ? runOpening(rule, change) : taskOpening(rule, change);
    if (opening) open.push(opening);
  }
  return { open, resolve: change.kind === 'run' ? runEndResolutions(change) : [] };
}

/**
 * What a run ending resolves, whatever the rules: its duration alerts, the DAG's deadline alerts
 * and, when it succeeded, the DAG's failure and freshness alerts. Needs no rule: an alert that
 * fired is resolved by its cause going away even after its rule changed.
 */
export function runEndResolutions(c: Pick<RunEnded, 'tenantId' | 'dagId' | 'dagRunId' | 'state' | 'at'>): AlertResolution[] {
  const base = { tenantId: c.tenantId, dagId: c.dagId, at: c.at };
  const out: AlertResolution[] = [
    { ...base, dagRunId: c.dagRunId, events: ['RUN_DURATION'] },
    { ...base, dagRunId: null, events: ['RUN_DEADLINE'] },
  ];
  if (c.state === 'success') out.push({ ...base, dagRunId: null, events: RESOLVED_BY_SUCCESS });
  return out;
}

function runOpening(rule: AlertRuleConfig, c: RunEnded): AlertOpening | null {
  if (!ruleMatches(rule, { dagId: c.dagId, tags: c.tags })) return null;
  const base = {
    rule,
    dagId: c.dagId,
    dagRunId: c.dagRunId,
    runId: c.runId,
    taskId: null,
    at: c.at,
    dedupKey: dedupKeyOf(rule.event, { dagId: c.dagId, dagRunId: c.dagRunId }),
  };
  const failure = c.state === 'failed' && c.failedTask ? { failedTask: c.failedTask.taskId, error: errorExcerpt(c.failedTask.error) } : {};
  const details = { state: c.state, logicalDate: c.logicalDate.toISOString(), ...failure };
  // A failed run's alert names the task that failed first (the messages show it beside the error).
  const failed = { ...base, taskId: c.failedTask?.taskId ?? null };
  switch (rule.event) {
    case 'RUN_FAILED':
      return c.state === 'failed' ? { ...failed, summary: `${c.dagId} run ${c.runId} failed`, details } : null;
    case 'RUN_SUCCEEDED':
      return c.state === 'success' ? { ...base, summary: `${c.dagId} run ${c.runId} succeeded`, details } : null;
    case 'RUN_RECOVERED':
      return c.state === 'success' && c.previous[0] === 'failed'
        ? { ...base, summary: `${c.dagId} recovered: run ${c.runId} succeeded after a failed run`, details }
        : null;
    case 'CONSECUTIVE_FAILURES': {
      const n = rule.consecutiveFailures ?? 0;
      const streak = c.previous.slice(0, n - 1);
      if (c.state !== 'failed' || streak.length < n - 1 || streak.some((s) => s !== 'failed')) return null;
      return { ...failed, summary: `${c.dagId} failed ${n} runs in a row (latest: ${c.runId})`, details: { ...details, consecutiveFailures: n } };
    }
    default:
      return null;
  }
}

function taskOpening(rule: AlertRuleConfig, c: TaskEnded): AlertOpening | null {
  if (!alertEventDefinition(rule.event).taskFilter) return null;
  if (!ruleMatches(rule, { dagId: c.dagId, tags: c.tags, taskId: c.taskId })) return null;
  const base = {
    rule,
    dagId: c.dagId,
    dagRunId: c.dagRunId,
    runId: c.runId,
    taskId: c.taskId,
    at: c.at,
    dedupKey: dedupKeyOf(rule.event, { dagId: c.dagId, dagRunId: c.dagRunId }),
  };
  const details = { tasks: [c.taskId], tryNumber: c.tryNumber, error: errorExcerpt(c.error) };
  switch (rule.event) {
    case 'TASK_FAILED':
      // A task marked failed by a person is a decision, not trouble to be told about.
      return c.state === 'failed' && c.event !== 'mark' ? { ...base, summary: `${c.dagId}.${c.taskId} failed in run ${c.runId}`, details } : null;
    case 'TASK_RETRIED':
      return c.state === 'up_for_retry'
        ? { ...base, summary: `${c.dagId}.${c.taskId} failed try ${c.tryNumber} and will retry (run ${c.runId})`, details }
        : null;
    case 'SENSOR_TIMED_OUT':
      return c.state === 'failed' && c.sensor && c.event === 'timeout'
        ? { ...base, summary: `sensor ${c.dagId}.${c.taskId} timed out in run ${c.runId}`, details }
        : null;
    default:
      return null;
  }
}

/** A running run, for RUN_DURATION. */
export interface RunningRun {
  tenantId: string;
  dagId: string;
  tags: readonly string[];
  dagRunId: string;
  runId: string;
  startedAt: Date;
}

export function durationOpening(rule: AlertRuleConfig, run: RunningRun, now: Date): AlertOpening | null {
  if (rule.event !== 'RUN_DURATION' || !rule.durationSeconds || !ruleMatches(rule, run)) return null;
  if (now.getTime() - run.startedAt.getTime() < rule.durationSeconds * 1000) return null;
  return {
    rule,
    dedupKey: dedupKeyOf('RUN_DURATION', run),
    dagId: run.dagId,
    dagRunId: run.dagRunId,
    runId: run.runId,
    taskId: null,
    summary: `${run.dagId} run ${run.runId} has been running for more than ${humanDuration(rule.durationSeconds)}`,
    details: { startedAt: run.startedAt.toISOString(), durationSeconds: rule.durationSeconds },
    at: now,
  };
}

/** The day a deadline rule checks now (in its zone), and that day's deadline instant. */
export function deadlineOf(rule: Pick<AlertRuleConfig, 'deadlineTime' | 'deadlineTimezone'>, now: Date): { day: string; dayStart: Date; deadline: Date } {
  const zone = rule.deadlineTimezone ?? 'UTC';
  const [hour, minute] = (rule.deadlineTime ?? '00:00').split(':').map(Number);
  const local = DateTime.fromJSDate(now, { zone });
  const dayStart = local.startOf('day');
  // A wall time that does not exist (spring forward) moves forward with the clock, as luxon does.
  const deadline = dayStart.set({ hour, minute });
  return { day: dayStart.toISODate() as string, dayStart: dayStart.toJSDate(), deadline: deadline.toJSDate() };
}

/** A DAG as the timer-driven rules see it. */
export interface DagActivity {
  tenantId: string;
  dagId: string;
  tags: readonly string[];
  createdAt: Date;
  /** When the DAG's latest run ended (any terminal state), and its latest success ended. */
  lastEndedAt: Date | null;
  lastSuccessAt: Date | null;
}

/**
 * RUN_DEADLINE: once the day's deadline has passed in the rule's zone, a DAG with no run that
 * ended that day fires one alert for that day; the next run to end resolves it.
 */
export function deadlineOpening(rule: AlertRuleConfig, dag: DagActivity, now: Date): AlertOpening | null {
  if (rule.event !== 'RUN_DEADLINE' || !ruleMatches(rule, dag)) return null;
  const { day, dayStart, deadline } = deadlineOf(rule, now);
  if (now.getTime() < deadline.getTime()) return null;
  // A DAG created, or a rule made, after the day's deadline: nothing was owed (or watched) that day.
  if (dag.createdAt.getTime() > deadline.getTime()) return null;
  if (rule.createdAt && rule.createdAt.getTime() > deadline.getTime()) return null;
  if (dag.lastEndedAt && dag.lastEndedAt.getTime() >= dayStart.getTime()) return null;
  return {
    rule,
    dedupKey: dedupKeyOf('RUN_DEADLINE', { dagId: dag.dagId, day }),
    dagId: dag.dagId,
    dagRunId: null,
    runId: null,
    taskId: null,
    summary: `${dag.dagId} had no finished run by ${rule.deadlineTime} ${rule.deadlineTimezone} on ${day}`,
    details: { day, deadline: deadline.toISOString(), deadlineTime: rule.deadlineTime, deadlineTimezone: rule.deadlineTimezone },
    at: now,
  };
}

/** FRESHNESS: no run succeeded for freshnessHours (counted from the DAG's creation when none ever did). */
export function freshnessOpening(rule: AlertRuleConfig, dag: DagActivity, now: Date): AlertOpening | null {
  if (rule.event !== 'FRESHNESS' || !rule.freshnessHours || !ruleMatches(rule, dag)) return null;
  const since = dag.lastSuccessAt ?? dag.createdAt;
  if (now.getTime() - since.getTime() < rule.freshnessHours * 3_600_000) return null;
  return {
    rule,
    dedupKey: dedupKeyOf('FRESHNESS', dag),
    dagId: dag.dagId,
    dagRunId: null,
    runId: null,
    taskId: null,
    summary: dag.lastSuccessAt
      ? `${dag.dagId} has had no successful run for ${rule.freshnessHours} h (last success ${dag.lastSuccessAt.toISOString()})`
      : `${dag.dagId} has had no successful run in the ${rule.freshnessHours} h since it was created`,
    details: { lastSuccessAt: dag.lastSuccessAt?.toISOString() ?? null, freshnessHours: rule.freshnessHours },
    at: now,
  };
}

export function humanDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
