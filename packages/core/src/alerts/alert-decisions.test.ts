import { describe, expect, it } from '@jest/globals';
import {
  alertsForChange,
  runEndResolutions,
  deadlineOf,
  deadlineOpening,
  dedupKeyOf,
  durationOpening,
  errorExcerpt,
  freshnessOpening,
  humanDuration,
  type DagActivity,
  type RunEnded,
  type RunningRun,
  type TaskEnded,
} from './alert-decisions.js';
import type { AlertEventType, AlertRuleConfig } from './alert-rules.js';

const AT = new Date('2026-05-01T12:00:00Z');

const NO_FILTERS = { dagIds: [], tags: [], taskIds: [], channelIds: [] };
const NO_PARAMS = { durationSeconds: null, deadlineTime: null, deadlineTimezone: null, freshnessHours: null, consecutiveFailures: null };

function rule(event: AlertEventType, over: Partial<AlertRuleConfig> = {}): AlertRuleConfig {
  const base = { id: `rule-${event}`, tenantId: 't1', name: event, event, severity: 'ERROR' as const, throttleSeconds: 0, mutedUntil: null, enabled: true };
  return { ...base, ...NO_FILTERS, ...NO_PARAMS, ...over };
}

const WHERE = { tenantId: 't1', dagId: 'etl', tags: ['prod'], dagRunId: 'dr-1', runId: 'scheduled__2026-05-01', at: AT };

function run(state: RunEnded['state'], previous: RunEnded['state'][] = [], over: Partial<RunEnded> = {}): RunEnded {
  return { kind: 'run', ...WHERE, logicalDate: new Date('2026-05-01T00:00:00Z'), state, previous, ...over };
}

function task(state: TaskEnded['state'], over: Partial<TaskEnded> = {}): TaskEnded {
  return { kind: 'task', ...WHERE, taskId: 'load', tryNumber: 1, state, event: 'fail', sensor: false, error: 'boom', ...over };
}

const fired = (r: AlertRuleConfig, change: RunEnded | TaskEnded) => alertsForChange([r], change).open.length === 1;
const TERMINAL = ['success', 'failed', 'canceled'] as const;

describe('alertsForChange: run events', () => {
  it('RUN_FAILED fires only for a failed run', () => {
    const r = rule('RUN_FAILED');
    expect(TERMINAL.filter((s) => fired(r, run(s)))).toEqual(['failed']);
    expect(alertsForChange([r], run('failed')).open[0]).toEqual({
      rule: r,
      dedupKey: 'run:dr-1',
      dagId: 'etl',
      dagRunId: 'dr-1',
      runId: 'scheduled__2026-05-01',
      taskId: null,
      summary: 'etl run scheduled__2026-05-01 failed',
      details: { state: 'failed', logicalDate: '2026-05-01T00:00:00.000Z' },
      at: AT,
    });
  });

  it('RUN_SUCCEEDED fires only for a successful run', () => {
    const r = rule('RUN_SUCCEEDED');
    expect(TERMINAL.filter((s) => fired(r, run(s)))).toEqual(['success']);
    expect(alertsForChange([r], run('success')).open[0]).toMatchObject({ dedupKey: 'run:dr-1', summary: 'etl run scheduled__2026-05-01 succeeded' });
  });

  it('RUN_RECOVERED fires only for a success right after a failed run', () => {
    const r = rule('RUN_RECOVERED');
    expect(fired(r, run('success', ['failed']))).toBe(true);
    expect(fired(r, run('success', ['failed', 'success']))).toBe(true);
    expect(fired(r, run('success', ['success', 'failed']))).toBe(false);
    expect(fired(r, run('success', ['canceled']))).toBe(false);
    expect(fired(r, run('success', []))).toBe(false);
    expect(fired(r, run('failed', ['failed']))).toBe(false);
    expect(fired(r, run('canceled', ['failed']))).toBe(false);
    expect(alertsForChange([r], run('success', ['failed'])).open[0].summary).toBe('etl recovered: run scheduled__2026-05-01 succeeded after a failed run');
  });

  it('CONSECUTIVE_FAILURES (N=3) fires on the third failure in a row', () => {
    const r = rule('CONSECUTIVE_FAILURES', { consecutiveFailures: 3 });
    const open = alertsForChange([r], run('failed', ['failed', 'failed'])).open;
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      dedupKey: 'dag:etl',
      summary: 'etl failed 3 runs in a row (latest: scheduled__2026-05-01)',
      details: { state: 'failed', consecutiveFailures: 3 },
    });
    expect(fired(r, run('failed', ['failed', 'failed', 'success']))).toBe(true);
    expect(fired(r, run('failed', ['failed', 'failed', 'failed']))).toBe(true);
  });

  it('CONSECUTIVE_FAILURES does not fire when the streak is broken or too short', () => {
    const r = rule('CONSECUTIVE_FAILURES', { consecutiveFailures: 3 });
    expect(fired(r, run('failed', ['failed', 'success']))).toBe(false);
    expect(fired(r, run('failed', ['success', 'failed']))).toBe(false);
    expect(fired(r, run('failed', ['failed', 'canceled']))).toBe(false);
    expect(fired(r, run('failed', ['failed']))).toBe(false);
    expect(fired(r, run('failed', []))).toBe(false);
    expect(fired(r, run('success', ['failed', 'failed']))).toBe(false);
    expect(fired(r, run('canceled', ['failed', 'failed']))).toBe(false);
  });

  it('CONSECUTIVE_FAILURES with N=2 needs one earlier failure', () => {
    const r = rule('CONSECUTIVE_FAILURES', { consecutiveFailures: 2 });
    expect(fired(r, run('failed', ['failed']))).toBe(true);
    expect(fired(r, run('failed', ['success']))).toBe(false);
  });

  it.each(['TASK_FAILED', 'TASK_RETRIED', 'SENSOR_TIMED_OUT', 'RUN_DURATION', 'RUN_DEADLINE', 'FRESHNESS'] as const)(
    '%s does not open on a run change',
    (event) => {
      expect(TERMINAL.some((s) => fired(rule(event), run(s, ['failed', 'failed'])))).toBe(false);
    },
  );
});

