import type { KnownBlock } from '@slack/types';
import { clipText as clip } from './text.js';
import { ALERT_EVENT_DEFINITIONS, type AlertEventType, type AlertSeverity } from './alert-rules.js';

export type AlertMessageKind = 'TRIGGER' | 'RESOLVE' | 'TEST';

/** Everything a channel says about an alert; built once per delivery from the stored alert. */
export interface AlertMessage {
  kind: AlertMessageKind;
  /** The delivery's id: receivers may use it to drop a redelivery. */
  deliveryId: string;
  alertId: string;
  tenantId: string;
  ruleName: string;
  event: AlertEventType;
  severity: AlertSeverity;
  state: 'FIRING' | 'RESOLVED';
  summary: string;
  dagId: string | null;
  runId: string | null;
  dagRunId: string | null;
  taskId: string | null;
  error: string | null;
  occurrences: number;
  firedAt: Date;
  resolvedAt: Date | null;
  /** The run (or DAG) in the web app; null when nothing to link. */
  link: string | null;
}

/** The web app's page for an alert's run or DAG. */
export function alertLink(webUrl: string, alert: { dagId: string | null; dagRunId: string | null }): string | null {
  if (!alert.dagId) return null;
  const base = `${webUrl.replace(/\/+$/, '')}/dags/${encodeURIComponent(alert.dagId)}`;
  return alert.dagRunId ? `${base}?run=${encodeURIComponent(alert.dagRunId)}` : base;
}

function headline(m: AlertMessage): string {
  if (m.kind === 'TEST') return `Test message from Tower (${m.summary})`;
  return m.kind === 'RESOLVE' ? `Resolved: ${m.summary}` : m.summary;
}

/** The JSON body of a webhook delivery (docs/alerts.md documents it field by field). */
export function webhookBody(m: AlertMessage): Record<string, unknown> {
  return {
    type: m.kind === 'TEST' ? 'alert.test' : m.kind === 'RESOLVE' ? 'alert.resolved' : 'alert.firing',
    deliveryId: m.deliveryId,
    alert: {
      id: m.alertId,
      rule: m.ruleName,
      event: m.event,
      severity: m.severity,
      state: m.state,
      summary: m.summary,
      dagId: m.dagId,
      runId: m.runId,
      dagRunId: m.dagRunId,
      taskId: m.taskId,
      error: m.error,
      occurrences: m.occurrences,
      firedAt: m.firedAt.toISOString(),
      resolvedAt: m.resolvedAt?.toISOString() ?? null,
      link: m.link,
    },
  };
}

const SEVERITY_EMOJI: Record<AlertSeverity, string> = { INFO: ':information_source:', WARNING: ':warning:', ERROR: ':x:', CRITICAL: ':rotating_light:' };

/** Slack's limits (api.slack.com/reference/block-kit/blocks): enforced here so Slack never refuses. */
export const SLACK_LIMITS = { headerText: 150, sectionText: 3000, fieldText: 2000, fields: 10, buttonText: 75, url: 3000, blocks: 50, text: 40_000 };

