/**
 * Events that cross process boundaries (worker/scheduler → every API replica). Payloads are plain
 * JSON snapshots of the row after the change, dates as ISO strings, so a subscriber needs no query.
 */
export interface DagRunSnapshot {
  id: string;
  tenantId: string;
  dagId: string;
  runId: string;
  runType: string;
  state: string;
  logicalDate: string;
  dataIntervalStart: string;
  dataIntervalEnd: string;
  params: unknown;
  queuedAt: string;
  startedAt: string | null;
  endedAt: string | null;
  dagVersion: number;
}

export interface TaskInstanceSnapshot {
  id: string;
  tenantId: string;
  dagRunId: string;
  dagId: string;
  taskId: string;
  operator: string;
  state: string;
  tryNumber: number;
  maxTries: number;
  queuedAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  nextAttemptAt: string | null;
}

export interface TaskLogLine {
  tenantId: string;
  taskInstanceId: string;
  tryNumber: number;
  ts: string;
  level: string;
  message: string;
}

/** An alert as it is stored (dates as ISO strings). */
export interface AlertSnapshot {
  id: string;
  tenantId: string;
  ruleId: string | null;
  ruleName: string;
  event: string;
  severity: string;
  state: string;
  dedupKey: string;
  notified: boolean;
  dagId: string | null;
  dagRunId: string | null;
  runId: string | null;
  taskId: string | null;
  summary: string;
  details: unknown;
  occurrences: number;
  firedAt: string;
  lastEventAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

/** What happened to an alert: opened, an event folded into it, resolved, acknowledged. */
export type AlertChangeKind = 'fired' | 'folded' | 'resolved' | 'acknowledged';

export type TowerEvent =
  | { kind: 'dagRun'; tenantId: string; dagId: string; dagRunId: string; run: DagRunSnapshot }
  | { kind: 'taskInstance'; tenantId: string; dagId: string; dagRunId: string; taskInstance: TaskInstanceSnapshot }
  | { kind: 'taskLog'; tenantId: string; taskInstanceId: string; tryNumber: number; lines: StoredTaskLogLine[] }
  | { kind: 'alert'; tenantId: string; change: AlertChangeKind; alert: AlertSnapshot };

/** A log line as stored: with its TaskLog id (a decimal string: the column is a bigint). */
export type StoredTaskLogLine = TaskLogLine & { id: string };

export type TowerEventKind = TowerEvent['kind'];

/**
 * Each tenant's events travel on a channel of their own: an API process subscribes only to the
 * tenants its open subscriptions watch, so one tenant's flood costs the others nothing, and a
 * subscriber is never even sent another tenant's events.
 */
export function eventsChannel(prefix: string, tenantId: string): string {
  return `${prefix}:events:${tenantId}`;
}

/** A task instance moved away from running by an operation; the worker running `tryNumber` stops it. */
export interface TryStop {
  taskInstanceId: string;
  tryNumber: number;
  state: string;
}

export function tryStopsChannel(prefix: string): string {
  return `${prefix}:try-stops`;
}

/**
 * Credentials that stopped being valid: every API process closes the graphql-ws sockets opened with
 * them at once (a revoked key, a logged-out or revoked session, a member removed from a tenant).
 */
export type PrincipalRevocation =
  | { kind: 'apiKey'; tenantId: string; apiKeyId: string }
  | { kind: 'session'; tenantId: string; sessionId: string }
  | { kind: 'member'; tenantId: string; userId: string };

export function principalRevocationsChannel(prefix: string): string {
  return `${prefix}:principal-revocations`;
}
