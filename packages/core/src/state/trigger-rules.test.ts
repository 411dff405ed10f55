import { describe, expect, it } from '@jest/globals';
import { TowerError } from '../errors.js';
import { TASK_STATES, type TaskState } from './states.js';
import { evaluateTriggerRule, isTriggerRule, TRIGGER_RULES, type TriggerRule, type TriggerVerdict } from './trigger-rules.js';

type Vector = [TaskState[], TriggerVerdict];

/** Hand-picked Airflow TriggerRuleDep outcomes per rule. */
const VECTORS: Record<TriggerRule, Vector[]> = {
  all_success: [
    [['success', 'success'], 'ready'],
    [['success', 'running'], 'wait'],
    [['success', 'failed'], 'upstream_failed'],
    [['success', 'upstream_failed'], 'upstream_failed'],
    [['success', 'skipped'], 'skip'],
    [['running', 'failed'], 'upstream_failed'],
    [['skipped', 'failed'], 'upstream_failed'],
    [['queued', 'skipped'], 'skip'],
  ],
  all_failed: [
    [['failed', 'upstream_failed'], 'ready'],
    [['failed', 'running'], 'wait'],
    [['failed', 'success'], 'skip'],
    [['failed', 'skipped'], 'skip'],
    [['running', 'success'], 'skip'],
  ],
  all_done: [
    [['success', 'failed', 'skipped', 'upstream_failed'], 'ready'],
    [['success', 'running'], 'wait'],
    [['up_for_retry'], 'wait'],
    [['failed', 'failed'], 'ready'],
  ],
  all_done_min_one_success: [
    [['success', 'failed'], 'ready'],
    [['success', 'upstream_failed'], 'ready'],
    [['failed', 'upstream_failed'], 'upstream_failed'],
    [['success', 'skipped'], 'skip'],
    [['running', 'skipped'], 'skip'],
    [['success', 'running'], 'wait'],
  ],
  all_done_setup_success: [
    [['success', 'failed'], 'ready'],
    [['success', 'up_for_retry'], 'wait'],
    [['skipped', 'failed'], 'ready'],
  ],
  all_skipped: [
    [['skipped', 'skipped'], 'ready'],
    [['skipped', 'running'], 'wait'],
    [['skipped', 'success'], 'skip'],
    [['skipped', 'failed'], 'skip'],
    [['running', 'upstream_failed'], 'skip'],
  ],
  one_failed: [
    [['failed', 'running'], 'ready'],
    [['upstream_failed', 'queued'], 'ready'],
    [['success', 'running'], 'wait'],
    [['success', 'skipped'], 'skip'],
  ],
  one_success: [
    [['success', 'running'], 'ready'],
    [['failed', 'running'], 'wait'],
    [['failed', 'failed'], 'upstream_failed'],
    [['failed', 'skipped'], 'upstream_failed'],
    [['skipped', 'skipped'], 'skip'],
  ],
  one_done: [
    [['success', 'running'], 'ready'],
    [['failed', 'running'], 'ready'],
    [['skipped', 'running'], 'wait'],
    [['upstream_failed', 'running'], 'wait'],
    [['skipped', 'upstream_failed'], 'skip'],
  ],
  none_failed: [
    [['success', 'skipped'], 'ready'],
    [['skipped', 'skipped'], 'ready'],
    [['success', 'running'], 'wait'],
    [['success', 'failed'], 'upstream_failed'],
    [['running', 'upstream_failed'], 'upstream_failed'],
  ],
  none_failed_min_one_success: [
    [['success', 'skipped'], 'ready'],
    [['skipped', 'skipped'], 'skip'],
    [['success', 'failed'], 'upstream_failed'],
    [['success', 'running'], 'wait'],
    [['skipped', 'running'], 'wait'],
  ],
  none_skipped: [
    [['success', 'failed'], 'ready'],
    [['success', 'upstream_failed'], 'ready'],
    [['success', 'skipped'], 'skip'],
    [['running', 'skipped'], 'skip'],
    [['success', 'running'], 'wait'],
  ],
  always: [
    [['running', 'queued'], 'ready'],
    [['failed'], 'ready'],
    [['none'], 'ready'],
  ],
};