describe('alertsForChange: task events', () => {
  it('TASK_FAILED fires on a failed task, not a retry nor a failure marked by a person', () => {
    const r = rule('TASK_FAILED');
    expect(alertsForChange([r], task('failed', { error: 'x'.repeat(600) })).open[0]).toEqual({
      rule: r,
      dedupKey: 'run:dr-1',
      dagId: 'etl',
      dagRunId: 'dr-1',
      runId: 'scheduled__2026-05-01',
      taskId: 'load',
      summary: 'etl.load failed in run scheduled__2026-05-01',
      details: { tasks: ['load'], tryNumber: 1, error: `${'x'.repeat(499)}…` },
      at: AT,
    });
    expect(fired(r, task('failed', { event: 'timeout' }))).toBe(true);
    expect(fired(r, task('failed', { event: 'mark' }))).toBe(false);
    expect(fired(r, task('up_for_retry'))).toBe(false);
  });

  it('TASK_RETRIED fires on up_for_retry only', () => {
    const r = rule('TASK_RETRIED');
    expect(fired(r, task('failed'))).toBe(false);
    const open = alertsForChange([r], task('up_for_retry', { tryNumber: 2 })).open;
    expect(open[0]).toMatchObject({
      dedupKey: 'run:dr-1',
      summary: 'etl.load failed try 2 and will retry (run scheduled__2026-05-01)',
      details: { tryNumber: 2 },
    });
  });

  it('SENSOR_TIMED_OUT fires only for a sensor that failed by timeout', () => {
    const r = rule('SENSOR_TIMED_OUT');
    expect(fired(r, task('failed', { sensor: true, event: 'timeout' }))).toBe(true);
    expect(fired(r, task('failed', { sensor: false, event: 'timeout' }))).toBe(false);
    expect(fired(r, task('failed', { sensor: true, event: 'fail' }))).toBe(false);
    expect(fired(r, task('up_for_retry', { sensor: true, event: 'timeout' }))).toBe(false);
    expect(alertsForChange([r], task('failed', { sensor: true, event: 'timeout', taskId: 'wait' })).open[0].summary).toBe(
      'sensor etl.wait timed out in run scheduled__2026-05-01',
    );
  });

  it.each(['RUN_FAILED', 'RUN_SUCCEEDED', 'RUN_RECOVERED', 'CONSECUTIVE_FAILURES', 'RUN_DURATION'] as const)('%s does not open on a task change', (event) => {
    expect(fired(rule(event, { consecutiveFailures: 2 }), task('failed'))).toBe(false);
  });

  it('a sensor timeout opens both TASK_FAILED and SENSOR_TIMED_OUT, with no error excerpt when none', () => {
    const open = alertsForChange([rule('TASK_FAILED'), rule('SENSOR_TIMED_OUT')], task('failed', { sensor: true, event: 'timeout', error: null })).open;
    expect(open.map((o) => [o.rule.event, o.dedupKey, o.details.error])).toEqual([
      ['TASK_FAILED', 'run:dr-1', null],
      ['SENSOR_TIMED_OUT', 'run:dr-1', null],
    ]);
  });

  it('applies the task id filter', () => {
    expect(fired(rule('TASK_FAILED', { taskIds: ['load*'] }), task('failed', { taskId: 'load_users' }))).toBe(true);
    expect(fired(rule('TASK_FAILED', { taskIds: ['load*'] }), task('failed', { taskId: 'extract' }))).toBe(false);
  });

  it('resolves nothing', () => {
    expect(alertsForChange([rule('TASK_FAILED')], task('failed')).resolve).toEqual([]);
    expect(alertsForChange([], task('up_for_retry')).resolve).toEqual([]);
  });
});

