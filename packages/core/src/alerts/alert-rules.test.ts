import { describe, expect, it } from '@jest/globals';
import { isTowerError, TowerError } from '../errors.js';
import { ALERT_EVENT_DEFINITIONS, ALERT_EVENTS, alertEventDefinition, matchesPattern, isMuted, parseAlertRule, ruleMatches } from './alert-rules.js';

const CH1 = '3f1e7c1a-8a4b-4c3d-9e2f-1a2b3c4d5e6f';
const CH2 = '0b9d5a2e-6c7f-4a1b-8d3e-5f6a7b8c9d0e';

/** The minimal valid input for each event. */
const VALID: Record<string, Record<string, unknown>> = {
  RUN_FAILED: {},
  RUN_SUCCEEDED: {},
  RUN_RECOVERED: {},
  TASK_FAILED: {},
  TASK_RETRIED: {},
  SENSOR_TIMED_OUT: {},
  RUN_DURATION: { durationSeconds: 3600 },
  RUN_DEADLINE: { deadlineTime: '09:00', deadlineTimezone: 'America/New_York' },
  FRESHNESS: { freshnessHours: 24 },
  CONSECUTIVE_FAILURES: { consecutiveFailures: 3 },
};

function input(event: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'my rule', event, ...VALID[event], ...extra };
}

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

describe('ALERT_EVENT_DEFINITIONS', () => {
  it('lists every event with a definition', () => {
    expect(ALERT_EVENTS).toEqual(Object.keys(ALERT_EVENT_DEFINITIONS));
    expect(ALERT_EVENTS).toHaveLength(10);
    expect(alertEventDefinition('RUN_DEADLINE')).toMatchObject({ scope: 'dag-day', timer: true, params: ['deadlineTime', 'deadlineTimezone'] });
    expect(ALERT_EVENTS.filter((e) => alertEventDefinition(e).taskFilter)).toEqual(['TASK_FAILED', 'TASK_RETRIED', 'SENSOR_TIMED_OUT']);
  });
});