/**
 * Airflow's TriggerRuleDep._evaluate_direct_relatives (3.1), transcribed: first the
 * flag_upstream_failed pass that may settle the task, then the checks that keep it waiting.
 * Tower's one deviation is applied up front: removed upstreams are not upstreams.
 */
function airflow(rule: TriggerRule, states: readonly TaskState[], setupStates: readonly TaskState[] = []): TriggerVerdict {
  const ups = states.filter((s) => s !== 'removed');
  const setups = setupStates.filter((s) => s !== 'removed');
  const upstream = ups.length;
  if (upstream === 0 || rule === 'always') return 'ready';
  const finished = ups.filter((s) => ['success', 'failed', 'skipped', 'upstream_failed'].includes(s));
  const n = (s: TaskState, list = finished) => list.filter((x) => x === s).length;
  const [success, skipped, failed, upstreamFailed, done] = [n('success'), n('skipped'), n('failed'), n('upstream_failed'), finished.length];
  const [upstreamSetup, successSetup, skippedSetup] = [setups.length, n('success', setups), n('skipped', setups)];
  const upstreamDone = done >= upstream;

  let settled: 'skipped' | 'upstream_failed' | null = null;
  if (rule === 'all_success') settled = upstreamFailed || failed ? 'upstream_failed' : skipped ? 'skipped' : null;
  else if (rule === 'all_failed') settled = success || skipped ? 'skipped' : null;
  else if (rule === 'one_success') settled = upstreamDone && done === skipped ? 'skipped' : upstreamDone && success <= 0 ? 'upstream_failed' : null;
  else if (rule === 'one_failed') settled = upstreamDone && !(failed || upstreamFailed) ? 'skipped' : null;
  else if (rule === 'one_done') settled = upstreamDone && !(failed || success) ? 'skipped' : null;
  else if (rule === 'none_failed') settled = upstreamFailed || failed ? 'upstream_failed' : null;
  else if (rule === 'none_failed_min_one_success') settled = upstreamFailed || failed ? 'upstream_failed' : skipped === upstream ? 'skipped' : null;
  else if (rule === 'none_skipped') settled = skipped ? 'skipped' : null;
  else if (rule === 'all_skipped') settled = success || failed || upstreamFailed ? 'skipped' : null;
  else if (rule === 'all_done_min_one_success') {
    const nonSkippedDone = success + failed + upstreamFailed;
    settled = skipped > 0 ? 'skipped' : nonSkippedDone >= upstream - skipped && success === 0 ? 'upstream_failed' : null;
  } else if (rule === 'all_done_setup_success') {
    settled =
      upstreamDone && upstreamSetup && skippedSetup >= upstreamSetup
        ? 'skipped'
        : upstreamDone && upstreamSetup && successSetup === 0
          ? 'upstream_failed'
          : null;
  }
  if (settled) return settled === 'skipped' ? 'skip' : 'upstream_failed';

  let waiting: boolean;
  switch (rule) {
    case 'one_success':
      waiting = success <= 0;
      break;
    case 'one_failed':
      waiting = !failed && !upstreamFailed;
      break;
    case 'one_done':
      waiting = success + failed <= 0;
      break;
    case 'all_success':
      waiting = upstream - success > 0;
      break;
    case 'all_failed':
      waiting = upstream - failed - upstreamFailed > 0;
      break;
    case 'all_done':
      waiting = !upstreamDone;
      break;
    case 'none_failed':
    case 'none_failed_min_one_success':
      waiting = upstream - success - skipped > 0;
      break;
    case 'none_skipped':
      waiting = !upstreamDone || skipped > 0;
      break;
    case 'all_skipped':
      waiting = upstream - skipped > 0;
      break;
    case 'all_done_setup_success':
      waiting = !upstreamDone || (upstreamSetup > 0 && !successSetup);
      break;
    case 'all_done_min_one_success':
      waiting = skipped > 0 || success + failed + upstreamFailed < upstream - skipped || success === 0;
      break;
  }
  return waiting ? 'wait' : 'ready';
}