describe('alertsForChange: rule selection', () => {
  it('ignores disabled rules and rules of other tenants', () => {
    expect(fired(rule('RUN_FAILED', { enabled: false }), run('failed'))).toBe(false);
    expect(fired(rule('RUN_FAILED', { tenantId: 't2' }), run('failed'))).toBe(false);
    expect(fired(rule('TASK_FAILED', { tenantId: 't2' }), task('failed'))).toBe(false);
  });

  it('applies dag id and tag filters', () => {
    expect(fired(rule('RUN_FAILED', { dagIds: ['et*'] }), run('failed'))).toBe(true);
    expect(fired(rule('RUN_FAILED', { dagIds: ['other'] }), run('failed'))).toBe(false);
    expect(fired(rule('RUN_FAILED', { tags: ['dev', 'prod'] }), run('failed'))).toBe(true);
    expect(fired(rule('RUN_FAILED', { tags: ['dev'] }), run('failed'))).toBe(false);
    expect(fired(rule('TASK_FAILED', { tags: ['dev'] }), task('failed'))).toBe(false);
  });

  it('opens one alert per matching rule, in rule order', () => {
    const rules = [rule('RUN_FAILED', { id: 'a' }), rule('RUN_SUCCEEDED', { id: 'b' }), rule('RUN_FAILED', { id: 'c', dagIds: ['etl'] })];
    expect(alertsForChange(rules, run('failed')).open.map((o) => o.rule.id)).toEqual(['a', 'c']);
  });
});

describe('alertsForChange: resolutions', () => {
  const base = { tenantId: 't1', dagId: 'etl', at: AT };

  it('a success resolves the DAG health alerts, the run duration and the DAG deadline', () => {
    expect(alertsForChange([], run('success')).resolve).toEqual([
      { ...base, dagRunId: 'dr-1', events: ['RUN_DURATION'] },
      { ...base, dagRunId: null, events: ['RUN_DEADLINE'] },
      {
        ...base,
        dagRunId: null,
        events: ['RUN_FAILED', 'TASK_FAILED', 'SENSOR_TIMED_OUT', 'CONSECUTIVE_FAILURES', 'FRESHNESS'],
      },
    ]);
  });

  it.each(['failed', 'canceled'] as const)('a %s run resolves only its duration and the deadline', (state) => {
    const resolve = alertsForChange([rule('RUN_FAILED')], run(state)).resolve;
    expect(resolve.map((r) => [r.dagRunId, r.events])).toEqual([
      ['dr-1', ['RUN_DURATION']],
      [null, ['RUN_DEADLINE']],
    ]);
  });

  it('are the same with no rule at all (runEndResolutions): a fired alert is resolved after its rule changed', () => {
    expect(runEndResolutions(run('success'))).toEqual(alertsForChange([], run('success')).resolve);
  });
});

describe('dedupKeyOf', () => {
  it('keys by run, DAG or DAG and day by the event scope', () => {
    expect(dedupKeyOf('TASK_RETRIED', { dagId: 'etl', dagRunId: 'dr-9' })).toBe('run:dr-9');
    expect(dedupKeyOf('FRESHNESS', { dagId: 'etl', dagRunId: 'dr-9' })).toBe('dag:etl');
    expect(dedupKeyOf('RUN_DEADLINE', { dagId: 'etl', day: '2026-05-01' })).toBe('dag:etl:2026-05-01');
  });
});

