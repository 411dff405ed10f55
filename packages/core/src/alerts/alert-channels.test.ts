import { describe, expect, it } from '@jest/globals';
import { isTowerError, TowerError } from '../errors.js';
import {
  ALERT_CHANNEL_TYPES,
  isAlertChannelType,
  mergeAlertChannelSecrets,
  PAGERDUTY_EVENTS_URL,
  parseAlertChannelConfig,
  parseAlertChannelName,
  parseAlertChannelType,
} from './alert-channels.js';

/** Runs fn, expects a BAD_USER_INPUT TowerError, and returns it. */
function badInputOf(fn: () => unknown): TowerError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(isTowerError(caught, 'BAD_USER_INPUT')).toBe(true);
  return caught as TowerError;
}

const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/XXXX';

describe('parseAlertChannelType', () => {
  it.each(['WEBHOOK', 'SLACK', 'EMAIL', 'PAGERDUTY'])('accepts %s', (type) => {
    expect(parseAlertChannelType(type)).toBe(type);
    expect(isAlertChannelType(type)).toBe(true);
  });

  it.each(['webhook', 'TEAMS', '', null, 1, undefined])('refuses %j at path type', (value) => {
    const err = badInputOf(() => parseAlertChannelType(value));
    expect(err.path).toBe('type');
    expect(err.message).toContain('WEBHOOK, SLACK, EMAIL, PAGERDUTY');
    expect(isAlertChannelType(value)).toBe(false);
  });

  it('lists the four types', () => {
    expect(ALERT_CHANNEL_TYPES).toEqual(['WEBHOOK', 'SLACK', 'EMAIL', 'PAGERDUTY']);
  });
});

describe('parseAlertChannelName', () => {
  it('trims the name', () => {
    expect(parseAlertChannelName('  On-call  ')).toBe('On-call');
    expect(parseAlertChannelName('x'.repeat(200))).toHaveLength(200);
  });

  it.each(['', '   ', 'x'.repeat(201), null, 42])('refuses %j at path name', (value) => {
    expect(badInputOf(() => parseAlertChannelName(value)).path).toBe('name');
  });
});

describe('parseAlertChannelConfig: WEBHOOK', () => {
  it('accepts an http(s) url and optional headers', () => {
    expect(parseAlertChannelConfig('WEBHOOK', { url: 'https://example.com/hook' })).toEqual({ url: 'https://example.com/hook' });
    expect(parseAlertChannelConfig('WEBHOOK', { url: 'http://10.0.0.1:8080/x', headers: { 'X-Team': 'data' } })).toEqual({
      url: 'http://10.0.0.1:8080/x',
      headers: { 'X-Team': 'data' },
    });
  });

  it.each(['ftp://example.com/hook', 'javascript:alert(1)', 'file:///etc/passwd', 'not a url', ''])('refuses url %j at path config.url', (url) => {
    const err = badInputOf(() => parseAlertChannelConfig('WEBHOOK', { url }));
    expect(err.path).toBe('config.url');
  });

  it('needs a url and refuses unknown fields', () => {
    expect(badInputOf(() => parseAlertChannelConfig('WEBHOOK', {})).path).toBe('config.url');
    expect(badInputOf(() => parseAlertChannelConfig('WEBHOOK', undefined)).path).toBe('config.url');
    const err = badInputOf(() => parseAlertChannelConfig('WEBHOOK', { url: 'https://e.com', secret: 's' }));
    expect(err.path).toMatch(/^config/);
    expect(err.message).toContain('secret');
  });

  it('refuses an empty header name', () => {
    expect(badInputOf(() => parseAlertChannelConfig('WEBHOOK', { url: 'https://e.com', headers: { '': 'v' } })).path).toMatch(/^config\.headers/);
  });
});

describe('parseAlertChannelConfig: SLACK', () => {
  it('has no config', () => {
    expect(parseAlertChannelConfig('SLACK', {})).toEqual({});
    expect(parseAlertChannelConfig('SLACK', null)).toEqual({});
    expect(parseAlertChannelConfig('SLACK', undefined)).toEqual({});
  });

  it('refuses the webhook url in config (it is a secret)', () => {
    const err = badInputOf(() => parseAlertChannelConfig('SLACK', { webhookUrl: SLACK_URL }));
    expect(err.path).toMatch(/^config/);
  });
});

describe('parseAlertChannelConfig: EMAIL', () => {
  it('needs a connection id and defaults the recipients to none', () => {
    expect(parseAlertChannelConfig('EMAIL', { connection: 'smtp_default' })).toEqual({ connection: 'smtp_default', to: [] });
    expect(parseAlertChannelConfig('EMAIL', { connection: 'smtp.main', to: ['a@example.com', 'b@example.org'] })).toEqual({
      connection: 'smtp.main',
      to: ['a@example.com', 'b@example.org'],
    });
  });

  it('refuses a missing or invalid connection id', () => {
    expect(badInputOf(() => parseAlertChannelConfig('EMAIL', {})).path).toBe('config.connection');
    const err = badInputOf(() => parseAlertChannelConfig('EMAIL', { connection: 'smtp main!' }));
    expect(err.path).toBe('config.connection');
    expect(err.message).toContain('must be a connection id');
  });

  it('refuses an invalid recipient with its index in the path', () => {
    expect(badInputOf(() => parseAlertChannelConfig('EMAIL', { connection: 'smtp', to: ['a@example.com', 'not-an-email'] })).path).toBe('config.to.1');
    expect(badInputOf(() => parseAlertChannelConfig('EMAIL', { connection: 'smtp', to: 'a@example.com' })).path).toBe('config.to');
  });

  it('refuses more than 100 recipients', () => {
    const to = Array.from({ length: 101 }, (_, i) => `u${i}@example.com`);
    expect(badInputOf(() => parseAlertChannelConfig('EMAIL', { connection: 'smtp', to })).path).toBe('config.to');
  });
});

