import { describe, expect, it } from '@jest/globals';
import type { TaskState } from './states.js';
import { evaluateTriggerRule, TRIGGER_RULES, type TriggerRule, type TriggerVerdict } from './trigger-rules.js';

type Vector = [TaskState[], TriggerVerdict];

/** Airflow TriggerRuleDep outcomes, per rule, for representative upstream state sets. */
const VECTORS: Record<TriggerRule, Vector[]> = {
  all_success: [
    [['success', 'success'], 'ready'],
    [['success', 'running'], 'wait'],
    [['success', 'failed'], 'upstream_failed'],
    [['success', 'upstream_failed'], 'upstream_failed'],
    [['success', 'skipped'], 'skip'],
    [['running', 'failed'], 'upstream_failed'],
  ],
  all_failed: [
    [['failed', 'upstream_failed'], 'ready'],
    [['failed', 'running'], 'wait'],
    [['failed', 'success'], 'skip'],
    [['failed', 'skipped'], 'skip'],
  ],
  all_done: [
    [['success', 'failed', 'skipped', 'upstream_failed'], 'ready'],
    [['success', 'running'], 'wait'],
    [['queued'], 'wait'],
  ],
  all_done_min_one_success: [
    [['success', 'failed'], 'ready'],
    [['failed', 'skipped'], 'skip'],
    [['success', 'running'], 'wait'],
  ],
  all_done_setup_success: [
    [['success', 'failed'], 'ready'],
    [['success', 'up_for_retry'], 'wait'],
  ],
  all_skipped: [
    [['skipped', 'skipped'], 'ready'],
    [['skipped', 'running'], 'wait'],
    [['skipped', 'success'], 'skip'],
    [['skipped', 'failed'], 'skip'],
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
    [['skipped', 'skipped'], 'skip'],
  ],
  one_done: [
    [['success', 'running'], 'ready'],
    [['failed', 'running'], 'ready'],
    [['skipped', 'running'], 'wait'],
    [['skipped', 'upstream_failed'], 'skip'],
  ],
  none_failed: [
    [['success', 'skipped'], 'ready'],
    [['success', 'running'], 'wait'],
    [['success', 'failed'], 'upstream_failed'],
    [['skipped', 'upstream_failed'], 'upstream_failed'],
  ],
  none_failed_min_one_success: [
    [['success', 'skipped'], 'ready'],
    [['skipped', 'skipped'], 'skip'],
    [['success', 'failed'], 'upstream_failed'],
    [['success', 'running'], 'wait'],
  ],
  none_skipped: [
    [['success', 'failed'], 'ready'],
    [['success', 'skipped'], 'skip'],
    [['success', 'running'], 'wait'],
  ],
  always: [
    [['running', 'queued'], 'ready'],
    [['failed'], 'ready'],
    [['none'], 'ready'],
  ],
};

describe('trigger rules (Airflow semantics)', () => {
  it('covers all 13 rules', () => {
    expect(TRIGGER_RULES).toHaveLength(13);
    expect(Object.keys(VECTORS).sort()).toEqual([...TRIGGER_RULES].sort());
  });

  for (const rule of TRIGGER_RULES) {
    describe(rule, () => {
      it.each(VECTORS[rule])('upstream %j → %s', (states, verdict) => {
        expect(evaluateTriggerRule(rule, states)).toBe(verdict);
      });
      it('is ready with no upstream tasks', () => {
        expect(evaluateTriggerRule(rule, [])).toBe('ready');
      });
    });
  }

  it('ignores removed upstream tasks', () => {
    expect(evaluateTriggerRule('all_success', ['success', 'removed'])).toBe('ready');
    expect(evaluateTriggerRule('all_done', ['removed'])).toBe('ready');
  });

  it('all_done_setup_success needs a successful setup task', () => {
    expect(evaluateTriggerRule('all_done_setup_success', ['success', 'failed'], { upstreamSetupStates: ['failed'] })).toBe('upstream_failed');
    expect(evaluateTriggerRule('all_done_setup_success', ['success', 'skipped'], { upstreamSetupStates: ['skipped'] })).toBe('skip');
    expect(evaluateTriggerRule('all_done_setup_success', ['success', 'failed'], { upstreamSetupStates: ['success'] })).toBe('ready');
  });

  it('never decides an all_* rule before every upstream is done', () => {
    const pending: TaskState[] = ['none', 'scheduled', 'queued', 'running', 'up_for_retry', 'up_for_reschedule', 'deferred', 'restarting'];
    for (const state of pending) {
      for (const rule of ['all_done', 'all_done_min_one_success', 'none_skipped'] as const) {
        expect(evaluateTriggerRule(rule, ['success', state])).toBe('wait');
      }
    }
  });
});