describe('durationOpening', () => {
  const running: RunningRun = { tenantId: 't1', dagId: 'etl', tags: [], dagRunId: 'dr-7', runId: 'manual__1', startedAt: new Date('2026-05-01T10:00:00Z') };
  const r = rule('RUN_DURATION', { durationSeconds: 3600 });

  it('does not fire below the threshold and fires at it', () => {
    expect(durationOpening(r, running, new Date('2026-05-01T10:59:59.999Z'))).toBeNull();
    const now = new Date('2026-05-01T11:00:00Z');
    expect(durationOpening(r, running, now)).toEqual({
      rule: r,
      dedupKey: 'run:dr-7',
      dagId: 'etl',
      dagRunId: 'dr-7',
      runId: 'manual__1',
      taskId: null,
      summary: 'etl run manual__1 has been running for more than 1 h',
      details: { startedAt: '2026-05-01T10:00:00.000Z', durationSeconds: 3600 },
      at: now,
    });
  });

  it('ignores other events and unmatched DAGs', () => {
    const late = new Date('2026-05-02T00:00:00Z');
    expect(durationOpening(rule('RUN_FAILED', { durationSeconds: 60 }), running, late)).toBeNull();
    expect(durationOpening({ ...r, dagIds: ['other'] }, running, late)).toBeNull();
  });
});

describe('deadlineOf', () => {
  const ny = (deadlineTime: string) => ({ deadlineTime, deadlineTimezone: 'America/New_York' });

  it('uses the zone offset of the day on the spring-forward day', () => {
    expect(deadlineOf(ny('09:00'), new Date('2026-03-08T15:00:00Z'))).toEqual({
      day: '2026-03-08',
      dayStart: new Date('2026-03-08T05:00:00Z'),
      deadline: new Date('2026-03-08T13:00:00Z'),
    });
  });

  it('uses the zone offset of the day on the fall-back day', () => {
    expect(deadlineOf(ny('09:00'), new Date('2026-11-01T15:00:00Z'))).toEqual({
      day: '2026-11-01',
      dayStart: new Date('2026-11-01T04:00:00Z'),
      deadline: new Date('2026-11-01T14:00:00Z'),
    });
  });

  it('moves a deadline in the spring-forward gap forward with the clock', () => {
    // 02:30 does not exist in New York on 2026-03-08: it is 03:30 EDT, 07:30Z.
    expect(deadlineOf(ny('02:30'), new Date('2026-03-08T15:00:00Z')).deadline).toEqual(new Date('2026-03-08T07:30:00Z'));
  });

  it('takes the day in the rule zone, not in UTC', () => {
    // 03:00Z on 03-08 is still 22:00 on 03-07 in New York.
    expect(deadlineOf(ny('09:00'), new Date('2026-03-08T03:00:00Z'))).toMatchObject({ day: '2026-03-07', deadline: new Date('2026-03-07T14:00:00Z') });
  });

  it('defaults to midnight UTC', () => {
    expect(deadlineOf({ deadlineTime: null, deadlineTimezone: null }, new Date('2026-05-01T12:00:00Z'))).toEqual({
      day: '2026-05-01',
      dayStart: new Date('2026-05-01T00:00:00Z'),
      deadline: new Date('2026-05-01T00:00:00Z'),
    });
  });
});

