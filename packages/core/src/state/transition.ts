import { TowerError } from '../errors.js';
import { isFinished, LIVE_TRY_STATES, type TaskState } from './states.js';

export type MarkableState = 'success' | 'failed' | 'skipped';

/** What happened to a task instance; `transition` decides the next state. */
export type TaskEvent =
  /** The scheduler found it ready (or its retry/reschedule time came). */
  | { type: 'schedule' }
  /** Handed to the queue under the concurrency limits. */
  | { type: 'queue' }
  /** A worker claimed it and starts a try. */
  | { type: 'start' }
  | { type: 'succeed' }
  /** The try failed; `retryable: false` fails the task for good even with tries left. */
  | { type: 'fail'; retryable?: boolean }
  /** The try exceeded executionTimeoutSeconds: a failure that may retry. */
  | { type: 'timeout'; retryable?: boolean }
  /** A sensor in reschedule mode gives its slot back until `at`. */
  | { type: 'reschedule'; at: Date }
  /** The try waits on a trigger without holding a worker slot. */
  | { type: 'defer' }
  /** The trigger fired: run the try again from the queue. */
  | { type: 'resume' }
  /** The trigger rule settled as upstream_failed. */
  | { type: 'upstream_failed' }
  /** The trigger rule settled as skipped, or the try skipped itself (sensor softFail). */
  | { type: 'skip' }
  /** The task is no longer in the DAG version. */
  | { type: 'remove' }
  /** The user cleared it: it runs again with a new try. */
  | { type: 'clear' }
  /** The user set its state by hand. */
  | { type: 'mark'; state: MarkableState }
  /** Its run was canceled. */
  | { type: 'cancel' };

export type TaskEventType = TaskEvent['type'];

export const TASK_EVENT_TYPES: readonly TaskEventType[] = [
  'schedule',
  'queue',
  'start',
  'succeed',
  'fail',
  'timeout',
  'reschedule',
  'defer',
  'resume',
  'upstream_failed',
  'skip',
  'remove',
  'clear',
  'mark',
  'cancel',
];

/** Side effects for the shell to carry out, as data. */
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
  /** The try that just ended (1-based), for fail/timeout. */
  tryNumber?: number;
  /** Total tries allowed (retries + 1). */
  maxTries?: number;
  /** When the next try may start (from the retry policy); needed when a failure will retry. */
  retryAt?: Date;
}

export interface TransitionResult {
  next: TaskState;
  effects: TaskEffect[];
}

const ENQUEUE: TaskEffect = { type: 'enqueue' };
const START_TRY: TaskEffect = { type: 'startTry' };
const RECORD_TRY_END: TaskEffect = { type: 'recordTryEnd' };
const EVALUATE_DOWNSTREAM: TaskEffect = { type: 'evaluateDownstream' };
const RESET_TRY: TaskEffect = { type: 'resetTry' };
const STOP_TRY: TaskEffect = { type: 'stopTry' };

function result(next: TaskState, ...effects: TaskEffect[]): TransitionResult {
  return { next, effects };
}

function illegal(state: TaskState, event: TaskEvent): never {
  const name = event.type === 'mark' ? `mark ${event.state}` : event.type;
  throw new TowerError('ILLEGAL_TRANSITION', `a task instance in state ${state} cannot take event "${name}"`, { details: { state, event: event.type } });
}

function failure(state: TaskState, event: TaskEvent & { retryable?: boolean }, ctx: TransitionContext): TransitionResult {
  const tryNumber = ctx.tryNumber ?? 1;
  const maxTries = ctx.maxTries ?? 1;
  if (!Number.isInteger(tryNumber) || tryNumber < 1 || !Number.isInteger(maxTries) || maxTries < 1) {
    throw new TowerError('INTERNAL', `tryNumber and maxTries must be positive integers (got ${tryNumber}, ${maxTries})`, {
      details: { state, event: event.type },
    });
  }
  if (event.retryable !== false && tryNumber < maxTries) {
    if (!(ctx.retryAt instanceof Date) || Number.isNaN(ctx.retryAt.getTime())) {
      throw new TowerError('INTERNAL', 'a failure with tries left needs retryAt from the retry policy', { details: { state, event: event.type } });
    }
    return result('up_for_retry', RECORD_TRY_END, { type: 'scheduleRetry', at: ctx.retryAt });
  }
  return result('failed', RECORD_TRY_END, EVALUATE_DOWNSTREAM);
}

