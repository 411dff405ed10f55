import { describe, expect, it } from '@jest/globals';
import { decideRunState } from './run-outcome.js';
import { TASK_STATES, UNFINISHED_TASK_STATES, type TaskState } from './states.js';

// a → b → c (leaf), a → d (leaf)
const leaves = ['c', 'd'];
const run = (a: TaskState, b: TaskState, c: TaskState, d: TaskState) => [
  { taskId: 'a', state: a },
  { taskId: 'b', state: b },
  { taskId: 'c', state: c },
  { taskId: 'd', state: d },
];

describe('decideRunState (Airflow: the leaves decide)', () => {
  it('is undecided while any task, leaf or not, is unfinished', () => {
    for (const state of UNFINISHED_TASK_STATES) {
      expect(decideRunState(run(state, 'success', 'success', 'success'), leaves)).toBeNull();
      expect(decideRunState(run('success', 'success', state, 'failed'), leaves)).toBeNull();
    }
  });
  it('succeeds when every leaf succeeded, was skipped or removed', () => {
    expect(decideRunState(run('success', 'success', 'success', 'success'), leaves)).toBe('success');
    expect(decideRunState(run('success', 'skipped', 'skipped', 'success'), leaves)).toBe('success');
    expect(decideRunState(run('success', 'success', 'removed', 'skipped'), leaves)).toBe('success');
  });
  it('succeeds even if a non-leaf failed, when the leaves did not (e.g. an all_done leaf)', () => {
    expect(decideRunState(run('failed', 'upstream_failed', 'success', 'success'), leaves)).toBe('success');
  });
  it('fails when any leaf failed or is upstream_failed', () => {
    expect(decideRunState(run('success', 'success', 'failed', 'success'), leaves)).toBe('failed');
    expect(decideRunState(run('failed', 'upstream_failed', 'upstream_failed', 'success'), leaves)).toBe('failed');
    expect(decideRunState(run('success', 'success', 'success', 'upstream_failed'), leaves)).toBe('failed');
  });
  it('ignores leaf ids without a task instance and succeeds with no tasks', () => {
    expect(decideRunState(run('success', 'success', 'success', 'success'), [...leaves, 'ghost'])).toBe('success');
    expect(decideRunState([], [])).toBe('success');
  });
  it('decides something for every finished combination of a single task', () => {
    for (const state of TASK_STATES) {
      const outcome = decideRunState([{ taskId: 'x', state }], ['x']);
      if (UNFINISHED_TASK_STATES.includes(state)) expect(outcome).toBeNull();
      else expect(outcome).toBe(state === 'failed' || state === 'upstream_failed' ? 'failed' : 'success');
    }
  });
});
