import { TowerError } from '../errors.js';
import { isFinished, type TaskState } from './states.js';

export type TaskEvent =
  | { type: 'schedule' }
  | { type: 'queue' }
  | { type: 'start' }
  | { type: 'succeed' }
  | { type: 'fail'; retryable?: boolean }
  | { type: 'timeout' }
  | { type: 'reschedule'; at: Date }
  | { type: 'defer' }
  | { type: 'resume' }
  | { type: 'upstream_failed' }
  | { type: 'skip' }
  | { type: 'remove' }
  | { type: 'clear' }
  | { type: 'mark'; state: 'success' | 'failed' | 'skipped' }
  | { type: 'cancel' };

export type TaskEventType = TaskEvent['type'];

export type TaskEffect =
  | { type: 'enqueue' }
  | { type: 'startTry' }
  | { type: 'recordTryEnd' }
  | { type: 'scheduleRetry'; at: Date }
  | { type: 'scheduleReschedule'; at: Date }
  | { type: 'evaluateDownstream' }
  | { type: 'resetTry' }
  | { type: 'stopTry' };

export interface TransitionContext {
  /** The try that just ran (for fail/timeout). */
  tryNumber?: number;
  maxTries?: number;
  /** When the next try may start, from the retry policy (for fail/timeout with tries left). */
  retryAt?: Date;
}

export interface TransitionResult {
  next: TaskState;
  effects: TaskEffect[];
}

const UNFINISHED_ACTIVE: readonly TaskState[] = ['scheduled', 'queued', 'running', 'up_for_retry', 'up_for_reschedule', 'deferred', 'restarting'];

function illegal(state: TaskState, event: TaskEvent): never {
  throw new TowerError('ILLEGAL_TRANSITION', `a task in state ${state} cannot take event ${event.type}`, { details: { state, event: event.type } });
}

function failure(ctx: TransitionContext, retryable: boolean): TransitionResult {
  const tryNumber = ctx.tryNumber ?? 1;
  const maxTries = ctx.maxTries ?? 1;
  if (retryable && tryNumber < maxTries) {
    if (!ctx.retryAt) throw new TowerError('INTERNAL', 'a retryable failure needs retryAt from the retry policy');
    return { next: 'up_for_retry', effects: [{ type: 'recordTryEnd' }, { type: 'scheduleRetry', at: ctx.retryAt }] };
  }
  return { next: 'failed', effects: [{ type: 'recordTryEnd' }, { type: 'evaluateDownstream' }] };
}

/**
 * The task-instance state machine. Returns the next state and the effects the shell must carry
 * out; throws ILLEGAL_TRANSITION for anything else. Airflow's lifecycle:
 * none → scheduled → queued → running → success | failed | up_for_retry | up_for_reschedule | deferred.
 */
export function transition(state: TaskState, event: TaskEvent, ctx: TransitionContext = {}): TransitionResult {
  switch (event.type) {
    case 'schedule':
      if (state === 'none' || state === 'up_for_retry' || state === 'up_for_reschedule') return { next: 'scheduled', effects: [{ type: 'enqueue' }] };
      return illegal(state, event);
    case 'queue':
      if (state === 'scheduled') return { next: 'queued', effects: [] };
      return illegal(state, event);
    case 'start':
      if (state === 'queued') return { next: 'running', effects: [{ type: 'startTry' }] };
      return illegal(state, event);
    case 'succeed':
      if (state === 'running') return { next: 'success', effects: [{ type: 'recordTryEnd' }, { type: 'evaluateDownstream' }] };
      return illegal(state, event);
    case 'fail':
      if (state === 'running') return failure(ctx, event.retryable !== false);
      return illegal(state, event);
    case 'timeout':
      if (state === 'running') return failure(ctx, true);
      return illegal(state, event);
    case 'reschedule':
      if (state === 'running') return { next: 'up_for_reschedule', effects: [{ type: 'recordTryEnd' }, { type: 'scheduleReschedule', at: event.at }] };
      return illegal(state, event);
    case 'defer':
      if (state === 'running') return { next: 'deferred', effects: [] };
      return illegal(state, event);
    case 'resume':
      if (state === 'deferred') return { next: 'scheduled', effects: [{ type: 'enqueue' }] };
      return illegal(state, event);
    case 'upstream_failed':
      if (state === 'none' || state === 'scheduled') return { next: 'upstream_failed', effects: [{ type: 'evaluateDownstream' }] };
      return illegal(state, event);
    case 'skip':
      if (state === 'none' || state === 'scheduled' || state === 'running') {
        return { next: 'skipped', effects: state === 'running' ? [{ type: 'recordTryEnd' }, { type: 'evaluateDownstream' }] : [{ type: 'evaluateDownstream' }] };
      }
      return illegal(state, event);
    case 'remove':
      if (state === 'removed') return illegal(state, event);
      return { next: 'removed', effects: state === 'running' ? [{ type: 'stopTry' }, { type: 'evaluateDownstream' }] : [{ type: 'evaluateDownstream' }] };
    case 'clear':
      // A running try is asked to stop and the instance restarts; a finished one starts over with a new try.
      if (state === 'running') return { next: 'restarting', effects: [{ type: 'stopTry' }] };
      if (isFinished(state) || state === 'up_for_retry' || state === 'up_for_reschedule' || state === 'restarting') {
        return { next: 'none', effects: [{ type: 'resetTry' }] };
      }
      return illegal(state, event);
    case 'mark':
      if (state === event.state) return illegal(state, event);
      return { next: event.state, effects: state === 'running' ? [{ type: 'stopTry' }, { type: 'evaluateDownstream' }] : [{ type: 'evaluateDownstream' }] };
    case 'cancel':
      // Canceling a run: like Airflow's "mark run failed", unfinished tasks are skipped and running tries stopped.
      if (state === 'none' || UNFINISHED_ACTIVE.includes(state)) {
        return { next: 'skipped', effects: state === 'running' || state === 'deferred' ? [{ type: 'stopTry' }] : [] };
      }
      return illegal(state, event);
  }
}