describe('parseAlertRule', () => {
  it('fills in the defaults', () => {
    expect(parseAlertRule({ name: '  Failures  ', event: 'RUN_FAILED' })).toEqual({
      name: 'Failures',
      event: 'RUN_FAILED',
      severity: 'ERROR',
      dagIds: [],
      tags: [],
      taskIds: [],
      channelIds: [],
      durationSeconds: null,
      deadlineTime: null,
      deadlineTimezone: null,
      freshnessHours: null,
      consecutiveFailures: null,
      throttleSeconds: 0,
      mutedUntil: null,
      enabled: true,
    });
  });

  it('accepts a full rule and keeps its values', () => {
    const mutedUntil = new Date('2026-01-01T00:00:00Z');
    const rule = parseAlertRule(
      input('TASK_FAILED', {
        severity: 'CRITICAL',
        dagIds: ['etl_*', 'daily.report'],
        tags: ['prod'],
        taskIds: ['load-*'],
        channelIds: [CH1, CH2],
        throttleSeconds: 600,
        mutedUntil,
        enabled: false,
      }),
    );
    expect(rule).toMatchObject({ severity: 'CRITICAL', dagIds: ['etl_*', 'daily.report'], taskIds: ['load-*'], channelIds: [CH1, CH2], enabled: false });
    expect(rule.mutedUntil).toEqual(mutedUntil);
  });

  it.each(ALERT_EVENTS)('accepts a minimal valid %s rule', (event) => {
    expect(parseAlertRule(input(event)).event).toBe(event);
  });

  it.each([
    ['RUN_DURATION', 'durationSeconds'],
    ['RUN_DEADLINE', 'deadlineTime'],
    ['RUN_DEADLINE', 'deadlineTimezone'],
    ['FRESHNESS', 'freshnessHours'],
    ['CONSECUTIVE_FAILURES', 'consecutiveFailures'],
  ])('a %s rule needs %s', (event, param) => {
    const err = badInputOf(() => parseAlertRule(input(event, { [param]: null })));
    expect(err.path).toBe(param);
    expect(err.message).toContain(param);
    const { [param]: _omitted, ...rest } = input(event);
    expect(badInputOf(() => parseAlertRule(rest)).path).toBe(param);
  });

  it.each([
    ['RUN_FAILED', 'durationSeconds', 60],
    ['RUN_FAILED', 'consecutiveFailures', 2],
    ['TASK_FAILED', 'freshnessHours', 1],
    ['RUN_DURATION', 'deadlineTime', '09:00'],
    ['RUN_DURATION', 'freshnessHours', 5],
    ['FRESHNESS', 'deadlineTimezone', 'UTC'],
    ['CONSECUTIVE_FAILURES', 'durationSeconds', 10],
    ['RUN_DEADLINE', 'consecutiveFailures', 3],
  ])('a %s rule refuses %s', (event, param, value) => {
    const err = badInputOf(() => parseAlertRule(input(event, { [param]: value })));
    expect(err.path).toBe(param);
    expect(err.message).toMatch(/only applies to/);
  });

  it.each(['TASK_FAILED', 'TASK_RETRIED', 'SENSOR_TIMED_OUT'])('allows taskIds on %s', (event) => {
    expect(parseAlertRule(input(event, { taskIds: ['extract'] })).taskIds).toEqual(['extract']);
  });

  it.each(['RUN_FAILED', 'RUN_SUCCEEDED', 'RUN_RECOVERED', 'RUN_DURATION', 'RUN_DEADLINE', 'FRESHNESS', 'CONSECUTIVE_FAILURES'])(
    'refuses taskIds on %s',
    (event) => {
      expect(badInputOf(() => parseAlertRule(input(event, { taskIds: ['extract'] }))).path).toBe('taskIds');
    },
  );

  it.each(['24:00', '7:00', '09:60', '9am', '09:00:00', ''])('refuses deadlineTime %j', (deadlineTime) => {
    expect(badInputOf(() => parseAlertRule(input('RUN_DEADLINE', { deadlineTime }))).path).toBe('deadlineTime');
  });

  it.each(['00:00', '23:59', '07:05'])('accepts deadlineTime %s', (deadlineTime) => {
    expect(parseAlertRule(input('RUN_DEADLINE', { deadlineTime })).deadlineTime).toBe(deadlineTime);
  });

  it('refuses an unknown time zone and accepts UTC', () => {
    expect(badInputOf(() => parseAlertRule(input('RUN_DEADLINE', { deadlineTimezone: 'Mars/Olympus' }))).path).toBe('deadlineTimezone');
    expect(parseAlertRule(input('RUN_DEADLINE', { deadlineTimezone: 'UTC' })).deadlineTimezone).toBe('UTC');
  });

  it('refuses a channel listed twice', () => {
    const err = badInputOf(() => parseAlertRule(input('RUN_FAILED', { channelIds: [CH1, CH2, CH1] })));
    expect(err.path).toBe('channelIds');
    expect(err.message).toMatch(/twice/);
  });

  it('refuses a channel id that is not a uuid, with its index in the path', () => {
    expect(badInputOf(() => parseAlertRule(input('RUN_FAILED', { channelIds: ['slack-1'] }))).path).toBe('channelIds.0');
    const err = badInputOf(() => parseAlertRule(input('RUN_FAILED', { channelIds: [CH1, 'nope'] })));
    expect(err.path).toBe('channelIds.1');
    expect(err.message).toContain('must be a channel id');
    expect(err.details?.errors).toEqual([expect.objectContaining({ path: 'channelIds.1' })]);
  });

  it.each([
    [{ name: '   ' }, 'name'],
    [{ event: 'RUN_EXPLODED' }, 'event'],
    [{ severity: 'FATAL' }, 'severity'],
    [{ dagIds: ['bad id!'] }, 'dagIds.0'],
    [{ tags: [''] }, 'tags.0'],
    [{ durationSeconds: 0 }, 'durationSeconds'],
    [{ throttleSeconds: -1 }, 'throttleSeconds'],
    [{ throttleSeconds: 7 * 86_400 + 1 }, 'throttleSeconds'],
    [{ mutedUntil: '2026-01-01' }, 'mutedUntil'],
    [{ enabled: 'yes' }, 'enabled'],
  ])('refuses %j at path %s', (extra, path) => {
    expect(badInputOf(() => parseAlertRule(input('RUN_DURATION', extra))).path).toBe(path);
  });

  it('refuses consecutiveFailures below 2 and unknown fields', () => {
    expect(badInputOf(() => parseAlertRule(input('CONSECUTIVE_FAILURES', { consecutiveFailures: 1 }))).path).toBe('consecutiveFailures');
    expect(badInputOf(() => parseAlertRule(input('RUN_FAILED', { colour: 'red' }))).message).toMatch(/colour/);
    expect(isTowerError(badInputOf(() => parseAlertRule(null)))).toBe(true);
  });
});

