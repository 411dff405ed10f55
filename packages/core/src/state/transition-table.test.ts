import { describe, expect, it } from '@jest/globals';
import { TASK_STATES } from './states.js';
import { taskEventSources, taskEventTarget, taskEventTargets, taskSourcesOfAll } from './transition-table.js';
import { canTransition, TASK_EVENT_TYPES, transition } from './transition.js';
import { canRunTransition, RUN_EVENT_TYPES, runEventSources, runEventTarget, runTimeoutAt, runTransition } from './run-transition.js';
import { RUN_STATES } from './states.js';

describe('the task state machine as tables', () => {
  it('lists, for every event, exactly the states transition() accepts', () => {
    for (const type of TASK_EVENT_TYPES) {
      if (type === 'mark') continue;
      const sources = taskEventSources(type);
      for (const state of TASK_STATES)
        expect([type, state, sources.includes(state)]).toEqual([
          type,
          state,
          canTransition(state, type === 'reschedule' ? { type, at: new Date() } : ({ type } as never)),
        ]);
    }
  });

  it('pins the sources the engine builds its compare-and-sets from', () => {
    expect(taskEventSources('schedule')).toEqual(['none', 'up_for_retry', 'up_for_reschedule']);
    expect(taskEventSources('queue')).toEqual(['scheduled']);
    expect(taskEventSources('start')).toEqual(['queued']);
    expect(taskEventSources('succeed')).toEqual(['running', 'restarting']);
    expect(taskEventSources('fail')).toEqual(['running', 'deferred', 'restarting']);
    expect(taskEventSources('clear')).toEqual([
      'scheduled',
      'running',
      'success',
      'failed',
      'up_for_retry',
      'up_for_reschedule',
      'upstream_failed',
      'skipped',
      'deferred',
      'removed',
    ]);
    expect(taskEventSources('cancel')).toEqual(['none', 'scheduled', 'queued', 'running', 'up_for_retry', 'up_for_reschedule', 'deferred', 'restarting']);
    expect(taskEventSources({ type: 'mark', state: 'success' })).toEqual(TASK_STATES.filter((s) => s !== 'success'));
  });

  it('lists the targets, both of them where a failure depends on the tries left', () => {
    expect(taskEventTargets('fail', ['running'])).toEqual(['failed', 'up_for_retry']);
    expect(taskEventTargets('start')).toEqual(['running']);
    expect(taskEventTargets('cancel')).toEqual(['skipped']);
    expect(taskEventTargets('succeed')).toEqual(['none', 'success']);
    expect(taskEventTarget('queue', 'scheduled')).toBe('queued');
    expect(taskEventTarget('succeed', 'restarting')).toBe('none');
    expect(() => taskEventTarget('fail', 'running')).toThrow(/2 possible targets/);
    expect(() => taskEventTarget('start', 'running')).toThrow(/0 possible targets/);
  });

  it('intersects the sources of events a shell decides among', () => {
    expect(taskSourcesOfAll(['schedule', 'skip', 'upstream_failed'])).toEqual(['none']);
    expect(taskSourcesOfAll(['succeed', 'fail'])).toEqual(['running', 'restarting']);
  });

  it('agrees with transition() on every target', () => {
    for (const state of TASK_STATES) {
      if (canTransition(state, { type: 'cancel' })) expect(taskEventTargets('cancel', [state])).toEqual([transition(state, { type: 'cancel' }).next]);
    }
  });
});

describe('the run state machine', () => {
  it('moves queued → running → success | failed, and refuses the rest', () => {
    expect(runTransition('queued', { type: 'start' })).toBe('running');
    expect(runTransition('running', { type: 'finish', outcome: 'failed' })).toBe('failed');
    expect(() => runTransition('running', { type: 'start' })).toThrow(/cannot take event "start"/);
    expect(() => runTransition('queued', { type: 'finish', outcome: 'success' })).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
  });

  it('cancels or times out a queued or running run, and reopens a finished one', () => {
    expect(runEventSources('cancel')).toEqual(['queued', 'running']);
    expect(runEventTarget('cancel')).toBe('canceled');
    expect(runEventSources('timeout')).toEqual(['queued', 'running']);
    expect(runEventTarget('timeout')).toBe('failed');
    expect(runEventSources('reopen')).toEqual(['success', 'failed', 'canceled']);
    expect(runEventSources({ type: 'reopen', by: 'mark' })).toEqual(['success', 'failed']);
    expect(runEventTarget('reopen')).toBe('running');
    expect(runEventSources('start')).toEqual(['queued']);
    expect(runEventSources('finish')).toEqual(['running']);
    for (const s of RUN_STATES) expect(canRunTransition(s, { type: 'start' })).toBe(s === 'queued');
    expect(RUN_EVENT_TYPES).toEqual(['start', 'finish', 'cancel', 'timeout', 'reopen']);
    for (const type of RUN_EVENT_TYPES) expect(runEventSources(type).length).toBeGreaterThan(0);
  });

  it('times a run out dagRunTimeoutSeconds after it starts, or never', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    expect(runTimeoutAt({ dagRunTimeoutSeconds: 90 }, now)).toEqual(new Date('2026-03-01T00:01:30Z'));
    expect(runTimeoutAt({ dagRunTimeoutSeconds: null }, now)).toBeNull();
  });
});
