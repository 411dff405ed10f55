import { ALERT_EVENTS, alertEventDefinition, notificationDecision, type AlertEventType, type AlertOpening, type AlertResolution } from '@tower/core';
import type { Sql, SqlQuery } from '@tower/db';
import type { AlertChangeKind, AlertSnapshot } from '@tower/events';
import type { AlertsDeps } from './deps.js';

/** The Alert columns as one JSON object per row (dates as ISO strings, as events carry them). */
export const ALERT_JSON = `json_build_object(
  'id', a.id, 'tenantId', a."tenantId", 'ruleId', a."ruleId", 'ruleName', a."ruleName", 'event', a.event,
  'severity', a.severity, 'state', a.state, 'dedupKey', a."dedupKey", 'notified', a.notified, 'dagId', a."dagId",
  'dagRunId', a."dagRunId", 'runId', a."runId", 'taskId', a."taskId", 'summary', a.summary, 'details', a.details,
  'occurrences', a.occurrences, 'firedAt', to_char(a."firedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'lastEventAt', to_char(a."lastEventAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'resolvedAt', to_char(a."resolvedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'acknowledgedAt', to_char(a."acknowledgedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'acknowledgedBy', a."acknowledgedBy")`;

/** What a write did: alert events to publish and deliveries to enqueue, once it has committed. */
export interface AlertWrites {
  changes: Array<{ change: AlertChangeKind; alert: AlertSnapshot }>;
  deliveries: Array<{ id: string; channelId: string }>;
}

export const noWrites = (): AlertWrites => ({ changes: [], deliveries: [] });

export function mergeWrites(into: AlertWrites, more: AlertWrites): AlertWrites {
  into.changes.push(...more.changes);
  into.deliveries.push(...more.deliveries);
  return into;
}

/** Folds an event into the rule's open alert for the key: one more occurrence, its task listed once. */
const FOLD_DETAILS = `CASE WHEN $3::text IS NULL OR coalesce(a.details->'tasks', '[]'::jsonb) @> to_jsonb($3::text) THEN a.details
  ELSE jsonb_set(a.details, '{tasks}', coalesce(a.details->'tasks', '[]'::jsonb) || to_jsonb($3::text)) END`;

const FOLD_FIRING = `UPDATE "Alert" a SET occurrences = a.occurrences + 1, "lastEventAt" = $4, details = ${FOLD_DETAILS}
  WHERE a."ruleId" = $1 AND a."openKey" = $2 AND a.state = 'FIRING' RETURNING ${ALERT_JSON} AS alert`;

const FOLD_NOTICE = `UPDATE "Alert" a SET occurrences = a.occurrences + 1, "lastEventAt" = $4, details = ${FOLD_DETAILS}
  WHERE a.id = (SELECT id FROM "Alert" WHERE "ruleId" = $1 AND "dedupKey" = $2 ORDER BY "firedAt" DESC LIMIT 1)
  RETURNING ${ALERT_JSON} AS alert`;

const LAST_NOTIFIED = `SELECT max("firedAt") AS at FROM "Alert" WHERE "ruleId" = $1 AND "dagId" = $2 AND notified`;

const INSERT_ALERT = `WITH a AS (
    INSERT INTO "Alert" ("tenantId", "ruleId", "ruleName", event, severity, state, "dedupKey", "openKey", notified, "dagId",
      "dagRunId", "runId", "taskId", summary, details, "firedAt", "lastEventAt", "resolvedAt")
    VALUES ($1, $2, $3, $4::"AlertEvent", $5::"AlertSeverity", $6::"AlertState", $7, $8, $9, $10, $11::uuid, $12, $13, $14, $15::jsonb, $16, $16,
      CASE WHEN $6 = 'RESOLVED' THEN $16::timestamptz END)
    ON CONFLICT ("ruleId", "openKey") DO NOTHING
    RETURNING *)
  SELECT ${ALERT_JSON} AS alert FROM a`;

/** One TRIGGER delivery per channel of the rule that still exists and is the tenant's own. */
const INSERT_TRIGGERS = `INSERT INTO "AlertDelivery" ("tenantId", "alertId", "channelId", kind)
  SELECT $1, $2, c.id, 'TRIGGER' FROM "AlertChannel" c WHERE c."tenantId" = $1 AND c.id = ANY($3::uuid[])
  ON CONFLICT ("alertId", "channelId", kind) DO NOTHING RETURNING id, "channelId"`;

/** Timer-driven alerts fired at sweep time, so a cause's own time cannot order them. */
const TIMER_EVENTS: AlertEventType[] = ['RUN_DURATION', 'RUN_DEADLINE', 'FRESHNESS'];

/**
 * Resolves firing alerts and queues RESOLVE deliveries to the rule's channels that understand a
 * resolve (webhook, Slack, PagerDuty; not email) for those that were notified. `$5` limits it to
 * alerts that fired at or before the cause (a later failure is not resolved by an earlier success
 * read late), except for timer-driven ones.
 */
