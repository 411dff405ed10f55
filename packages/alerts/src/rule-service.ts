import { badInput, conflict, notFound, parseAlertRule, ruleMatches, type AlertRuleConfig, type AlertRuleFields } from '@tower/core';
import { isUuid, sqlOf, type AlertRule } from '@tower/db';
import type { AlertsDeps } from './deps.js';
import { AlertStore, type AlertWrites } from './alert-store.js';

/** A rule as stored (the API returns it as is). */
export type AlertRuleView = AlertRuleConfig & { createdAt: Date; updatedAt: Date };

export function ruleConfigOf(row: AlertRule): AlertRuleView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    event: row.event,
    severity: row.severity,
    dagIds: row.dagIds,
    tags: row.tags,
    taskIds: row.taskIds,
    channelIds: row.channelIds,
    durationSeconds: row.durationSeconds,
    deadlineTime: row.deadlineTime,
    deadlineTimezone: row.deadlineTimezone,
    freshnessHours: row.freshnessHours,
    consecutiveFailures: row.consecutiveFailures,
    throttleSeconds: row.throttleSeconds,
    mutedUntil: row.mutedUntil,
    enabled: row.enabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const EDITABLE: ReadonlyArray<keyof AlertRuleFields> = [
  'name',
  'event',
  'severity',
  'dagIds',
  'tags',
  'taskIds',
  'channelIds',
  'durationSeconds',
  'deadlineTime',
  'deadlineTimezone',
  'freshnessHours',
  'consecutiveFailures',
  'throttleSeconds',
  'mutedUntil',
  'enabled',
];

/** Strips fields the caller did not send (undefined), keeping explicit nulls. */
function present(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && (EDITABLE as readonly string[]).includes(k)));
}

/** A tenant's alert rules: validated by core, channels checked to be the tenant's own. */
export class AlertRuleService {
  private readonly store: AlertStore;

  constructor(private readonly deps: AlertsDeps) {
    this.store = new AlertStore(sqlOf(deps.prisma), deps);
  }

  async list(tenantId: string): Promise<AlertRuleView[]> {
    const rows = await this.deps.prisma.alertRule.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
    return rows.map(ruleConfigOf);
  }

  async get(tenantId: string, id: string): Promise<AlertRuleView> {
    return ruleConfigOf(await this.row(tenantId, id));
  }

  async create(tenantId: string, input: Record<string, unknown>): Promise<AlertRuleView> {
    const fields = parseAlertRule(present(input));
    await this.checkChannels(tenantId, fields.channelIds);
    try {
      return ruleConfigOf(await this.deps.prisma.alertRule.create({ data: { tenantId, ...fields } }));
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw conflict(`an alert rule "${fields.name}" already exists`, { name: fields.name });
      throw err;
    }
  }

  /** A patch over the stored rule (absent = keep, null = clear), validated whole. */
  async update(tenantId: string, id: string, patch: Record<string, unknown>): Promise<AlertRuleView> {
    const current = await this.row(tenantId, id);
    const { id: _id, tenantId: _t, createdAt: _c, updatedAt: _u, ...stored } = ruleConfigOf(current);
    const fields = parseAlertRule({ ...stored, ...present(patch) });
    await this.checkChannels(tenantId, fields.channelIds);
    try {
      const [row] = await this.deps.prisma.alertRule.updateManyAndReturn({ where: { id: current.id, tenantId, updatedAt: current.updatedAt }, data: fields });
      if (!row) throw conflict(`alert rule "${current.name}" was changed concurrently; retry`);
      return ruleConfigOf(row);
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw conflict(`an alert rule "${fields.name}" already exists`, { name: fields.name });
      throw err;
    }
  }

  /**
   * Deletes the rule. Its firing alerts are resolved first (channels that understand resolve are
   * told, so no PagerDuty incident is left open by a rule that no longer exists); its alerts stay
   * in the inbox.
   */
  async delete(tenantId: string, id: string): Promise<AlertWrites> {
    const current = await this.row(tenantId, id);
    return this.store.resolveRuleAndDelete(tenantId, current.id, `rule "${current.name}" was deleted`);
  }

  /** Which of the tenant's DAGs these filters match (the web app's preview while editing a rule). */
  async preview(tenantId: string, filters: { dagIds?: string[] | null; tags?: string[] | null }): Promise<string[]> {
    const dags = await this.deps.prisma.dag.findMany({ where: { tenantId }, select: { dagId: true, tags: true }, orderBy: { dagId: 'asc' } });
    const rule = { dagIds: filters.dagIds ?? [], tags: filters.tags ?? [], taskIds: [] };
    return dags.filter((d) => ruleMatches(rule, { dagId: d.dagId, tags: d.tags })).map((d) => d.dagId);
  }

  private async checkChannels(tenantId: string, channelIds: readonly string[]): Promise<void> {
    if (channelIds.length === 0) return;
    const found = await this.deps.prisma.alertChannel.findMany({ where: { tenantId, id: { in: [...channelIds] } }, select: { id: true } });
    const known = new Set(found.map((c) => c.id));
    const missing = channelIds.findIndex((id) => !known.has(id));
    if (missing >= 0) throw badInput(`alert channel ${channelIds[missing]} not found`, `channelIds.${missing}`);
  }

  private async row(tenantId: string, id: string): Promise<AlertRule> {
    const row = isUuid(id) ? await this.deps.prisma.alertRule.findFirst({ where: { id, tenantId } }) : null;
    if (!row) throw notFound(`alert rule ${id}`);
    return row;
  }
}
