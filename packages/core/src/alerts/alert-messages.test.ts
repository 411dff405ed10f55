import { describe, expect, it } from '@jest/globals';
import { alertLink, emailMessage, pagerDutyEvent, SLACK_LIMITS, slackMessage, webhookBody, type AlertMessage } from './alert-messages.js';

const FIRED = new Date('2026-05-01T12:00:00Z');
const RESOLVED = new Date('2026-05-01T13:00:00Z');
const LINK = 'https://tower.example.com/dags/etl?run=dr-1';

function msg(over: Partial<AlertMessage> = {}): AlertMessage {
  return {
    kind: 'TRIGGER',
    deliveryId: 'del-1',
    alertId: 'alert-1',
    tenantId: 't1',
    ruleName: 'Prod failures',
    event: 'TASK_FAILED',
    severity: 'ERROR',
    state: 'FIRING',
    summary: 'etl.load failed in run scheduled__1',
    dagId: 'etl',
    runId: 'scheduled__1',
    dagRunId: 'dr-1',
    taskId: 'load',
    error: 'KeyError: id',
    occurrences: 1,
    firedAt: FIRED,
    resolvedAt: null,
    link: LINK,
    ...over,
  };
}

const resolved = (over: Partial<AlertMessage> = {}) => msg({ kind: 'RESOLVE', state: 'RESOLVED', resolvedAt: RESOLVED, ...over });

// Narrow Slack's block union without depending on its exact types.
type AnyBlock = {
  type: string;
  text?: { type: string; text: string };
  fields?: Array<{ type: string; text: string }>;
  elements?: Array<Record<string, unknown>>;
};
const blocksOf = (m: AlertMessage) => slackMessage(m).blocks as unknown as AnyBlock[];

describe('alertLink', () => {
  it('links the run of a DAG, encoding both ids', () => {
    expect(alertLink('https://tower.example.com', { dagId: 'etl', dagRunId: 'dr-1' })).toBe(LINK);
    expect(alertLink('https://t.io', { dagId: 'a b/c?', dagRunId: 'r&1=2' })).toBe('https://t.io/dags/a%20b%2Fc%3F?run=r%261%3D2');
  });

  it('links the DAG without a run', () => {
    expect(alertLink('https://t.io', { dagId: 'etl', dagRunId: null })).toBe('https://t.io/dags/etl');
  });

  it('drops trailing slashes of the web url', () => {
    expect(alertLink('https://t.io/', { dagId: 'etl', dagRunId: null })).toBe('https://t.io/dags/etl');
    expect(alertLink('https://t.io/app///', { dagId: 'etl', dagRunId: 'r' })).toBe('https://t.io/app/dags/etl?run=r');
  });

  it('has nothing to link without a DAG', () => {
    expect(alertLink('https://t.io', { dagId: null, dagRunId: 'dr-1' })).toBeNull();
  });
});

describe('webhookBody', () => {
  it('describes a firing alert', () => {
    expect(webhookBody(msg())).toEqual({
      type: 'alert.firing',
      deliveryId: 'del-1',
      alert: {
        id: 'alert-1',
        rule: 'Prod failures',
        event: 'TASK_FAILED',
        severity: 'ERROR',
        state: 'FIRING',
        summary: 'etl.load failed in run scheduled__1',
        dagId: 'etl',
        runId: 'scheduled__1',
        dagRunId: 'dr-1',
        taskId: 'load',
        error: 'KeyError: id',
        occurrences: 1,
        firedAt: '2026-05-01T12:00:00.000Z',
        resolvedAt: null,
        link: LINK,
      },
    });
  });

  it('types resolved and test deliveries', () => {
    const body = webhookBody(resolved());
    expect(body.type).toBe('alert.resolved');
    expect(body.alert).toMatchObject({ state: 'RESOLVED', resolvedAt: '2026-05-01T13:00:00.000Z' });
    expect(webhookBody(msg({ kind: 'TEST' })).type).toBe('alert.test');
  });

  it('is plain JSON', () => {
    const body = webhookBody(msg({ dagId: null, runId: null, dagRunId: null, taskId: null, error: null, link: null }));
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  });
});