describe('parseAlertChannelConfig: PAGERDUTY', () => {
  it('defaults the events url to PagerDuty Events API v2', () => {
    expect(PAGERDUTY_EVENTS_URL).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(parseAlertChannelConfig('PAGERDUTY', {})).toEqual({ eventsUrl: PAGERDUTY_EVENTS_URL });
    expect(parseAlertChannelConfig('PAGERDUTY', undefined)).toEqual({ eventsUrl: PAGERDUTY_EVENTS_URL });
  });

  it('accepts a compatible receiver and refuses a non-http url', () => {
    expect(parseAlertChannelConfig('PAGERDUTY', { eventsUrl: 'https://pd.internal/enqueue' })).toEqual({ eventsUrl: 'https://pd.internal/enqueue' });
    expect(badInputOf(() => parseAlertChannelConfig('PAGERDUTY', { eventsUrl: 'ws://pd.internal' })).path).toBe('config.eventsUrl');
  });

  it('refuses the routing key in config (it is a secret)', () => {
    expect(badInputOf(() => parseAlertChannelConfig('PAGERDUTY', { routingKey: 'R123' })).message).toContain('routingKey');
  });
});

describe('mergeAlertChannelSecrets', () => {
  it('sets a field', () => {
    expect(mergeAlertChannelSecrets('WEBHOOK', {}, { signingSecret: 's1' })).toEqual({ signingSecret: 's1' });
    expect(mergeAlertChannelSecrets('PAGERDUTY', {}, { routingKey: 'R1' })).toEqual({ routingKey: 'R1' });
    expect(mergeAlertChannelSecrets('SLACK', {}, { webhookUrl: SLACK_URL })).toEqual({ webhookUrl: SLACK_URL });
  });

  it('replaces a field and does not mutate the current secrets', () => {
    const current = { signingSecret: 'old' };
    expect(mergeAlertChannelSecrets('WEBHOOK', current, { signingSecret: 'new' })).toEqual({ signingSecret: 'new' });
    expect(current).toEqual({ signingSecret: 'old' });
  });

  it('keeps a field the patch does not mention', () => {
    expect(mergeAlertChannelSecrets('WEBHOOK', { signingSecret: 's1' }, {})).toEqual({ signingSecret: 's1' });
    expect(mergeAlertChannelSecrets('WEBHOOK', { signingSecret: 's1' }, undefined)).toEqual({ signingSecret: 's1' });
    expect(mergeAlertChannelSecrets('WEBHOOK', { signingSecret: 's1' }, null)).toEqual({ signingSecret: 's1' });
  });

  it('removes a field set to null, then enforces the required ones', () => {
    const err = badInputOf(() => mergeAlertChannelSecrets('WEBHOOK', { signingSecret: 's1' }, { signingSecret: null }));
    expect(err.path).toBe('secrets.signingSecret');
    expect(err.message).toContain('needs secrets.signingSecret');
  });

  it('allows an EMAIL channel no secrets at all', () => {
    expect(mergeAlertChannelSecrets('EMAIL', {}, undefined)).toEqual({});
    const err = badInputOf(() => mergeAlertChannelSecrets('EMAIL', {}, { password: 'x' }));
    expect(err.path).toBe('secrets.password');
    expect(err.message).toContain('none');
  });

  it.each([
    ['WEBHOOK', { signingSecret: 's', token: 't' }, 'secrets.token'],
    ['SLACK', { webhookUrl: SLACK_URL, signingSecret: 's' }, 'secrets.signingSecret'],
    ['PAGERDUTY', { routingKey: 'R', apiKey: 'k' }, 'secrets.apiKey'],
  ] as const)('refuses an unknown %s secret', (type, patch, path) => {
    const err = badInputOf(() => mergeAlertChannelSecrets(type, {}, patch));
    expect(err.path).toBe(path);
  });

  it.each([
    ['WEBHOOK', 'secrets.signingSecret'],
    ['SLACK', 'secrets.webhookUrl'],
    ['PAGERDUTY', 'secrets.routingKey'],
  ] as const)('%s needs its required secret', (type, path) => {
    expect(badInputOf(() => mergeAlertChannelSecrets(type, {}, {})).path).toBe(path);
    expect(badInputOf(() => mergeAlertChannelSecrets(type, {}, undefined)).path).toBe(path);
  });

  it.each(['not a url', 'ftp://hooks.slack.com/x', 'javascript:alert(1)'])('refuses the Slack webhook url %j', (webhookUrl) => {
    const err = badInputOf(() => mergeAlertChannelSecrets('SLACK', {}, { webhookUrl }));
    expect(err.path).toBe('secrets.webhookUrl');
    expect(err.message).toContain('http(s)');
  });

  it('checks a stored Slack webhook url too', () => {
    expect(badInputOf(() => mergeAlertChannelSecrets('SLACK', { webhookUrl: 'bogus' }, {})).path).toBe('secrets.webhookUrl');
  });

  it('refuses a patch that is not a record of strings or null', () => {
    expect(badInputOf(() => mergeAlertChannelSecrets('WEBHOOK', {}, { signingSecret: 42 })).path).toBe('secrets.signingSecret');
    expect(badInputOf(() => mergeAlertChannelSecrets('WEBHOOK', {}, { signingSecret: '' })).path).toBe('secrets.signingSecret');
    expect(badInputOf(() => mergeAlertChannelSecrets('WEBHOOK', {}, { signingSecret: 'x'.repeat(4097) })).path).toBe('secrets.signingSecret');
    expect(badInputOf(() => mergeAlertChannelSecrets('WEBHOOK', {}, 'secret')).path).toBe('secrets');
  });
});