/** Escapes Slack's mrkdwn control characters (&, <, >). */
function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Slack incoming-webhook body: Block Kit blocks with a plain `text` fallback for notifications. */
export function slackMessage(m: AlertMessage): { text: string; blocks: KnownBlock[] } {
  const resolved = m.kind === 'RESOLVE';
  const title = `${resolved ? ':white_check_mark: Resolved' : SEVERITY_EMOJI[m.severity]} ${m.kind === 'TEST' ? 'Test: ' : ''}${m.summary}`;
  const fields: Array<[string, string | null]> = [
    ['DAG', m.dagId],
    ['Run', m.runId],
    ['Task', m.taskId],
    ['State', resolved ? 'resolved' : m.kind === 'TEST' ? 'test' : 'firing'],
    ['Severity', m.severity],
    ['Rule', `${m.ruleName} (${ALERT_EVENT_DEFINITIONS[m.event].label})`],
  ];
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, SLACK_LIMITS.headerText), emoji: true } },
    {
      type: 'section',
      fields: fields
        .filter((f): f is [string, string] => f[1] !== null)
        .slice(0, SLACK_LIMITS.fields)
        .map(([label, value]) => ({ type: 'mrkdwn' as const, text: clip(`*${label}*\n${mrkdwn(value)}`, SLACK_LIMITS.fieldText) })),
    },
  ];
  if (m.error && !resolved) {
    // Untrusted text: escaped (a task error saying <!channel> must not ping anyone), then clipped
    // inside the fences so the code block stays closed.
    const error = clip(mrkdwn(m.error.replace(/```/g, "'''")), SLACK_LIMITS.sectionText - 20);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Error*\n\`\`\`${error}\`\`\`` } });
  }
  if (m.link) {
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: m.runId ? 'Open the run in Tower' : 'Open in Tower' }, url: clip(m.link, SLACK_LIMITS.url) },
      ],
    });
  }
  const when = resolved && m.resolvedAt ? `resolved ${m.resolvedAt.toISOString()}` : `fired ${m.firedAt.toISOString()}`;
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Tower · ${when}${m.occurrences > 1 ? ` · ${m.occurrences} occurrences` : ''}` }] });
  return { text: clip(headline(m), SLACK_LIMITS.text), blocks };
}

const PD_SEVERITY: Record<AlertSeverity, 'info' | 'warning' | 'error' | 'critical'> = {
  INFO: 'info',
  WARNING: 'warning',
  ERROR: 'error',
  CRITICAL: 'critical',
};

/**
 * A PagerDuty Events API v2 event. The dedup key is the alert's id, so the incident a failure
 * opens is the one its recovery resolves.
 */
export function pagerDutyEvent(m: AlertMessage, routingKey: string): Record<string, unknown> {
  const dedupKey = `tower-${m.alertId}`;
  if (m.kind === 'RESOLVE') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: clip(m.kind === 'TEST' ? `Test from Tower: ${m.summary}` : m.summary, 1024),
      source: m.dagId ? `tower/${m.dagId}` : 'tower',
      severity: PD_SEVERITY[m.severity],
      timestamp: m.firedAt.toISOString(),
      component: m.dagId ?? undefined,
      group: m.taskId ?? undefined,
      class: m.event,
      custom_details: { rule: m.ruleName, runId: m.runId, taskId: m.taskId, error: m.error, occurrences: m.occurrences },
    },
    client: 'Tower',
    ...(m.link ? { client_url: m.link, links: [{ href: m.link, text: 'Open in Tower' }] } : {}),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An email: a subject that says what broke, and the same content as text and HTML. */
export function emailMessage(m: AlertMessage): { subject: string; text: string; html: string } {
  const status = m.kind === 'TEST' ? 'TEST' : m.kind === 'RESOLVE' ? 'RESOLVED' : m.severity;
  const subject = clip(`[Tower ${status}] ${m.summary}`.replace(/[\r\n]+/g, ' '), 250);
  const rows: Array<[string, string | null]> = [
    ['DAG', m.dagId],
    ['Run', m.runId],
    ['Task', m.taskId],
    ['Rule', `${m.ruleName} (${ALERT_EVENT_DEFINITIONS[m.event].label})`],
    ['Severity', m.severity],
    ['Fired', m.firedAt.toISOString()],
    ['Resolved', m.resolvedAt?.toISOString() ?? null],
  ];
  const present = rows.filter((r): r is [string, string] => r[1] !== null);
  const text = [
    headline(m),
    '',
    ...present.map(([k, v]) => `${k}: ${v}`),
    ...(m.error ? ['', 'Error:', m.error] : []),
    ...(m.link ? ['', `Open in Tower: ${m.link}`] : []),
  ].join('\n');
  const html = [
    `<h2>${escapeHtml(headline(m))}</h2>`,
    `<table>${present.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`,
    m.error ? `<h3>Error</h3><pre>${escapeHtml(m.error)}</pre>` : '',
    m.link ? `<p><a href="${escapeHtml(m.link)}">Open in Tower</a></p>` : '',
  ].join('\n');
  return { subject, text, html };
}