/** Events that report the end of a try, from the worker or a trigger. */
const TRY_END_EVENTS: readonly TaskEventType[] = ['succeed', 'fail', 'timeout', 'reschedule', 'defer', 'skip'];

/**
 * The task-instance state machine (Airflow's lifecycle): returns the next state and the effects
 * the shell carries out; any other (state, event) pair throws ILLEGAL_TRANSITION, so a duplicate
 * delivery or a late worker can never move a task backwards.
 *
 * none → scheduled → queued → running → success | failed | up_for_retry | up_for_reschedule |
 * deferred | skipped; up_for_retry/up_for_reschedule → scheduled; deferred → scheduled.
 */
export function transition(state: TaskState, event: TaskEvent, ctx: TransitionContext = {}): TransitionResult {
  // A try of a cleared running task ends however it ends: the instance starts over.
  if (state === 'restarting' && TRY_END_EVENTS.includes(event.type)) return result('none', RECORD_TRY_END, RESET_TRY);
  const live = LIVE_TRY_STATES.includes(state);
  switch (event.type) {
    case 'schedule':
      if (state === 'none' || state === 'up_for_retry' || state === 'up_for_reschedule') return result('scheduled', ENQUEUE);
      return illegal(state, event);
    case 'queue':
      if (state === 'scheduled') return result('queued');
      return illegal(state, event);
    case 'start':
      if (state === 'queued') return result('running', START_TRY);
      return illegal(state, event);
    case 'succeed':
      if (state === 'running') return result('success', RECORD_TRY_END, EVALUATE_DOWNSTREAM);
      return illegal(state, event);
    case 'fail':
    case 'timeout':
      // A deferred try ends when its trigger fails or times out (e.g. a deferred sensor's timeout).
      if (state === 'running' || state === 'deferred') return failure(state, event, ctx);
      return illegal(state, event);
    case 'reschedule':
      if (state === 'running') return result('up_for_reschedule', RECORD_TRY_END, { type: 'scheduleReschedule', at: event.at });
      return illegal(state, event);
    case 'defer':
      if (state === 'running') return result('deferred');
      return illegal(state, event);
    case 'resume':
      if (state === 'deferred') return result('scheduled', ENQUEUE);
      return illegal(state, event);
    case 'upstream_failed':
      if (state === 'none' || state === 'scheduled') return result('upstream_failed', EVALUATE_DOWNSTREAM);
      return illegal(state, event);
    case 'skip':
      if (state === 'none' || state === 'scheduled') return result('skipped', EVALUATE_DOWNSTREAM);
      if (state === 'running' || state === 'deferred') return result('skipped', RECORD_TRY_END, EVALUATE_DOWNSTREAM);
      return illegal(state, event);
    case 'remove':
      if (state === 'removed') return illegal(state, event);
      return live ? result('removed', STOP_TRY, EVALUATE_DOWNSTREAM) : result('removed', EVALUATE_DOWNSTREAM);
    case 'clear':
      // A running try is stopped first; the instance restarts when it has ended, so two tries of
      // one instance never run at once. For the same reason a second clear while restarting waits.
      if (state === 'running') return result('restarting', STOP_TRY);
      if (state === 'deferred') return result('none', STOP_TRY, RESET_TRY);
      // A queued task's try is on its way to a worker: it runs anyway, and a clear would race its
      // job for the same try number (the queue drops a job whose id it already holds).
      if (state === 'none' || state === 'restarting' || state === 'queued') return illegal(state, event);
      return result('none', RESET_TRY);
    case 'mark':
      // Already in that state: nothing to change, and a repeated click must not re-run effects.
      if (state === event.state) return illegal(state, event);
      return live ? result(event.state, STOP_TRY, EVALUATE_DOWNSTREAM) : result(event.state, EVALUATE_DOWNSTREAM);
    case 'cancel':
      // Like Airflow's "mark run failed", unfinished tasks are skipped, but Airflow marks running
      // ones failed: a canceled run is not a failure, so Tower skips them too (no task-failed alerts).
      if (isFinished(state)) return illegal(state, event);
      return live ? result('skipped', STOP_TRY) : result('skipped');
  }
}

/** Whether `transition(state, event)` would succeed (retry bookkeeping aside). */
export function canTransition(state: TaskState, event: TaskEvent): boolean {
  try {
    transition(state, event, { tryNumber: 1, maxTries: 1 });
    return true;
  } catch (err) {
    if (err instanceof TowerError && err.code === 'ILLEGAL_TRANSITION') return false;
    throw err;
  }
}
