import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { enableMetrics, registry } from '@tower/telemetry';
import { parse } from 'yaml';

/** The alert rules and the dashboard only name metrics that Tower's processes export. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

enableMetrics('test');
const exported = new Set(registry.getMetricsAsArray().map((m) => m.name));
const known = (name: string) => exported.has(name) || exported.has(name.replace(/_(bucket|sum|count)$/, ''));
const namesIn = (expr: string) => [...expr.matchAll(/\btower_[a-z0-9_]+/g)].map((m) => m[0]);

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}

describe('infra/prometheus/tower-alerts.yaml', () => {
  const rules = (
    parse(readFileSync(path.join(ROOT, 'infra', 'prometheus', 'tower-alerts.yaml'), 'utf8')) as { groups: Array<{ rules: Rule[] }> }
  ).groups.flatMap((g) => g.rules);

  it('alerts on a scheduler not ticking, queue age growing, the zombie rate and the error rate', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['TowerSchedulerNotTicking', 'TowerQueueAgeGrowing', 'TowerZombieRate', 'TowerGraphqlErrorRate']),
    );
  });

  it.each(rules.map((r) => [r.alert, r] as const))('%s names exported metrics, waits before firing and says how bad', (_, rule) => {
    expect(namesIn(rule.expr).filter((n) => !known(n))).toEqual([]);
    expect(rule.for).toMatch(/^\d+m$/);
    expect(['page', 'ticket']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toBeTruthy();
  });
});

describe('infra/grafana/tower-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'infra', 'grafana', 'tower-dashboard.json'), 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  };

  it('plots only exported metrics, and every metric family of the issue', () => {
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => namesIn(t.expr))));
    expect([...used].filter((n) => !known(n))).toEqual([]);
    for (const family of [
      'tower_queue_jobs',
      'tower_queue_oldest_job_age_seconds',
      'tower_scheduling_lag_seconds_bucket',
      'tower_task_tries_total',
      'tower_task_duration_seconds_bucket',
      'tower_task_retries_total',
      'tower_sensor_pokes_total',
      'tower_zombie_reaps_total',
      'tower_alert_deliveries_total',
      'tower_db_pool_connections',
      'tower_nodejs_eventloop_lag_p99_seconds',
      'tower_graphql_operations_total',
      'tower_graphql_operation_duration_seconds_bucket',
      'tower_graphql_subscriptions_active',
    ]) {
      expect([family, used.has(family)]).toEqual([family, true]);
    }
  });
});
