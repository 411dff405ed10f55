import { ALERT_RULE_FIELDS, badInput, conflict, notFound, parseAlertRule, ruleMatches, type AlertRuleFields } from '@tower/core';
import { isUuid, sqlOf, type AlertRule } from '@tower/db';
import type { AlertsDeps } from './deps.js';
import { AlertStore, type AlertWrites } from './alert-store.js';

/** A rule as stored; the API returns it as is, the evaluator reads it as core's AlertRuleConfig. */
export type AlertRuleView = AlertRule;

/** The rule fields of `input` the caller set (undefined = not sent; an explicit null is kept). */
function fieldsOf(input: Record<string, unknown>): Partial<Record<keyof AlertRuleFields, unknown>> {
  return Object.fromEntries(ALERT_RULE_FIELDS.filter((k) => input[k] !== undefined).map((k) => [k, input[k]]));
}

/** A tenant's alert rules: validated by core, channels checked to be the tenant's own. */
export class AlertRuleService {
  private readonly store: AlertStore;

  constructor(private readonly deps: AlertsDeps) {
    this.store = new AlertStore(sqlOf(deps.prisma), deps);
  }

  async list(tenantId: string): Promise<AlertRuleView[]> {
    const rows = await this.deps.prisma.alertRule.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
    return rows;
  }

  async get(tenantId: string, id: string): Promise<AlertRuleView> {
    return this.row(tenantId, id);
  }

  async create(tenantId: string, input: Record<string, unknown>): Promise<AlertRuleView> {
    const fields = parseAlertRule(fieldsOf(input));
    await this.checkChannels(tenantId, fields.channelIds);
    return uniqueName(fields.name, this.deps.prisma.alertRule.create({ data: { tenantId, ...fields } }));
  }

  /** A patch over the stored rule (absent = keep, null = clear), validated whole. */
  async update(tenantId: string, id: string, patch: Record<string, unknown>): Promise<AlertRuleView> {
    const current = await this.row(tenantId, id);
    const fields = parseAlertRule({ ...fieldsOf(current), ...fieldsOf(patch) });
    await this.checkChannels(tenantId, fields.channelIds);
    const [row] = await uniqueName(
      fields.name,
      this.deps.prisma.alertRule.updateManyAndReturn({ where: { id: current.id, tenantId, updatedAt: current.updatedAt }, data: fields }),
    );
    if (!row) throw conflict(`alert rule "${current.name}" was changed concurrently; retry`);
    return row;
  }

  /**
   * Deletes the rule. Its firing alerts are resolved first (channels that understand resolve are
   * told, so no PagerDuty incident is left open by a rule that no longer exists); its alerts stay
   * in the inbox.
   */
  async delete(tenantId: string, id: string): Promise<AlertWrites> {
    const current = await this.row(tenantId, id);
    return this.store.resolveRuleAndDelete(tenantId, current.id);
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

/** A rule name is unique per tenant: the unique index's refusal becomes CONFLICT. */
async function uniqueName<T>(name: string, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw conflict(`an alert rule "${name}" already exists`, { name });
    throw err;
  }
}