describe('slackMessage', () => {
  it('orders header, fields, error, actions and context blocks', () => {
    expect(blocksOf(msg()).map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions', 'context']);
    expect(blocksOf(msg({ error: null })).map((b) => b.type)).toEqual(['header', 'section', 'actions', 'context']);
  });

  it('has no actions block without a link', () => {
    expect(blocksOf(msg({ link: null })).map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
  });

  it('titles the header with the severity, in plain text', () => {
    const [header] = blocksOf(msg({ severity: 'CRITICAL' }));
    expect(header.text).toEqual({ type: 'plain_text', text: ':rotating_light: etl.load failed in run scheduled__1', emoji: true });
    expect(blocksOf(resolved())[0].text?.text).toBe(':white_check_mark: Resolved etl.load failed in run scheduled__1');
    expect(blocksOf(msg({ kind: 'TEST', severity: 'INFO' }))[0].text?.text).toBe(':information_source: Test: etl.load failed in run scheduled__1');
  });

  it('clips the header to its limit even for a long summary', () => {
    const header = blocksOf(msg({ summary: 's'.repeat(1000) }))[0].text!;
    expect(header.type).toBe('plain_text');
    expect(header.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    expect(header.text.endsWith('…')).toBe(true);
  });

  it('lists the present fields', () => {
    const fields = blocksOf(msg())[1].fields!;
    expect(fields.map((f) => f.text)).toEqual([
      '*DAG*\netl',
      '*Run*\nscheduled__1',
      '*Task*\nload',
      '*State*\nfiring',
      '*Severity*\nERROR',
      '*Rule*\nProd failures (task failed)',
    ]);
    expect(fields.every((f) => f.type === 'mrkdwn')).toBe(true);
    expect(blocksOf(msg({ taskId: null, runId: null }))[1].fields!.map((f) => f.text.split('\n')[0])).toEqual(['*DAG*', '*State*', '*Severity*', '*Rule*']);
    expect(blocksOf(resolved())[1].fields![3].text).toBe('*State*\nresolved');
    expect(blocksOf(msg({ kind: 'TEST' }))[1].fields![3].text).toBe('*State*\ntest');
  });

  it('keeps the fields within their count and length limits', () => {
    const fields = blocksOf(msg({ ruleName: 'r'.repeat(5000) }))[1].fields!;
    expect(fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
    expect(fields.every((f) => f.text.length <= SLACK_LIMITS.fieldText)).toBe(true);
    expect(fields[5].text.endsWith('…')).toBe(true);
  });

  it('escapes mrkdwn control characters in fields', () => {
    const fields = blocksOf(msg({ ruleName: '<!channel> & <https://evil.example|click>' }))[1].fields!;
    expect(fields[5].text).toBe('*Rule*\n&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; (task failed)');
  });

  it('shows the error in a code block only while firing', () => {
    expect(blocksOf(msg())[2].text).toEqual({ type: 'mrkdwn', text: '*Error*\n```KeyError: id```' });
    expect(blocksOf(msg({ error: 'a ``` b' }))[2].text?.text).toBe("*Error*\n```a ''' b```");
    expect(blocksOf(resolved()).some((b) => b.text?.text.startsWith('*Error*'))).toBe(false);
    expect(blocksOf(msg({ error: null })).some((b) => b.text?.text.startsWith('*Error*'))).toBe(false);
  });

  it('clips the error section to its limit', () => {
    const section = blocksOf(msg({ error: 'e'.repeat(10_000) }))[2].text!.text;
    expect(section.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(section.startsWith('*Error*\n```eee')).toBe(true);
  });

  // The task error is untrusted text: Slack requires &, < and > escaped in all mrkdwn text, or an
  // error containing `<!channel>` pings the channel and a Java `Foo.<init>` becomes a link.
  it('escapes mrkdwn control characters in the error', () => {
    const text = blocksOf(msg({ error: 'at Foo.<init> & <!channel>' }))[2].text!.text;
    expect(text).toBe('*Error*\n```at Foo.&lt;init&gt; &amp; &lt;!channel&gt;```');
  });

  it('links the run with a button', () => {
    expect(blocksOf(msg())[3].elements).toEqual([{ type: 'button', text: { type: 'plain_text', text: 'Open the run in Tower' }, url: LINK }]);
    const dagOnly = blocksOf(msg({ runId: null, link: 'https://t.io/dags/etl' })).find((b) => b.type === 'actions')!;
    expect(dagOnly.elements).toEqual([{ type: 'button', text: { type: 'plain_text', text: 'Open in Tower' }, url: 'https://t.io/dags/etl' }]);
  });

  it('says when in the context, with the occurrences when repeated', () => {
    const context = (m: AlertMessage) => blocksOf(m).at(-1)!.elements;
    expect(context(msg())).toEqual([{ type: 'mrkdwn', text: 'Tower · fired 2026-05-01T12:00:00.000Z' }]);
    expect(context(msg({ occurrences: 3 }))).toEqual([{ type: 'mrkdwn', text: 'Tower · fired 2026-05-01T12:00:00.000Z · 3 occurrences' }]);
    expect(context(resolved())).toEqual([{ type: 'mrkdwn', text: 'Tower · resolved 2026-05-01T13:00:00.000Z' }]);
  });

  it('has a plain text fallback', () => {
    expect(slackMessage(msg()).text).toBe('etl.load failed in run scheduled__1');
    expect(slackMessage(resolved()).text).toBe('Resolved: etl.load failed in run scheduled__1');
    expect(slackMessage(msg({ kind: 'TEST' })).text).toBe('Test message from Tower (etl.load failed in run scheduled__1)');
  });
});

describe('pagerDutyEvent', () => {
  it('triggers an event keyed by the alert', () => {
    expect(pagerDutyEvent(msg(), 'RK')).toEqual({
      routing_key: 'RK',
      event_action: 'trigger',
      dedup_key: 'tower-alert-1',
      payload: {
        summary: 'etl.load failed in run scheduled__1',
        source: 'tower/etl',
        severity: 'error',
        timestamp: '2026-05-01T12:00:00.000Z',
        component: 'etl',
        group: 'load',
        class: 'TASK_FAILED',
        custom_details: { rule: 'Prod failures', runId: 'scheduled__1', taskId: 'load', error: 'KeyError: id', occurrences: 1 },
      },
      client: 'Tower',
      client_url: LINK,
      links: [{ href: LINK, text: 'Open in Tower' }],
    });
  });

  it.each([
    ['INFO', 'info'],
    ['WARNING', 'warning'],
    ['ERROR', 'error'],
    ['CRITICAL', 'critical'],
  ] as const)('maps severity %s to %s', (severity, expected) => {
    expect((pagerDutyEvent(msg({ severity }), 'RK').payload as { severity: string }).severity).toBe(expected);
  });

  it('clips the summary to 1024 characters', () => {
    const summary = (pagerDutyEvent(msg({ summary: 's'.repeat(5000) }), 'RK').payload as { summary: string }).summary;
    expect(summary).toHaveLength(1024);
    expect(summary.endsWith('…')).toBe(true);
  });

  it('marks a test and omits what is absent', () => {
    const event = pagerDutyEvent(msg({ kind: 'TEST', dagId: null, taskId: null, link: null }), 'RK');
    expect(event.payload).toMatchObject({ summary: 'Test from Tower: etl.load failed in run scheduled__1', source: 'tower' });
    expect(JSON.parse(JSON.stringify(event)).payload).not.toHaveProperty('component');
    expect(JSON.parse(JSON.stringify(event)).payload).not.toHaveProperty('group');
    expect(event).not.toHaveProperty('client_url');
    expect(event).not.toHaveProperty('links');
  });

  it('resolves with only the routing key, the action and the same dedup key', () => {
    const trigger = pagerDutyEvent(msg(), 'RK');
    const resolve = pagerDutyEvent(resolved(), 'RK');
    expect(resolve).toEqual({ routing_key: 'RK', event_action: 'resolve', dedup_key: 'tower-alert-1' });
    expect(resolve.dedup_key).toBe(trigger.dedup_key);
  });
});

describe('emailMessage', () => {
  it('says the severity, resolution or test in the subject', () => {
    expect(emailMessage(msg()).subject).toBe('[Tower ERROR] etl.load failed in run scheduled__1');
    expect(emailMessage(msg({ severity: 'WARNING' })).subject).toBe('[Tower WARNING] etl.load failed in run scheduled__1');
    expect(emailMessage(resolved()).subject).toBe('[Tower RESOLVED] etl.load failed in run scheduled__1');
    expect(emailMessage(msg({ kind: 'TEST' })).subject).toBe('[Tower TEST] etl.load failed in run scheduled__1');
  });

  it('keeps newlines out of the subject and clips it', () => {
    expect(emailMessage(msg({ summary: 'line one\r\nBcc: victim@example.com\nthree' })).subject).toBe('[Tower ERROR] line one Bcc: victim@example.com three');
    const long = emailMessage(msg({ summary: 'x'.repeat(1000) })).subject;
    expect(long.length).toBeLessThanOrEqual(250);
    expect(long).not.toMatch(/[\r\n]/);
  });

  it('writes the same content as text', () => {
    expect(emailMessage(msg()).text).toBe(
      [
        'etl.load failed in run scheduled__1',
        '',
        'DAG: etl',
        'Run: scheduled__1',
        'Task: load',
        'Rule: Prod failures (task failed)',
        'Severity: ERROR',
        'Fired: 2026-05-01T12:00:00.000Z',
        '',
        'Error:',
        'KeyError: id',
        '',
        `Open in Tower: ${LINK}`,
      ].join('\n'),
    );
    expect(emailMessage(resolved({ error: null, link: null })).text).toContain('Resolved: 2026-05-01T13:00:00.000Z');
    expect(emailMessage(resolved({ error: null, link: null })).text).not.toMatch(/Error:|Open in Tower/);
  });

  it('escapes HTML in the html body', () => {
    const { html } = emailMessage(msg({ summary: '<script>alert(1)</script>', error: '<img src=x onerror="y">', ruleName: 'a & b' }));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2>');
    expect(html).toContain('<pre>&lt;img src=x onerror=&quot;y&quot;&gt;</pre>');
    expect(html).toContain('<td>a &amp; b (task failed)</td>');
  });

  it('links the alert in both bodies', () => {
    const { text, html } = emailMessage(msg({ link: 'https://t.io/dags/etl?run=a&b' }));
    expect(text).toContain('https://t.io/dags/etl?run=a&b');
    expect(html).toContain('<a href="https://t.io/dags/etl?run=a&amp;b">Open in Tower</a>');
  });

  it('leaves out the error and link sections when absent', () => {
    const { html } = emailMessage(msg({ error: null, link: null, taskId: null }));
    expect(html).not.toContain('<h3>Error</h3>');
    expect(html).not.toContain('<a href');
    expect(html).not.toContain('<th align="left">Task</th>');
    expect(html).toContain('<th align="left">DAG</th><td>etl</td>');
  });
});
