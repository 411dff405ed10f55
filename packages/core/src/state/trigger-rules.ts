import type { TaskState } from './states.js';

export const TRIGGER_RULES = [
  'all_success',
  'all_failed',
  'all_done',
  'all_done_min_one_success',
  'all_done_setup_success',
  'all_skipped',
  'one_failed',
  'one_success',
  'one_done',
  'none_failed',
  'none_failed_min_one_success',
  'none_skipped',
  'always',
] as const;
export type TriggerRule = (typeof TRIGGER_RULES)[number];

export type TriggerVerdict = 'ready' | 'wait' | 'skip' | 'upstream_failed';

interface Counts {
  total: number;
  success: number;
  failed: number;
  upstreamFailed: number;
  skipped: number;
  removed: number;
  done: number;
}

function count(states: readonly TaskState[]): Counts {
  const c: Counts = { total: 0, success: 0, failed: 0, upstreamFailed: 0, skipped: 0, removed: 0, done: 0 };
  for (const s of states) {
    // Airflow ignores removed upstreams when evaluating trigger rules.
    if (s === 'removed') {
      c.removed++;
      continue;
    }
    c.total++;
    if (s === 'success') c.success++;
    else if (s === 'failed') c.failed++;
    else if (s === 'upstream_failed') c.upstreamFailed++;
    else if (s === 'skipped') c.skipped++;
  }
  c.done = c.success + c.failed + c.upstreamFailed + c.skipped;
  return c;
}

/**
 * Airflow's TriggerRuleDep: whether a task whose upstream tasks are in `upstreamStates` may run
 * now, must wait, or is settled as skipped / upstream_failed. Rules that can decide early
 * (one_success, one_failed, one_done) do so before every upstream is done.
 */
export function evaluateTriggerRule(
  rule: TriggerRule,
  upstreamStates: readonly TaskState[],
  opts: { upstreamSetupStates?: readonly TaskState[] } = {},
): TriggerVerdict {
  const c = count(upstreamStates);
  if (c.total === 0) return 'ready';
  const allDone = c.done === c.total;
  const failedAny = c.failed + c.upstreamFailed;

  switch (rule) {
    case 'always':
      return 'ready';
    case 'all_success':
      if (failedAny > 0) return 'upstream_failed';
      if (c.skipped > 0) return 'skip';
      return c.success === c.total ? 'ready' : 'wait';
    case 'all_failed':
      if (c.success > 0 || c.skipped > 0) return 'skip';
      return allDone ? 'ready' : 'wait';
    case 'all_done':
      return allDone ? 'ready' : 'wait';
    case 'all_done_min_one_success':
      if (!allDone) return 'wait';
      return c.success > 0 ? 'ready' : 'skip';
    case 'all_done_setup_success': {
      if (!allDone) return 'wait';
      const setup = count(opts.upstreamSetupStates ?? []);
      if (setup.total > 0 && setup.success === 0) return setup.skipped > 0 && setup.failed + setup.upstreamFailed === 0 ? 'skip' : 'upstream_failed';
      return 'ready';
    }
    case 'all_skipped':
      if (c.success + failedAny > 0) return 'skip';
      return allDone ? 'ready' : 'wait';
    case 'one_failed':
      if (failedAny > 0) return 'ready';
      return allDone ? 'skip' : 'wait';
    case 'one_success':
      if (c.success > 0) return 'ready';
      if (!allDone) return 'wait';
      return failedAny > 0 ? 'upstream_failed' : 'skip';
    case 'one_done':
      if (c.success + c.failed > 0) return 'ready';
      return allDone ? 'skip' : 'wait';
    case 'none_failed':
      if (failedAny > 0) return 'upstream_failed';
      return allDone ? 'ready' : 'wait';
    case 'none_failed_min_one_success':
      if (failedAny > 0) return 'upstream_failed';
      if (!allDone) return 'wait';
      return c.success > 0 ? 'ready' : 'skip';
    case 'none_skipped':
      if (c.skipped > 0) return 'skip';
      return allDone ? 'ready' : 'wait';
  }
}
