import { describe, expect, it } from '@jest/globals';
import { TowerError } from '../errors.js';
import { decideRunState } from './run-outcome.js';
import { isFinished, TASK_STATES, type TaskState } from './states.js';
import { transition, type TaskEvent } from './transition.js';

const at = new Date('2026-01-01T00:05:00Z');

const EVENTS: TaskEvent[] = [
  { type: 'schedule' },
  { type: 'queue' },
  { type: 'start' },
  { type: 'succeed' },
  { type: 'fail' },
  { type: 'timeout' },
  { type: 'reschedule', at },
  { type: 'defer' },
  { type: 'resume' },
  { type: 'upstream_failed' },
  { type: 'skip' },
  { type: 'remove' },
  { type: 'clear' },
  { type: 'mark', state: 'success' },
  { type: 'cancel' },
];

/** Every legal (state, event) → next state; anything else must throw ILLEGAL_TRANSITION. */
const LEGAL: Record<string, TaskState> = {
  'none/schedule': 'scheduled',
  'up_for_retry/schedule': 'scheduled',
  'up_for_reschedule/schedule': 'scheduled',
  'scheduled/queue': 'queued',
  'queued/start': 'running',
  'running/succeed': 'success',
  'running/fail': 'failed',
  'running/timeout': 'failed',
  'running/reschedule': 'up_for_reschedule',
  'running/defer': 'deferred',
  'deferred/resume': 'scheduled',
  'none/upstream_failed': 'upstream_failed',
  'scheduled/upstream_failed': 'upstream_failed',
  'none/skip': 'skipped',
  'scheduled/skip': 'skipped',
  'running/skip': 'skipped',
  'running/clear': 'restarting',
  'success/clear': 'none',
  'failed/clear': 'none',
  'skipped/clear': 'none',
  'upstream_failed/clear': 'none',
  'removed/clear': 'none',
  'up_for_retry/clear': 'none',
  'up_for_reschedule/clear': 'none',
  'restarting/clear': 'none',
};
for (const s of TASK_STATES) {
  if (s !== 'removed') LEGAL[`${s}/remove`] = 'removed';
  if (s !== 'success') LEGAL[`${s}/mark`] = 'success';
  if (!isFinished(s)) LEGAL[`${s}/cancel`] = 'skipped';
}

describe('task-instance state machine', () => {
  for (const state of TASK_STATES) {
    for (const event of EVENTS) {
      const key = `${state}/${event.type}`;
      const expected = LEGAL[key];
      if (expected) {
        it(`${key} → ${expected}`, () => {
          expect(transition(state, event, { tryNumber: 1, maxTries: 1 }).next).toBe(expected);
        });
      } else {
        it(`${key} is illegal`, () => {
          expect(() => transition(state, event, { tryNumber: 1, maxTries: 1 })).toThrow(TowerError);
          try {
            transition(state, event, { tryNumber: 1, maxTries: 1 });
          } catch (e) {
            expect((e as TowerError).code).toBe('ILLEGAL_TRANSITION');
          }
        });
      }
    }
  }

  it('a failure with tries left goes up_for_retry and schedules the retry', () => {
    const retryAt = new Date('2026-01-01T00:10:00Z');
    expect(transition('running', { type: 'fail' }, { tryNumber: 1, maxTries: 3, retryAt })).toEqual({
      next: 'up_for_retry',
      effects: [{ type: 'recordTryEnd' }, { type: 'scheduleRetry', at: retryAt }],
    });
    expect(transition('running', { type: 'timeout' }, { tryNumber: 2, maxTries: 3, retryAt }).next).toBe('up_for_retry');
  });

  it('the last try fails for good and evaluates downstream', () => {
    expect(transition('running', { type: 'fail' }, { tryNumber: 3, maxTries: 3, retryAt: at })).toEqual({
      next: 'failed',
      effects: [{ type: 'recordTryEnd' }, { type: 'evaluateDownstream' }],
    });
  });

  it('a non-retryable failure fails for good even with tries left', () => {
    expect(transition('running', { type: 'fail', retryable: false }, { tryNumber: 1, maxTries: 5, retryAt: at }).next).toBe('failed');
  });

  it('a retryable failure without a retry time is a programming error', () => {
    expect(() => transition('running', { type: 'fail' }, { tryNumber: 1, maxTries: 2 })).toThrow(/retryAt/);
  });

  it('returns effects as data', () => {
    expect(transition('none', { type: 'schedule' }).effects).toEqual([{ type: 'enqueue' }]);
    expect(transition('queued', { type: 'start' }).effects).toEqual([{ type: 'startTry' }]);
    expect(transition('running', { type: 'succeed' }).effects).toEqual([{ type: 'recordTryEnd' }, { type: 'evaluateDownstream' }]);
    expect(transition('running', { type: 'reschedule', at }).effects).toEqual([{ type: 'recordTryEnd' }, { type: 'scheduleReschedule', at }]);
    expect(transition('failed', { type: 'clear' }).effects).toEqual([{ type: 'resetTry' }]);
    expect(transition('running', { type: 'cancel' }).effects).toEqual([{ type: 'stopTry' }]);
    expect(transition('running', { type: 'mark', state: 'failed' }).effects).toEqual([{ type: 'stopTry' }, { type: 'evaluateDownstream' }]);
  });
});

describe('run outcome from leaf tasks', () => {
  const leaves = ['c'];
  it('is undecided while a task is unfinished', () => {
    expect(decideRunState([{ taskId: 'a', state: 'success' }, { taskId: 'c', state: 'running' }], leaves)).toBeNull();
    expect(decideRunState([{ taskId: 'a', state: 'up_for_retry' }, { taskId: 'c', state: 'none' }], leaves)).toBeNull();
  });
  it('succeeds when leaves succeeded or were skipped, even if a non-leaf failed', () => {
    expect(decideRunState([{ taskId: 'a', state: 'failed' }, { taskId: 'c', state: 'success' }], leaves)).toBe('success');
    expect(decideRunState([{ taskId: 'a', state: 'success' }, { taskId: 'c', state: 'skipped' }], leaves)).toBe('success');
  });
  it('fails when a leaf failed or is upstream_failed', () => {
    expect(decideRunState([{ taskId: 'a', state: 'success' }, { taskId: 'c', state: 'failed' }], leaves)).toBe('failed');
    expect(decideRunState([{ taskId: 'a', state: 'failed' }, { taskId: 'c', state: 'upstream_failed' }], leaves)).toBe('failed');
  });
});
