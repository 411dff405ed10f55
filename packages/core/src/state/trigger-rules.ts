import { TowerError } from '../errors.js';
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

/** ready: run it; wait: not decidable yet; skip / upstream_failed: settle the task in that state. */
export type TriggerVerdict = 'ready' | 'wait' | 'skip' | 'upstream_failed';

export function isTriggerRule(value: unknown): value is TriggerRule {
  return typeof value === 'string' && (TRIGGER_RULES as readonly string[]).includes(value);
}

interface Counts {
  /** Upstream tasks that count (removed ones do not). */
  upstream: number;
  success: number;
  failed: number;
  upstreamFailed: number;
  skipped: number;
  done: number;
}

function count(states: readonly TaskState[]): Counts {
  const c: Counts = { upstream: 0, success: 0, failed: 0, upstreamFailed: 0, skipped: 0, done: 0 };
  for (const s of states) {
    // A removed task is no longer part of the DAG, so it is no longer an upstream.
    if (s === 'removed') continue;
    c.upstream++;
    if (s === 'success') c.success++;
    else if (s === 'failed') c.failed++;
    else if (s === 'upstream_failed') c.upstreamFailed++;
    else if (s === 'skipped') c.skipped++;
  }
  c.done = c.success + c.failed + c.upstreamFailed + c.skipped;
  return c;
}

/**
 * Airflow's TriggerRuleDep for a task with the given direct upstream states: whether it may run
 * now, must wait, or is settled as skipped / upstream_failed. Settling happens as early as
 * Airflow does it (all_success is upstream_failed as soon as one upstream failed), and the
 * one_* rules fire before every upstream is done.
 *
 * `upstreamSetupStates` are the states of those upstream tasks that are setup tasks (a subset of
 * `upstreamStates`); only all_done_setup_success looks at them.
 */
export function evaluateTriggerRule(
  rule: TriggerRule,
  upstreamStates: readonly TaskState[],
  opts: { upstreamSetupStates?: readonly TaskState[] } = {},
): TriggerVerdict {
  const c = count(upstreamStates);
  if (c.upstream === 0 || rule === 'always') return 'ready';
  const allDone = c.done >= c.upstream;
  const anyFailed = c.failed + c.upstreamFailed > 0;
  switch (rule) {
    case 'all_success':
      if (anyFailed) return 'upstream_failed';
      if (c.skipped > 0) return 'skip';
      return c.success === c.upstream ? 'ready' : 'wait';
    case 'all_failed':
      if (c.success + c.skipped > 0) return 'skip';
      return c.failed + c.upstreamFailed === c.upstream ? 'ready' : 'wait';
    case 'all_done':
      return allDone ? 'ready' : 'wait';
    case 'all_done_min_one_success':
      // Airflow 3.1: a skipped upstream skips it; otherwise all done with at least one success.
      if (c.skipped > 0) return 'skip';
      if (!allDone) return 'wait';
      return c.success > 0 ? 'ready' : 'upstream_failed';
    case 'all_done_setup_success': {
      if (!allDone) return 'wait';
      const setup = count(opts.upstreamSetupStates ?? []);
      if (setup.upstream === 0) return 'ready';
      if (setup.skipped >= setup.upstream) return 'skip';
      return setup.success > 0 ? 'ready' : 'upstream_failed';
    }
    case 'all_skipped':
      if (c.success > 0 || anyFailed) return 'skip';
      return c.skipped === c.upstream ? 'ready' : 'wait';
    case 'one_failed':
      if (anyFailed) return 'ready';
      return allDone ? 'skip' : 'wait';
    case 'one_success':
      if (c.success > 0) return 'ready';
      if (!allDone) return 'wait';
      return c.skipped === c.done ? 'skip' : 'upstream_failed';
    case 'one_done':
      if (c.success + c.failed > 0) return 'ready';
      return allDone ? 'skip' : 'wait';
    case 'none_failed':
      if (anyFailed) return 'upstream_failed';
      return allDone ? 'ready' : 'wait';
    case 'none_failed_min_one_success':
      if (anyFailed) return 'upstream_failed';
      if (c.skipped === c.upstream) return 'skip';
      return allDone ? 'ready' : 'wait';
    case 'none_skipped':
      if (c.skipped > 0) return 'skip';
      return allDone ? 'ready' : 'wait';
    default:
      throw new TowerError('INTERNAL', `unknown trigger rule "${String(rule)}"`);
  }
}
