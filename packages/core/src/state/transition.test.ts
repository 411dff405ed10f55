import { describe, expect, it } from '@jest/globals';
import { TowerError } from '../errors.js';
import { FINISHED_TASK_STATES, isFinished, isRunState, isTaskState, RUN_STATES, TASK_STATES, UNFINISHED_TASK_STATES, type TaskState } from './states.js';
import { canTransition, TASK_EVENT_TYPES, transition, type TaskEffect, type TaskEvent } from './transition.js';

const at = new Date('2026-01-01T00:05:00Z');
const noRetries = { tryNumber: 1, maxTries: 1 };

/** Every event of the matrix, keyed by a label (mark gets one entry per target state). */
const EVENTS: Record<string, TaskEvent> = {
  schedule: { type: 'schedule' },
  queue: { type: 'queue' },
  start: { type: 'start' },
  succeed: { type: 'succeed' },
  fail: { type: 'fail' },
  timeout: { type: 'timeout' },
  reschedule: { type: 'reschedule', at },
  defer: { type: 'defer' },
  resume: { type: 'resume' },
  upstream_failed: { type: 'upstream_failed' },
  skip: { type: 'skip' },
  remove: { type: 'remove' },
  clear: { type: 'clear' },
  'mark success': { type: 'mark', state: 'success' },
  'mark failed': { type: 'mark', state: 'failed' },
  'mark skipped': { type: 'mark', state: 'skipped' },
  cancel: { type: 'cancel' },
};

const enqueue: TaskEffect = { type: 'enqueue' };
const startTry: TaskEffect = { type: 'startTry' };
const recordTryEnd: TaskEffect = { type: 'recordTryEnd' };
const evaluateDownstream: TaskEffect = { type: 'evaluateDownstream' };
const resetTry: TaskEffect = { type: 'resetTry' };
const stopTry: TaskEffect = { type: 'stopTry' };

type Expected = [TaskState, TaskEffect[]];

/** mark → each of success/failed/skipped, except the state the task is already in (illegal). */
const marks = (effects: TaskEffect[], except?: TaskState): Record<string, Expected> =>
  Object.fromEntries((['success', 'failed', 'skipped'] as const).filter((s) => s !== except).map((s) => [`mark ${s}`, [s, effects] as Expected]));

/** The whole legal table, with effects (tries exhausted for fail/timeout). Anything else is illegal. */
const LEGAL: Record<TaskState, Record<string, Expected>> = {
  none: {
    schedule: ['scheduled', [enqueue]],
    upstream_failed: ['upstream_failed', [evaluateDownstream]],
    skip: ['skipped', [evaluateDownstream]],
    remove: ['removed', [evaluateDownstream]],
    ...marks([evaluateDownstream]),
    cancel: ['skipped', []],
  },
  scheduled: {
    queue: ['queued', []],
    upstream_failed: ['upstream_failed', [evaluateDownstream]],
    skip: ['skipped', [evaluateDownstream]],
    remove: ['removed', [evaluateDownstream]],
    clear: ['none', [resetTry]],
    ...marks([evaluateDownstream]),
    cancel: ['skipped', []],
  },
  queued: {
    start: ['running', [startTry]],
    remove: ['removed', [evaluateDownstream]],
    ...marks([evaluateDownstream]),
    cancel: ['skipped', []],
  },
  running: {
    succeed: ['success', [recordTryEnd, evaluateDownstream]],
    fail: ['failed', [recordTryEnd, evaluateDownstream]],
    timeout: ['failed', [recordTryEnd, evaluateDownstream]],
    reschedule: ['up_for_reschedule', [recordTryEnd, { type: 'scheduleReschedule', at }]],
    defer: ['deferred', []],
    skip: ['skipped', [recordTryEnd, evaluateDownstream]],
    remove: ['removed', [stopTry, evaluateDownstream]],
    clear: ['restarting', [stopTry]],
    ...marks([stopTry, evaluateDownstream]),
    cancel: ['skipped', [stopTry]],
  },
  success: { remove: ['removed', [evaluateDownstream]], clear: ['none', [resetTry]], ...marks([evaluateDownstream], 'success') },
  failed: { remove: ['removed', [evaluateDownstream]], clear: ['none', [resetTry]], ...marks([evaluateDownstream], 'failed') },
  skipped: { remove: ['removed', [evaluateDownstream]], clear: ['none', [resetTry]], ...marks([evaluateDownstream], 'skipped') },
  upstream_failed: { remove: ['removed', [evaluateDownstream]], clear: ['none', [resetTry]], ...marks([evaluateDownstream]) },
  removed: { clear: ['none', [resetTry]], ...marks([evaluateDownstream]) },
  up_for_retry: {
    schedule: ['scheduled', [enqueue]],
    remove: ['removed', [evaluateDownstream]],
    clear: ['none', [resetTry]],
    ...marks([evaluateDownstream]),
    cancel: ['skipped', []],
  },
  up_for_reschedule: {
    schedule: ['scheduled', [enqueue]],
    remove: ['removed', [evaluateDownstream]],
    clear: ['none', [resetTry]],
    ...marks([evaluateDownstream]),
    cancel: ['skipped', []],
  },
  deferred: {
    fail: ['failed', [recordTryEnd, evaluateDownstream]],
    timeout: ['failed', [recordTryEnd, evaluateDownstream]],
    resume: ['scheduled', [enqueue]],
    skip: ['skipped', [recordTryEnd, evaluateDownstream]],
    remove: ['removed', [stopTry, evaluateDownstream]],
    clear: ['none', [stopTry, resetTry]],
    ...marks([stopTry, evaluateDownstream]),
    cancel: ['skipped', [stopTry]],
  },
  restarting: {
    succeed: ['none', [recordTryEnd, resetTry]],
    fail: ['none', [recordTryEnd, resetTry]],
    timeout: ['none', [recordTryEnd, resetTry]],
    reschedule: ['none', [recordTryEnd, resetTry]],
    defer: ['none', [recordTryEnd, resetTry]],
    skip: ['none', [recordTryEnd, resetTry]],
    remove: ['removed', [stopTry, evaluateDownstream]],
    ...marks([stopTry, evaluateDownstream]),
    cancel: ['skipped', [stopTry]],
  },
};

