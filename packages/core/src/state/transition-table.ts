import { TowerError } from '../errors.js';
import { TASK_STATES, type TaskState } from './states.js';
import { canTransition, transition, type TaskEvent, type TaskEventType } from './transition.js';

/**
 * The state machine as tables: for each event, the states it may leave and the states it may
 * enter. The shells' compare-and-sets (`UPDATE … WHERE state IN (…)`) are built from these, so a
 * rule changed in `transition` changes every statement that applies it.
 */

/** One event of each type (the ones with arguments take a representative value). */
const SAMPLE: { [K in TaskEventType]: Extract<TaskEvent, { type: K }> } = {
  schedule: { type: 'schedule' },
  queue: { type: 'queue' },
  start: { type: 'start' },
  succeed: { type: 'succeed' },
  fail: { type: 'fail' },
  timeout: { type: 'timeout' },
  reschedule: { type: 'reschedule', at: new Date(0) },
  defer: { type: 'defer' },
  resume: { type: 'resume' },
  upstream_failed: { type: 'upstream_failed' },
  skip: { type: 'skip' },
  remove: { type: 'remove' },
  clear: { type: 'clear' },
  mark: { type: 'mark', state: 'success' },
  cancel: { type: 'cancel' },
};

const eventOf = (event: TaskEvent | TaskEventType): TaskEvent => (typeof event === 'string' ? SAMPLE[event] : event);

/**
 * The states `event` may leave, in TASK_STATES order. For `mark` the answer depends on the target
 * state (a task already in it cannot be marked so): pass the event, not its type.
 */
export function taskEventSources(event: TaskEvent | Exclude<TaskEventType, 'mark'>): readonly TaskState[] {
  const e = eventOf(event);
  return TASK_STATES.filter((s) => canTransition(s, e));
}

/**
 * The states `event` may enter from any of `from` (all its sources by default). A failure enters
 * `up_for_retry` with tries left and `failed` without: both are listed.
 */
export function taskEventTargets(
  event: TaskEvent | Exclude<TaskEventType, 'mark'>,
  from: readonly TaskState[] = taskEventSources(event),
): readonly TaskState[] {
  const e = eventOf(event);
  const targets = new Set<TaskState>();
  for (const state of from) {
    if (!canTransition(state, e)) continue;
    targets.add(transition(state, e, { tryNumber: 1, maxTries: 1 }).next);
    if (e.type === 'fail' || e.type === 'timeout') targets.add(transition(state, e, { tryNumber: 1, maxTries: 2, retryAt: new Date(0) }).next);
  }
  return TASK_STATES.filter((s) => targets.has(s));
}

/** The one state `event` enters from `from`; throws when the event is illegal there or its target depends on the try. */
export function taskEventTarget(event: TaskEvent | Exclude<TaskEventType, 'mark'>, from: TaskState): TaskState {
  const targets = taskEventTargets(event, [from]);
  if (targets.length !== 1) {
    throw new TowerError('INTERNAL', `event "${eventOf(event).type}" from ${from} has ${targets.length} possible targets (${targets.join(', ')})`);
  }
  return targets[0];
}

/**
 * The states every one of `events` may leave: where a shell decides among several events for a row
 * it read (a trigger rule schedules, skips or fails a task upstream of nothing yet), the row must
 * still be in a state each of them accepts.
 */
export function taskSourcesOfAll(events: ReadonlyArray<TaskEvent | Exclude<TaskEventType, 'mark'>>): readonly TaskState[] {
  const lists = events.map((e) => new Set(taskEventSources(e)));
  return TASK_STATES.filter((s) => lists.every((l) => l.has(s)));
}