const RESOLVE = `WITH r AS (
    UPDATE "Alert" a SET state = 'RESOLVED', "openKey" = NULL, "resolvedAt" = $5
    WHERE a."tenantId" = $1 AND a.state = 'FIRING' AND ($2::text IS NULL OR a."dagId" = $2) AND a.event = ANY($3::"AlertEvent"[])
      AND ($4::uuid IS NULL OR a."dagRunId" = $4) AND ($6::uuid IS NULL OR a."ruleId" = $6)
      AND (a."firedAt" <= $5 OR a.event = ANY($7::"AlertEvent"[]))
    RETURNING a.*),
  d AS (
    INSERT INTO "AlertDelivery" ("tenantId", "alertId", "channelId", kind)
    SELECT r."tenantId", r.id, c.id, 'RESOLVE' FROM r
    JOIN "AlertRule" ru ON ru.id = r."ruleId"
    JOIN "AlertChannel" c ON c.id = ANY(ru."channelIds") AND c."tenantId" = r."tenantId" AND c.type <> 'EMAIL'
    WHERE r.notified
    ON CONFLICT ("alertId", "channelId", kind) DO NOTHING
    RETURNING id, "channelId")
  SELECT (SELECT coalesce(json_agg(${ALERT_JSON}), '[]'::json) FROM r a) AS alerts,
         (SELECT coalesce(json_agg(json_build_object('id', d.id, 'channelId', d."channelId")), '[]'::json) FROM d) AS deliveries`;

/**
 * The writes of alerts: open (or fold into the open alert of the same rule and key) and resolve.
 * Each runs on the caller's transaction (`q`), so an alert, its deliveries and whatever moved the
 * evaluator past its cause commit together. Callers serialize (the evaluator's advisory lock); the
 * unique (ruleId, openKey) index is the backstop that makes a second open of a key a no-op.
 */
export class AlertStore {
  constructor(
    private readonly sql: Sql,
    private readonly deps: Pick<AlertsDeps, 'logger'>,
  ) {}

  async open(q: SqlQuery, o: AlertOpening): Promise<AlertWrites> {
    const resolves = alertEventDefinition(o.rule.event).resolves;
    const atIso = o.at.toISOString();
    const folded = await q<{ alert: AlertSnapshot }>(resolves ? FOLD_FIRING : FOLD_NOTICE, [o.rule.id, o.dedupKey, o.taskId, atIso]);
    if (folded.length > 0) return { changes: [{ change: 'folded', alert: folded[0].alert }], deliveries: [] };
    let lastNotifiedAt: Date | null = null;
    if (o.rule.throttleSeconds > 0) {
      const [row] = await q<{ at: Date | null }>(LAST_NOTIFIED, [o.rule.id, o.dagId]);
      lastNotifiedAt = row?.at ?? null;
    }
    const notified = notificationDecision(o.rule, o.at, lastNotifiedAt).notify;
    const inserted = await q<{ alert: AlertSnapshot }>(INSERT_ALERT, [
      o.rule.tenantId,
      o.rule.id,
      o.rule.name,
      o.rule.event,
      o.rule.severity,
      resolves ? 'FIRING' : 'RESOLVED',
      o.dedupKey,
      resolves ? o.dedupKey : null,
      notified,
      o.dagId,
      o.dagRunId,
      o.runId,
      o.taskId,
      o.summary,
      JSON.stringify(o.details),
      atIso,
    ]);
    if (inserted.length === 0) return noWrites();
    const alert = inserted[0].alert;
    const deliveries =
      notified && o.rule.channelIds.length > 0
        ? await q<{ id: string; channelId: string }>(INSERT_TRIGGERS, [o.rule.tenantId, alert.id, o.rule.channelIds])
        : [];
    return { changes: [{ change: 'fired', alert }], deliveries };
  }

  async resolve(q: SqlQuery, r: AlertResolution & { ruleId?: string | null }): Promise<AlertWrites> {
    const [row] = await q<{ alerts: AlertSnapshot[]; deliveries: Array<{ id: string; channelId: string }> }>(RESOLVE, [
      r.tenantId,
      r.dagId || null,
      r.events,
      r.dagRunId,
      r.at.toISOString(),
      r.ruleId ?? null,
      TIMER_EVENTS,
    ]);
    return { changes: row.alerts.map((alert) => ({ change: 'resolved' as const, alert })), deliveries: row.deliveries };
  }

  /** Resolves a rule's firing alerts (telling its channels) and deletes it, in one transaction. */
  async resolveRuleAndDelete(tenantId: string, ruleId: string, reason: string): Promise<AlertWrites> {
    return this.sql.transaction(async (tx) => {
      const writes = await this.resolve(tx.query, {
        tenantId,
        dagId: '',
        dagRunId: null,
        events: [...ALERT_EVENTS],
        reason,
        at: new Date(),
        ruleId,
      });
      await tx.query(`DELETE FROM "AlertRule" WHERE id = $1 AND "tenantId" = $2`, [ruleId, tenantId]);
      this.deps.logger.info({ tenantId, ruleId, resolved: writes.changes.length }, 'alert rule deleted');
      return writes;
    });
  }
}