describe('matchesPattern', () => {
  it('compares a pattern without * literally', () => {
    expect(matchesPattern('daily_etl', 'daily_etl')).toBe(true);
    expect(matchesPattern('daily_etl', 'daily_etl2')).toBe(false);
    expect(matchesPattern('daily_etl', 'DAILY_ETL')).toBe(false);
  });

  it('matches * as a prefix, suffix, middle or whole wildcard', () => {
    expect(matchesPattern('etl_*', 'etl_daily')).toBe(true);
    expect(matchesPattern('etl_*', 'etl_')).toBe(true);
    expect(matchesPattern('etl_*', 'xetl_daily')).toBe(false);
    expect(matchesPattern('*_daily', 'etl_daily')).toBe(true);
    expect(matchesPattern('*_daily', 'etl_daily_x')).toBe(false);
    expect(matchesPattern('etl_*_daily', 'etl_sales_daily')).toBe(true);
    expect(matchesPattern('etl_*_daily', 'etl_sales_weekly')).toBe(false);
    expect(matchesPattern('*', 'anything')).toBe(true);
    expect(matchesPattern('a*b*c', 'a-x-b-y-c')).toBe(true);
    expect(matchesPattern('a*b*c', 'acb')).toBe(false);
  });

  it('treats regex metacharacters in the literal part literally', () => {
    expect(matchesPattern('etl.daily*', 'etl.daily_1')).toBe(true);
    expect(matchesPattern('etl.daily*', 'etlXdaily_1')).toBe(false);
    expect(matchesPattern('*.csv', 'file_csv')).toBe(false);
    expect(matchesPattern('a+b*', 'aab')).toBe(false);
    expect(matchesPattern('a+b*', 'a+bc')).toBe(true);
    expect(matchesPattern('(x)|y*', 'y')).toBe(false);
    expect(matchesPattern('[ab]*', '[ab]z')).toBe(true);
    expect(matchesPattern('^a$*', 'a')).toBe(false);
  });

  // A backtracking regex (`^.*a.*a….*b$`) takes time polynomial of degree (number of stars) on a
  // non-matching id: 11 stars against 200 characters would take hours. The wildcard matcher is
  // linear; the bound is loose (a loaded CI) and still orders of magnitude below a regex's.
  it('matches many-star patterns without catastrophic backtracking', () => {
    const pattern = `*${'a*'.repeat(10)}b`;
    expect(parseAlertRule(input('RUN_FAILED', { dagIds: [pattern] })).dagIds).toEqual([pattern]);
    const started = performance.now();
    expect(matchesPattern(pattern, 'a'.repeat(200))).toBe(false);
    expect(matchesPattern(pattern, `${'a'.repeat(200)}b`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('ruleMatches', () => {
  const none = { dagIds: [], tags: [], taskIds: [] };

  it('matches everything when all filters are empty', () => {
    expect(ruleMatches(none, { dagId: 'x', tags: [] })).toBe(true);
    expect(ruleMatches(none, { dagId: 'y', tags: ['a'], taskId: 't' })).toBe(true);
  });

  it('needs any one dag pattern to match', () => {
    const rule = { ...none, dagIds: ['etl_*', 'report'] };
    expect(ruleMatches(rule, { dagId: 'etl_sales', tags: [] })).toBe(true);
    expect(ruleMatches(rule, { dagId: 'report', tags: [] })).toBe(true);
    expect(ruleMatches(rule, { dagId: 'reports', tags: [] })).toBe(false);
  });

  it('needs any one tag to be on the DAG', () => {
    const rule = { ...none, tags: ['prod', 'critical'] };
    expect(ruleMatches(rule, { dagId: 'x', tags: ['dev', 'critical'] })).toBe(true);
    expect(ruleMatches(rule, { dagId: 'x', tags: ['dev'] })).toBe(false);
    expect(ruleMatches(rule, { dagId: 'x', tags: [] })).toBe(false);
  });

  it('needs a task id matching a pattern when taskIds are set', () => {
    const rule = { ...none, taskIds: ['load_*'] };
    expect(ruleMatches(rule, { dagId: 'x', tags: [], taskId: 'load_users' })).toBe(true);
    expect(ruleMatches(rule, { dagId: 'x', tags: [], taskId: 'extract' })).toBe(false);
    expect(ruleMatches(rule, { dagId: 'x', tags: [] })).toBe(false);
    expect(ruleMatches(rule, { dagId: 'x', tags: [], taskId: null })).toBe(false);
  });

  it('needs every non-empty filter to match', () => {
    const rule = { dagIds: ['etl_*'], tags: ['prod'], taskIds: ['load'] };
    expect(ruleMatches(rule, { dagId: 'etl_a', tags: ['prod'], taskId: 'load' })).toBe(true);
    expect(ruleMatches(rule, { dagId: 'other', tags: ['prod'], taskId: 'load' })).toBe(false);
    expect(ruleMatches(rule, { dagId: 'etl_a', tags: ['dev'], taskId: 'load' })).toBe(false);
    expect(ruleMatches(rule, { dagId: 'etl_a', tags: ['prod'], taskId: 'extract' })).toBe(false);
  });
});

describe('isMuted', () => {
  const now = new Date('2026-05-01T12:00:00Z');

  it('is muted until a future time, not once it has passed, nor without a mute', () => {
    expect(isMuted({ mutedUntil: new Date(now.getTime() + 1) }, now)).toBe(true);
    expect(isMuted({ mutedUntil: new Date(now.getTime() - 1000) }, now)).toBe(false);
    expect(isMuted({ mutedUntil: now }, now)).toBe(false);
    expect(isMuted({ mutedUntil: null }, now)).toBe(false);
  });
});
