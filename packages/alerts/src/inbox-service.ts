import { badInput, notFound, ALERT_SEVERITIES, type AlertSeverity } from '@tower/core';
import { isUuid, sqlOf, type AlertDelivery, type Prisma, type Sql } from '@tower/db';
import type { AlertSnapshot } from '@tower/events';
import { ALERT_JSON, type AlertWrites } from './alert-store.js';
import type { AlertsDeps } from './deps.js';

export interface AlertFilters {
  state?: 'FIRING' | 'RESOLVED' | null;
  severity?: AlertSeverity | null;
  dagId?: string | null;
  /** Only alerts not yet acknowledged. */
  unacknowledged?: boolean | null;
}

export interface AlertPage {
  /** Newest first, up to `limit + 1` (the extra one says a next page exists). */
  alerts: AlertSnapshot[];
  /** Alerts matching the filters, all pages. */
  totalCount: number;
}

/** An alert's keyset in the inbox order (newest first): `<firedAt ISO>|<id>`. */
export const inboxKeyOf = (alert: { firedAt: string | Date; id: string }): string =>
  `${typeof alert.firedAt === 'string' ? alert.firedAt : alert.firedAt.toISOString()}|${alert.id}`;

const ACK = `UPDATE "Alert" a SET "acknowledgedAt" = $3, "acknowledgedBy" = $4
  WHERE a.id = $1 AND a."tenantId" = $2 AND a."acknowledgedAt" IS NULL RETURNING ${ALERT_JSON} AS alert`;
const ONE = `SELECT ${ALERT_JSON} AS alert FROM "Alert" a WHERE a.id = $1 AND a."tenantId" = $2`;

/**
 * The in-app inbox: a tenant's alerts newest first (keyset pages, stable under inserts), filters,
 * acknowledgement, and the delivery log. Tenant id first, always.
 */
export class AlertInboxService {
  private readonly sql: Sql;

  constructor(private readonly deps: AlertsDeps) {
    this.sql = sqlOf(deps.prisma);
  }

  /** A keyset page (stable while alerts arrive): `afterKey` is the last key already seen (inboxKeyOf). */
  async list(tenantId: string, filters: AlertFilters, limit: number, afterKey: string | null): Promise<AlertPage> {
    if (filters.severity && !ALERT_SEVERITIES.includes(filters.severity)) throw badInput(`severity must be one of ${ALERT_SEVERITIES.join(', ')}`, 'severity');
    if (filters.state && filters.state !== 'FIRING' && filters.state !== 'RESOLVED') throw badInput('state must be FIRING or RESOLVED', 'state');
    const where = ['a."tenantId" = $1'];
    const values: unknown[] = [tenantId];
    const add = (clause: string, value: unknown) => {
      values.push(value);
      where.push(clause.replace('?', `$${values.length}`));
    };
    if (filters.state) add('a.state = ?::"AlertState"', filters.state);
    if (filters.severity) add('a.severity = ?::"AlertSeverity"', filters.severity);
    if (filters.dagId) add('a."dagId" = ?', filters.dagId);
    if (filters.unacknowledged) where.push('a."acknowledgedAt" IS NULL');
    const filtered = [...where];
    const filterValues = [...values];
    if (afterKey) {
      const [at, id] = afterKey.split('|');
      if (Number.isNaN(Date.parse(at)) || !isUuid(id)) throw badInput('after is not a cursor of this list', 'after');
      values.push(at, id);
      where.push(`(a."firedAt", a.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    values.push(limit + 1);
    const rows = await this.sql.query<{ alert: AlertSnapshot }>(
      `SELECT ${ALERT_JSON} AS alert FROM "Alert" a WHERE ${where.join(' AND ')} ORDER BY a."firedAt" DESC, a.id DESC LIMIT $${values.length}`,
      values,
    );
    const [{ count }] = await this.sql.query<{ count: number }>(`SELECT count(*)::int AS count FROM "Alert" a WHERE ${filtered.join(' AND ')}`, filterValues);
    return { alerts: rows.map((r) => r.alert), totalCount: count };
  }

  async get(tenantId: string, id: string): Promise<AlertSnapshot> {
    const [row] = isUuid(id) ? await this.sql.query<{ alert: AlertSnapshot }>(ONE, [id, tenantId]) : [];
    if (!row) throw notFound(`alert ${id}`);
    return row.alert;
  }

  /** Idempotent: acknowledging twice keeps the first acknowledgement. */
  async acknowledge(tenantId: string, id: string, by: string): Promise<{ alert: AlertSnapshot; writes: AlertWrites }> {
    const current = await this.get(tenantId, id);
    if (current.acknowledgedAt) return { alert: current, writes: { changes: [], deliveries: [] } };
    const [row] = await this.sql.query<{ alert: AlertSnapshot }>(ACK, [id, tenantId, this.deps.clock().toISOString(), by]);
    if (!row) return { alert: await this.get(tenantId, id), writes: { changes: [], deliveries: [] } };
    return { alert: row.alert, writes: { changes: [{ change: 'acknowledged', alert: row.alert }], deliveries: [] } };
  }

  /** The delivery log, newest first: of a channel, or of an alert. */
  async deliveries(tenantId: string, filter: { channelId?: string | null; alertId?: string | null }, first: number): Promise<AlertDelivery[]> {
    const where: Prisma.AlertDeliveryWhereInput = { tenantId };
    // Another tenant's channel or alert is NOT_FOUND, not an empty log.
    if (filter.channelId) {
      const own = isUuid(filter.channelId) && (await this.deps.prisma.alertChannel.count({ where: { id: filter.channelId, tenantId } })) > 0;
      if (!own) throw notFound(`alert channel ${filter.channelId}`);
      where.channelId = filter.channelId;
    }
    if (filter.alertId) {
      const own = isUuid(filter.alertId) && (await this.deps.prisma.alert.count({ where: { id: filter.alertId, tenantId } })) > 0;
      if (!own) throw notFound(`alert ${filter.alertId}`);
      where.alertId = filter.alertId;
    }
    return this.deps.prisma.alertDelivery.findMany({ where, orderBy: { createdAt: 'desc' }, take: first });
  }
}