describe('task-instance state machine: the full (state, event) matrix', () => {
  it('covers the 13 states and every event type', () => {
    expect(TASK_STATES).toHaveLength(13);
    expect(Object.keys(LEGAL).sort()).toEqual([...TASK_STATES].sort());
    expect([...new Set(Object.values(EVENTS).map((e) => e.type))].sort()).toEqual([...TASK_EVENT_TYPES].sort());
  });

  for (const state of TASK_STATES) {
    for (const [label, event] of Object.entries(EVENTS)) {
      const expected = LEGAL[state][label];
      if (expected) {
        it(`${state} --${label}--> ${expected[0]} with effects [${expected[1].map((e) => e.type).join(', ')}]`, () => {
          expect(transition(state, event, noRetries)).toEqual({ next: expected[0], effects: expected[1] });
          expect(canTransition(state, event)).toBe(true);
        });
      } else {
        it(`${state} --${label}--> throws ILLEGAL_TRANSITION`, () => {
          let error: unknown;
          try {
            transition(state, event, noRetries);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(TowerError);
          expect((error as TowerError).code).toBe('ILLEGAL_TRANSITION');
          expect((error as TowerError).message).toContain(`state ${state}`);
          expect((error as TowerError).details).toEqual({ state, event: event.type });
          expect(canTransition(state, event)).toBe(false);
        });
      }
    }
  }
});

describe('failures, retries and timeouts', () => {
  const retryAt = new Date('2026-01-01T00:10:00Z');

  it('a failure with tries left goes up_for_retry and schedules the retry at retryAt', () => {
    expect(transition('running', { type: 'fail' }, { tryNumber: 1, maxTries: 3, retryAt })).toEqual({
      next: 'up_for_retry',
      effects: [recordTryEnd, { type: 'scheduleRetry', at: retryAt }],
    });
    expect(transition('running', { type: 'fail', retryable: true }, { tryNumber: 2, maxTries: 3, retryAt }).next).toBe('up_for_retry');
  });
  it('a timeout is a failure that may retry, unless marked not retryable', () => {
    expect(transition('running', { type: 'timeout' }, { tryNumber: 2, maxTries: 3, retryAt }).effects).toEqual([
      recordTryEnd,
      { type: 'scheduleRetry', at: retryAt },
    ]);
    expect(transition('running', { type: 'timeout', retryable: false }, { tryNumber: 1, maxTries: 3, retryAt }).next).toBe('failed');
  });
  it('the last try fails for good and evaluates downstream', () => {
    expect(transition('running', { type: 'fail' }, { tryNumber: 3, maxTries: 3, retryAt })).toEqual({
      next: 'failed',
      effects: [recordTryEnd, evaluateDownstream],
    });
  });
  it('a non-retryable failure fails for good even with tries left', () => {
    expect(transition('running', { type: 'fail', retryable: false }, { tryNumber: 1, maxTries: 5, retryAt }).next).toBe('failed');
  });
  it('a failed deferred trigger retries like a failed try', () => {
    expect(transition('deferred', { type: 'fail' }, { tryNumber: 1, maxTries: 2, retryAt }).next).toBe('up_for_retry');
    expect(transition('deferred', { type: 'timeout', retryable: false }, { tryNumber: 1, maxTries: 2, retryAt }).next).toBe('failed');
  });
  it('defaults to a single try when the context says nothing', () => {
    expect(transition('running', { type: 'fail' }).next).toBe('failed');
  });
  it('treats a retry without retryAt, or nonsense try counts, as a programming error (INTERNAL)', () => {
    const internal = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as TowerError).code;
      }
      return 'no error';
    };
    expect(internal(() => transition('running', { type: 'fail' }, { tryNumber: 1, maxTries: 2 }))).toBe('INTERNAL');
    expect(internal(() => transition('running', { type: 'fail' }, { tryNumber: 1, maxTries: 2, retryAt: new Date('x') }))).toBe('INTERNAL');
    expect(internal(() => transition('running', { type: 'fail' }, { tryNumber: 0, maxTries: 2, retryAt }))).toBe('INTERNAL');
    expect(internal(() => transition('running', { type: 'fail' }, { tryNumber: 1.5, maxTries: 2, retryAt }))).toBe('INTERNAL');
  });
  it('a restarting task ends its try and starts over whatever the try reported, even with tries left', () => {
    expect(transition('restarting', { type: 'fail' }, { tryNumber: 1, maxTries: 3, retryAt }).next).toBe('none');
  });
});

