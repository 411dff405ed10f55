import { TowerError } from '../errors.js';
import { RUN_STATES, type RunState } from './states.js';

/** What happened to a run; `runTransition` decides its next state. */
export type RunEvent =
  /** Started within maxActiveRuns: its roots are scheduled. */
  | { type: 'start' }
  /** Every task finished; the leaves decided the outcome (decideRunState). */
  | { type: 'finish'; outcome: 'success' | 'failed' }
  /** A user canceled it (cancelDagRun, or its backfill was canceled). */
  | { type: 'cancel' }
  /** dagRunTimeoutSeconds passed: the run fails, its unfinished tasks are skipped. */
  | { type: 'timeout' }
  /**
   * A user cleared or marked one of its tasks: a finished run runs again. A clear reopens a
   * canceled run too (its cleared tasks run); a mark does not (the cancel skipped every task, so
   * marking one would only finish the run as a success nobody ran).
   */
  | { type: 'reopen'; by: 'clear' | 'mark' };

export type RunEventType = RunEvent['type'];

/** The next state, or null where the event does not apply. */
function next(state: RunState, event: RunEvent): RunState | null {
  switch (event.type) {
    case 'start':
      return state === 'queued' ? 'running' : null;
    case 'finish':
      return state === 'running' ? event.outcome : null;
    case 'cancel':
      return state === 'queued' || state === 'running' ? 'canceled' : null;
    case 'timeout':
      return state === 'queued' || state === 'running' ? 'failed' : null;
    case 'reopen':
      return state === 'success' || state === 'failed' || (state === 'canceled' && event.by === 'clear') ? 'running' : null;
  }
}

/**
 * The run state machine: queued → running → success | failed; queued | running → canceled
 * (cancel) or failed (timeout); a finished run is reopened to running when a user clears or marks
 * one of its tasks. Any other pair throws ILLEGAL_TRANSITION.
 */
export function runTransition(state: RunState, event: RunEvent): RunState {
  const to = next(state, event);
  if (to === null) {
    throw new TowerError('ILLEGAL_TRANSITION', `a dag run in state ${state} cannot take event "${event.type}"`, { details: { state, event: event.type } });
  }
  return to;
}

export const canRunTransition = (state: RunState, event: RunEvent): boolean => next(state, event) !== null;

const RUN_SAMPLE: { [K in RunEventType]: Extract<RunEvent, { type: K }> } = {
  start: { type: 'start' },
  finish: { type: 'finish', outcome: 'success' },
  cancel: { type: 'cancel' },
  timeout: { type: 'timeout' },
  reopen: { type: 'reopen', by: 'clear' },
};

/** Every run event type (the sample's keys: the compiler makes it list them all). */
export const RUN_EVENT_TYPES = Object.keys(RUN_SAMPLE) as readonly RunEventType[];

/** The states a run may leave on `event`, in RUN_STATES order. */
export function runEventSources(event: RunEvent | RunEventType): readonly RunState[] {
  const e = typeof event === 'string' ? RUN_SAMPLE[event] : event;
  return RUN_STATES.filter((s) => canRunTransition(s, e));
}

/** The state a run enters on `event` (the same from every source state). */
export function runEventTarget(event: RunEvent | Exclude<RunEventType, 'finish'>): RunState {
  const e = typeof event === 'string' ? RUN_SAMPLE[event] : event;
  return runTransition(runEventSources(e)[0], e);
}

/** When a run started (or reopened) at `now` times out: dagRunTimeoutSeconds later, or never. */
export function runTimeoutAt(spec: { dagRunTimeoutSeconds: number | null }, now: Date): Date | null {
  return spec.dagRunTimeoutSeconds ? new Date(now.getTime() + spec.dagRunTimeoutSeconds * 1000) : null;
}