/** Every multiset of 1..3 upstream states. */
function combinations(): TaskState[][] {
  const out: TaskState[][] = [];
  const grow = (prefix: TaskState[], from: number) => {
    if (prefix.length) out.push(prefix);
    if (prefix.length === 3) return;
    for (let i = from; i < TASK_STATES.length; i++) grow([...prefix, TASK_STATES[i]], i);
  };
  grow([], 0);
  return out;
}

describe('trigger rules (Airflow TriggerRuleDep semantics)', () => {
  it('covers all 13 rules', () => {
    expect(TRIGGER_RULES).toHaveLength(13);
    expect(Object.keys(VECTORS).sort()).toEqual([...TRIGGER_RULES].sort());
    expect(isTriggerRule('none_failed_min_one_success')).toBe(true);
    expect(isTriggerRule('all_good')).toBe(false);
  });

  for (const rule of TRIGGER_RULES) {
    describe(rule, () => {
      it.each(VECTORS[rule])('upstream %j → %s', (states, verdict) => {
        expect(evaluateTriggerRule(rule, states)).toBe(verdict);
      });
      it('is ready with no upstream tasks, or only removed ones', () => {
        expect(evaluateTriggerRule(rule, [])).toBe('ready');
        expect(evaluateTriggerRule(rule, ['removed', 'removed'])).toBe('ready');
      });
      it('matches the transcribed Airflow algorithm for every combination of up to 3 upstream states', () => {
        for (const states of combinations()) {
          for (let setups = 0; setups <= (rule === 'all_done_setup_success' ? states.length : 0); setups++) {
            const setupStates = states.slice(0, setups);
            const got = evaluateTriggerRule(rule, states, { upstreamSetupStates: setupStates });
            if (got !== airflow(rule, states, setupStates))
              throw new Error(
                `${rule} ${JSON.stringify(states)} setups ${JSON.stringify(setupStates)}: got ${got}, Airflow ${airflow(rule, states, setupStates)}`,
              );
          }
        }
      });
    });
  }

  it('ignores removed upstream tasks (they are no longer in the DAG)', () => {
    expect(evaluateTriggerRule('all_success', ['success', 'removed'])).toBe('ready');
    expect(evaluateTriggerRule('all_done', ['removed', 'running'])).toBe('wait');
  });

  it('all_done_setup_success needs a successful setup task among its upstreams', () => {
    expect(evaluateTriggerRule('all_done_setup_success', ['failed', 'success'], { upstreamSetupStates: ['failed'] })).toBe('upstream_failed');
    expect(evaluateTriggerRule('all_done_setup_success', ['skipped', 'success'], { upstreamSetupStates: ['skipped'] })).toBe('skip');
    expect(evaluateTriggerRule('all_done_setup_success', ['skipped', 'failed', 'success'], { upstreamSetupStates: ['skipped', 'failed'] })).toBe(
      'upstream_failed',
    );
    expect(evaluateTriggerRule('all_done_setup_success', ['success', 'failed'], { upstreamSetupStates: ['success'] })).toBe('ready');
    expect(evaluateTriggerRule('all_done_setup_success', ['success', 'running'], { upstreamSetupStates: ['success'] })).toBe('wait');
  });

  it('one_* rules fire before every upstream is done; all_* rules never decide "ready" early', () => {
    const pending: TaskState[] = ['none', 'scheduled', 'queued', 'running', 'up_for_retry', 'up_for_reschedule', 'deferred', 'restarting'];
    for (const state of pending) {
      expect(evaluateTriggerRule('one_success', ['success', state])).toBe('ready');
      expect(evaluateTriggerRule('one_failed', ['failed', state])).toBe('ready');
      expect(evaluateTriggerRule('one_done', ['success', state])).toBe('ready');
      for (const rule of ['all_done', 'all_done_min_one_success', 'none_skipped', 'all_success', 'none_failed'] as const) {
        expect(evaluateTriggerRule(rule, ['success', state])).toBe('wait');
      }
    }
  });

  it('rejects an unknown rule read from storage as an internal error', () => {
    expect(() => evaluateTriggerRule('sometimes' as TriggerRule, ['success'])).toThrow(TowerError);
  });
});
