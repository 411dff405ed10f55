import { ALERT_EVENTS, alertEventDefinition, isMuted, type AlertEventType, type AlertOpening, type AlertResolution } from '@tower/core';
import type { Sql, SqlQuery } from '@tower/db';
import type { AlertChangeKind, AlertSnapshot } from '@tower/events';
import type { AlertsDeps } from './deps.js';

/** One evaluator at a time across every replica (a transaction-level advisory lock); rule deletion takes it too. */
export const EVALUATOR_LOCK = 'tower:alerts:evaluator';

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

/**
 * Opens an alert, or folds the event into the rule's alert for the same key (the firing one; for
 * a notification, the latest) — one statement, one round trip: fold, else insert (notified unless
 * muted, $9, or throttled, $18 seconds, per rule and DAG), and queue a TRIGGER per channel of the
 * rule that is the tenant's own ($17). A folded event lists its task once in details.tasks (the
 * first 50; occurrences counts them all).
 */
const OPEN = `WITH folded AS (
    UPDATE "Alert" a SET occurrences = a.occurrences + 1, "lastEventAt" = $16::timestamptz,
      details = CASE WHEN $13::text IS NULL OR coalesce(a.details->'tasks', '[]'::jsonb) @> to_jsonb($13::text)
          OR jsonb_array_length(coalesce(a.details->'tasks', '[]'::jsonb)) >= 50 THEN a.details
        ELSE jsonb_set(a.details, '{tasks}', coalesce(a.details->'tasks', '[]'::jsonb) || to_jsonb($13::text)) END
    WHERE a.id = (SELECT f.id FROM "Alert" f WHERE f."ruleId" = $2 AND f."dedupKey" = $7 AND ($6::text = 'RESOLVED' OR f.state = 'FIRING')
                  ORDER BY f."firedAt" DESC LIMIT 1)
    RETURNING a.*),
  ins AS (
    INSERT INTO "Alert" ("tenantId", "ruleId", "ruleName", event, severity, state, "dedupKey", "openKey", notified, "dagId",
      "dagRunId", "runId", "taskId", summary, details, "firedAt", "lastEventAt", "resolvedAt")
    SELECT $1::uuid, $2::uuid, $3, $4::"AlertEvent", $5::"AlertSeverity", $6::text::"AlertState", $7, $8, NOT $9::boolean AND ($18::int = 0 OR NOT EXISTS (
        SELECT 1 FROM "Alert" t WHERE t."ruleId" = $2 AND t."dagId" = $10 AND t.notified AND t."firedAt" > $16::timestamptz - $18 * interval '1 second')),
      $10, $11::uuid, $12, $13, $14, $15::jsonb, $16::timestamptz, $16::timestamptz, CASE WHEN $6::text = 'RESOLVED' THEN $16::timestamptz END
    WHERE NOT EXISTS (SELECT 1 FROM folded)
    ON CONFLICT ("ruleId", "openKey") DO NOTHING
    RETURNING *),
  d AS (
    INSERT INTO "AlertDelivery" ("tenantId", "alertId", "channelId", kind)
    SELECT i."tenantId", i.id, c.id, 'TRIGGER' FROM ins i JOIN "AlertChannel" c ON c."tenantId" = i."tenantId" AND c.id = ANY($17::uuid[])
    WHERE i.notified
    ON CONFLICT ("alertId", "channelId", kind) DO NOTHING RETURNING id, "channelId")
  SELECT (SELECT ${ALERT_JSON} FROM folded a) AS folded, (SELECT ${ALERT_JSON} FROM ins a) AS inserted,
    (SELECT coalesce(json_agg(json_build_object('id', d.id, 'channelId', d."channelId")), '[]'::json) FROM d) AS deliveries`;

/** Timer-driven alerts fired at sweep time, so a cause's own time cannot order them. */
const TIMER_EVENTS: AlertEventType[] = ['RUN_DURATION', 'RUN_DEADLINE', 'FRESHNESS'];

/**
 * Resolves firing alerts and queues a RESOLVE to each channel the alert's TRIGGER went to (the
 * channels that were told, whatever the rule says now) that understands a resolve (webhook, Slack,
 * PagerDuty; not email). `$5` limits it to
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
    JOIN "AlertDelivery" t ON t."alertId" = r.id AND t.kind = 'TRIGGER'
    JOIN "AlertChannel" c ON c.id = t."channelId" AND c."tenantId" = r."tenantId" AND c.type <> 'EMAIL'
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
    const muted = isMuted(o.rule, o.at);
    const [row] = await q<{ folded: AlertSnapshot | null; inserted: AlertSnapshot | null; deliveries: Array<{ id: string; channelId: string }> }>(OPEN, [
      o.rule.tenantId,
      o.rule.id,
      o.rule.name,
      o.rule.event,
      o.rule.severity,
      resolves ? 'FIRING' : 'RESOLVED',
      o.dedupKey,
      resolves ? o.dedupKey : null,
      muted,
      o.dagId,
      o.dagRunId,
      o.runId,
      o.taskId,
      o.summary,
      JSON.stringify(o.details),
      o.at.toISOString(),
      o.rule.channelIds,
      o.rule.throttleSeconds,
    ]);
    if (row.folded) return { changes: [{ change: 'folded', alert: row.folded }], deliveries: [] };
    if (!row.inserted) return noWrites();
    return { changes: [{ change: 'fired', alert: row.inserted }], deliveries: row.deliveries };
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
  async resolveRuleAndDelete(tenantId: string, ruleId: string): Promise<AlertWrites> {
    // Under the evaluator's lock: no alert of the rule can be opened between this resolve and the delete.
    return this.sql.transaction(
      async (tx) => {
        const writes = await this.resolve(tx.query, {
          tenantId,
          dagId: '',
          dagRunId: null,
          events: [...ALERT_EVENTS],
          at: new Date(),
          ruleId,
        });
        await tx.query(`DELETE FROM "AlertRule" WHERE id = $1 AND "tenantId" = $2`, [ruleId, tenantId]);
        this.deps.logger.info({ tenantId, ruleId, resolved: writes.changes.length }, 'alert rule deleted');
        return writes;
      },
      { lockKeys: [EVALUATOR_LOCK] },
    );
  }
}
