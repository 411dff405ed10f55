import { deadlineOpening, durationOpening, freshnessOpening, type AlertOpening, type DagActivity, type RunningRun } from '@tower/core';
import type { AlertRule, SqlQuery } from '@tower/db';
import { mergeWrites, noWrites, type AlertStore, type AlertWrites } from './alert-store.js';

const EVER_FIRED = `SELECT 1 AS one FROM "Alert" WHERE "ruleId" = $1 AND "dedupKey" = $2 LIMIT 1`;
const FIRING = `SELECT 1 AS one FROM "Alert" WHERE "ruleId" = $1 AND "openKey" = $2`;

const TIMER_RULES = `SELECT * FROM "AlertRule" WHERE enabled AND event = ANY (ARRAY['RUN_DURATION', 'RUN_DEADLINE', 'FRESHNESS']::"AlertEvent"[])`;

const RUNNING = `SELECT r."tenantId", r."dagId", d.tags, r.id AS "dagRunId", r."runId", r."startedAt"
  FROM "DagRun" r JOIN "Dag" d ON d.id = r."dagPk"
  WHERE r.state = 'running' AND r."tenantId" = ANY($1::uuid[]) AND r."startedAt" <= $2`;

/**
 * Each unpaused DAG of these tenants with its latest ended run and latest success (the newest by
 * logical date: the "latest runs of a DAG" index read backwards, stopping at the first match).
 */
const ACTIVITY = `SELECT d."tenantId", d."dagId", d.tags, d."createdAt",
    (SELECT r."endedAt" FROM "DagRun" r WHERE r."tenantId" = d."tenantId" AND r."dagPk" = d.id
       AND r.state = ANY (ARRAY['success', 'failed', 'canceled']::"RunState"[]) ORDER BY r."logicalDate" DESC LIMIT 1) AS "lastEndedAt",
    (SELECT r."endedAt" FROM "DagRun" r WHERE r."tenantId" = d."tenantId" AND r."dagPk" = d.id
       AND r.state = 'success' ORDER BY r."logicalDate" DESC LIMIT 1) AS "lastSuccessAt"
  FROM "Dag" d WHERE d."tenantId" = ANY($1::uuid[]) AND NOT d.paused`;

/**
 * The timer-driven rules: a run running longer than its rule's duration, a DAG with no finished
 * run by the day's deadline, a DAG with no success for N hours. Paused DAGs are expected not to
 * run and are left out of deadline and freshness. What already fired is their memory: a duration
 * or deadline key fires once ever, a freshness key once while it fires.
 */
export async function sweepTimers(q: SqlQuery, store: AlertStore, now: Date): Promise<AlertWrites> {
  const writes = noWrites();
  const rules = await q<AlertRule>(TIMER_RULES);
  if (rules.length === 0) return writes;
  const openings: Array<{ opening: AlertOpening; once: boolean }> = [];

  const durationRules = rules.filter((r) => r.event === 'RUN_DURATION');
  if (durationRules.length > 0) {
    const shortest = Math.min(...durationRules.map((r) => r.durationSeconds ?? Infinity));
    const running = await q<RunningRun>(RUNNING, [[...new Set(durationRules.map((r) => r.tenantId))], new Date(now.getTime() - shortest * 1000)]);
    for (const rule of durationRules) {
      for (const run of running) {
        if (run.tenantId !== rule.tenantId) continue;
        const opening = durationOpening(rule, run, now);
        if (opening) openings.push({ opening, once: true });
      }
    }
  }

  const dagRules = rules.filter((r) => r.event === 'RUN_DEADLINE' || r.event === 'FRESHNESS');
  if (dagRules.length > 0) {
    const dags = await q<DagActivity>(ACTIVITY, [[...new Set(dagRules.map((r) => r.tenantId))]]);
    for (const rule of dagRules) {
      for (const dag of dags) {
        if (dag.tenantId !== rule.tenantId) continue;
        const opening = rule.event === 'RUN_DEADLINE' ? deadlineOpening(rule, dag, now) : freshnessOpening(rule, dag, now);
        if (opening) openings.push({ opening, once: rule.event === 'RUN_DEADLINE' });
      }
    }
  }

  for (const { opening, once } of openings) {
    // Timer alerts are not folded (that would count sweeps): a key that fired once (deadline day,
    // run duration) or that is firing (freshness) is left alone.
    const seen = once ? EVER_FIRED : FIRING;
    if ((await q(seen, [opening.rule.id, opening.dedupKey])).length > 0) continue;
    mergeWrites(writes, await store.open(q, opening));
  }
  return writes;
}