describe('deadlineOpening', () => {
  const r = rule('RUN_DEADLINE', { deadlineTime: '09:00', deadlineTimezone: 'America/New_York' });
  const dag = (lastEndedAt: Date | null): DagActivity => ({
    tenantId: 't1',
    dagId: 'etl',
    tags: [],
    createdAt: new Date('2026-01-01T00:00:00Z'),
    lastEndedAt,
    lastSuccessAt: null,
  });
  const after = new Date('2026-05-01T13:00:00Z'); // 09:00 EDT

  it('does not fire before the deadline', () => {
    expect(deadlineOpening(r, dag(null), new Date('2026-05-01T12:59:59Z'))).toBeNull();
  });

  it('fires after the deadline when no run ended that day', () => {
    expect(deadlineOpening(r, dag(new Date('2026-05-01T03:59:59Z')), after)).toEqual({
      rule: r,
      dedupKey: 'dag:etl:2026-05-01',
      dagId: 'etl',
      dagRunId: null,
      runId: null,
      taskId: null,
      summary: 'etl had no finished run by 09:00 America/New_York on 2026-05-01',
      details: { day: '2026-05-01', deadline: '2026-05-01T13:00:00.000Z', deadlineTime: '09:00', deadlineTimezone: 'America/New_York' },
      at: after,
    });
    expect(deadlineOpening(r, dag(null), after)?.dedupKey).toBe('dag:etl:2026-05-01');
  });

  it('does not fire when a run ended that day (from local midnight)', () => {
    expect(deadlineOpening(r, dag(new Date('2026-05-01T04:00:00Z')), after)).toBeNull();
    expect(deadlineOpening(r, dag(new Date('2026-05-01T12:00:00Z')), after)).toBeNull();
  });

  it('ignores other events and unmatched DAGs', () => {
    expect(deadlineOpening({ ...r, event: 'FRESHNESS' }, dag(null), after)).toBeNull();
    expect(deadlineOpening({ ...r, tags: ['prod'] }, dag(null), after)).toBeNull();
  });
});

describe('freshnessOpening', () => {
  const r = rule('FRESHNESS', { freshnessHours: 24 });
  const createdAt = new Date('2026-04-30T00:00:00Z');
  const dag = (lastSuccessAt: Date | null): DagActivity => ({ tenantId: 't1', dagId: 'etl', tags: [], createdAt, lastEndedAt: null, lastSuccessAt });

  it('counts from the last success', () => {
    const success = new Date('2026-04-30T12:00:00Z');
    expect(freshnessOpening(r, dag(success), new Date('2026-05-01T11:59:59Z'))).toBeNull();
    const now = new Date('2026-05-01T12:00:00Z');
    expect(freshnessOpening(r, dag(success), now)).toMatchObject({
      dedupKey: 'dag:etl',
      dagRunId: null,
      summary: 'etl has had no successful run for 24 h (last success 2026-04-30T12:00:00.000Z)',
      details: { lastSuccessAt: '2026-04-30T12:00:00.000Z', freshnessHours: 24 },
      at: now,
    });
  });

  it('counts from the DAG creation when it never succeeded', () => {
    expect(freshnessOpening(r, dag(null), new Date('2026-04-30T23:59:59Z'))).toBeNull();
    expect(freshnessOpening(r, dag(null), new Date('2026-05-01T00:00:00Z'))).toMatchObject({
      summary: 'etl has had no successful run in the 24 h since it was created',
      details: { lastSuccessAt: null, freshnessHours: 24 },
    });
  });

  it('ignores other events and unmatched DAGs', () => {
    const late = new Date('2026-06-01T00:00:00Z');
    expect(freshnessOpening(rule('RUN_DURATION', { freshnessHours: 1 }), dag(null), late)).toBeNull();
    expect(freshnessOpening({ ...r, dagIds: ['x*'] }, dag(null), late)).toBeNull();
  });
});

describe('humanDuration and errorExcerpt', () => {
  it('says hours, minutes or seconds', () => {
    expect([3600, 7200, 120, 5400, 90, 1].map(humanDuration)).toEqual(['1 h', '2 h', '2 min', '90 min', '90 s', '1 s']);
  });

  it('clips an error to 500 characters with an ellipsis', () => {
    expect(errorExcerpt(null)).toBeNull();
    expect(errorExcerpt(undefined)).toBeNull();
    expect(errorExcerpt('')).toBeNull();
    expect(errorExcerpt('short')).toBe('short');
    expect(errorExcerpt('e'.repeat(500))).toBe('e'.repeat(500));
    const clipped = errorExcerpt('e'.repeat(501))!;
    expect(clipped).toHaveLength(500);
    expect(clipped.endsWith('e…')).toBe(true);
  });
});

describe('errorExcerpt and astral characters', () => {
  it('never cuts a character outside the BMP in half (a lone surrogate is refused as jsonb)', () => {
    const excerpt = errorExcerpt(`${'x'.repeat(498)}😀 boom${'y'.repeat(10)}`)!;
    expect(excerpt.endsWith('😀…')).toBe(true);
    expect(() => encodeURIComponent(excerpt)).not.toThrow(); // throws URIError on a lone surrogate
  });
});