describe('lifecycles', () => {
  const run = (start: TaskState, events: TaskEvent[], ctx = noRetries) => events.reduce<TaskState>((s, e) => transition(s, e, ctx).next, start);

  it('walks none → scheduled → queued → running → up_for_retry → scheduled → … → success', () => {
    const retryAt = new Date('2026-01-01T00:10:00Z');
    const first = run('none', [{ type: 'schedule' }, { type: 'queue' }, { type: 'start' }]);
    const afterFailure = transition(first, { type: 'fail' }, { tryNumber: 1, maxTries: 2, retryAt }).next;
    expect(afterFailure).toBe('up_for_retry');
    expect(run(afterFailure, [{ type: 'schedule' }, { type: 'queue' }, { type: 'start' }, { type: 'succeed' }])).toBe('success');
  });
  it('walks a sensor through reschedule and a deferral', () => {
    expect(
      run('running', [{ type: 'reschedule', at }, { type: 'schedule' }, { type: 'queue' }, { type: 'start' }, { type: 'defer' }, { type: 'resume' }]),
    ).toBe('scheduled');
  });
  it('never moves a task backwards on a duplicate delivery', () => {
    const done = run('queued', [{ type: 'start' }, { type: 'succeed' }]);
    expect(() => transition(done, { type: 'succeed' })).toThrow(TowerError);
    expect(() => transition(done, { type: 'start' })).toThrow(TowerError);
    expect(() => transition('running', { type: 'start' })).toThrow(TowerError);
    expect(() => transition('queued', { type: 'queue' })).toThrow(TowerError);
  });
  it('clears a running task in two steps: restarting, then none once its try has ended', () => {
    expect(run('running', [{ type: 'clear' }, { type: 'succeed' }])).toBe('none');
    expect(() => transition('restarting', { type: 'clear' })).toThrow(TowerError);
  });
});

describe('states', () => {
  it('finished states are success, failed, skipped, upstream_failed and removed', () => {
    expect([...FINISHED_TASK_STATES].sort()).toEqual(['failed', 'removed', 'skipped', 'success', 'upstream_failed']);
    expect(TASK_STATES.filter(isFinished).sort()).toEqual([...FINISHED_TASK_STATES].sort());
    expect([...UNFINISHED_TASK_STATES, ...FINISHED_TASK_STATES].sort()).toEqual([...TASK_STATES].sort());
  });
  it('run states include canceled', () => {
    expect(RUN_STATES).toEqual(['queued', 'running', 'success', 'failed', 'canceled']);
  });
  it('recognises state names', () => {
    expect(isTaskState('up_for_retry')).toBe(true);
    expect(isTaskState('done')).toBe(false);
    expect(isTaskState(3)).toBe(false);
    expect(isRunState('canceled')).toBe(true);
    expect(isRunState('none')).toBe(false);
  });
});
