import {
  isRunState,
  isTaskState,
  RUN_EVENT_TYPES,
  runEventSources,
  runEventTarget,
  taskEventSources,
  taskEventTarget,
  TASK_EVENT_TYPES,
  taskSourcesOfAll,
  type RunEvent,
  type RunEventType,
  type RunState,
  type TaskEvent,
  type TaskEventType,
  type TaskState,
} from '@tower/core';

/**
 * The engine's SQL speaks of states only through this file: every `WHERE state …` of a
 * compare-and-set is built from core's state machine (the states an event may leave), and every
 * `SET state = …` from the state it enters, so a rule changed in core changes every statement that
 * applies it. A test (state-sql.guard.test.ts) fails when an engine file spells a state in SQL.
 *
 * The engine's hot-path statements that use these are module constants (or, where a statement
 * inlines values, its state fragments are), so each renders once: statements stay named prepared statements, and the
 * planner sees the same literals as before (partial indexes whose predicate is `state = 'queued'`
 * still match).
 */

/**
 * Renders once per distinct call, so a call made where a statement is sent stays cheap: core
 * answers "which states may this event leave" by trying each state, exceptions included.
 */
function memo<A extends unknown[]>(fn: (...args: A) => string): (...args: A) => string {
  const cache = new Map<string, string>();
  return (...args: A) => {
    const key = JSON.stringify(args);
    let text = cache.get(key);
    if (text === undefined) {
      text = fn(...args);
      cache.set(key, text);
    }
    return text;
  };
}

type TaskEventArg = TaskEvent | Exclude<TaskEventType, 'mark'>;

export interface StateSqlOptions {
  /**
   * Compare `column::text` rather than the enum: keeps the state indexes out of a plan that must
   * reach rows by key (see docs/database.md on plans that hold with stale statistics).
   */
  text?: boolean;
}

/** A task state as an SQL literal (`'queued'`), checked against core's list. */
export function taskState(state: TaskState): string {
  if (!isTaskState(state)) throw new Error(`not a task state: ${String(state)}`);
  return `'${state}'`;
}

/** A run state as an SQL literal. */
export function runState(state: RunState): string {
  if (!isRunState(state)) throw new Error(`not a run state: ${String(state)}`);
  return `'${state}'`;
}

function render(column: string, literals: string[], opts: StateSqlOptions): string {
  if (literals.length === 0) throw new Error(`no state to compare ${column} with`);
  const c = opts.text ? `${column}::text` : column;
  return literals.length === 1 ? `${c} = ${literals[0]}` : `${c} IN (${literals.join(', ')})`;
}

function narrowed<S extends string>(what: string, sources: readonly S[], only: readonly S[] | undefined): readonly S[] {
  if (!only) return sources;
  const outside = only.filter((s) => !sources.includes(s));
  if (outside.length) throw new Error(`${what} cannot leave ${outside.join(', ')} (core allows ${sources.join(', ')})`);
  return only;
}

/** `column = 'a'` or `column IN ('a', 'b')`: rows in these task states (a read). */
export const taskStateIn = memo((column: string, states: readonly TaskState[], opts: StateSqlOptions = {}): string =>
  render(column, states.map(taskState), opts),
);

/** `column = 'a'` or `column IN (…)`: runs in these states (a read). */
export const runStateIn = memo((column: string, states: readonly RunState[], opts: StateSqlOptions = {}): string => render(column, states.map(runState), opts));

/**
 * The guard of a task compare-and-set: the row is still in a state that `event` may leave — or
 * that every one of `events` may leave, where the statement decides among them per row. `only`
 * narrows it to the states this statement acts on (it must be a subset: checked at load).
 */
export const taskLeaving = memo(function taskLeaving(
  column: string,
  event: TaskEventArg | readonly TaskEventArg[],
  opts: StateSqlOptions & { only?: readonly TaskState[] } = {},
): string {
  const events = Array.isArray(event) ? (event as readonly TaskEventArg[]) : [event as TaskEventArg];
  const sources = taskSourcesOfAll(events);
  const name = events.map((e) => (typeof e === 'string' ? e : e.type)).join('/');
  return taskStateIn(column, narrowed(`task event ${name}`, sources, opts.only), opts);
});

/** The state `event` moves a task to from `from`, as a literal (`SET state = …`). */
export const taskEntering = memo((event: TaskEventArg, from: TaskState): string => taskState(taskEventTarget(event, from)));

/** The guard of a run compare-and-set: the run is still in a state `event` may leave. */
export const runLeaving = memo(function runLeaving(
  column: string,
  event: RunEvent | RunEventType,
  opts: StateSqlOptions & { only?: readonly RunState[] } = {},
): string {
  const name = typeof event === 'string' ? event : event.type;
  return runStateIn(column, narrowed(`run event ${name}`, runEventSources(event), opts.only), opts);
});

/** The state `event` moves a run to, as a literal. */
export const runEntering = memo((event: RunEvent | Exclude<RunEventType, 'finish'>): string => runState(runEventTarget(event)));

/**
 * `event` applied per row: a CASE over the row's state giving core's next state for each state
 * the event may leave (NULL for the others, which the statement's guard excludes).
 */
export const taskTransitionCase = memo(
  (column: string, event: TaskEventArg): string =>
    `CASE ${column}::text ${taskEventSources(event)
      .map((from) => `WHEN ${taskState(from)} THEN ${taskState(taskEventTarget(event, from))}`)
      .join(' ')} END`,
);

/**
 * The state-change journal (`StateChange`): the statement that performs a compare-and-set also
 * records what it moved, in a CTE of its own, so the record commits with the change or not at all.
 * `event` is the core event that moved the rows: a name, or an SQL expression per row.
 */
type JournalEvent = TaskEventType | RunEventType | 'create' | { sql: string };

const KNOWN_EVENTS = new Set<string>(['create', ...TASK_EVENT_TYPES, ...RUN_EVENT_TYPES]);

function eventSql(event: JournalEvent): string {
  if (typeof event === 'object') return event.sql;
  if (!KNOWN_EVENTS.has(event)) throw new Error(`not a state event: ${event}`);
  return `'${event}'`;
}

/** `INSERT INTO "StateChange" …` of the task instances in `rows` (a CTE or alias with TaskInstance's columns). */
export function journalTasks(rows: string, event: JournalEvent): string {
  return `INSERT INTO "StateChange" ("tenantId", entity, "entityId", "dagRunId", "dagId", "taskId", "tryNumber", state, event, at)
    SELECT j."tenantId", 'task', j.id, j."dagRunId", j."dagId", j."taskId", j."tryNumber", j.state::text, ${eventSql(event)}, j."updatedAt" FROM ${rows} j`;
}

/** `INSERT INTO "StateChange" …` of the runs in `rows` (a CTE or alias with DagRun's columns). */
export function journalRuns(rows: string, event: JournalEvent): string {
  return `INSERT INTO "StateChange" ("tenantId", entity, "entityId", "dagRunId", "dagId", state, event, at)
    SELECT j."tenantId", 'run', j.id, j.id, j."dagId", j.state::text, ${eventSql(event)}, j."updatedAt" FROM ${rows} j`;
}

/**
 * A compare-and-set `UPDATE … RETURNING *` of one table, journaled: the statement's rows come
 * back as before, and each is recorded in the same statement.
 */
export function journaled(entity: 'task' | 'run', update: string, event: JournalEvent): string {
  return `WITH changed AS (${update}),
    journal AS (${entity === 'task' ? journalTasks('changed', event) : journalRuns('changed', event)})
    SELECT * FROM changed`;
}

/**
 * The event that moved a task from `from` to the state in `column`, for a statement that decides
 * among `events` per row (each must enter a different state from `from`).
 */
export const taskEventByTarget = memo((column: string, from: TaskState, events: readonly Exclude<TaskEventType, 'mark'>[]): string => {
  const targets = events.map((e) => [taskEventTarget(e, from), e] as const);
  if (new Set(targets.map(([t]) => t)).size !== targets.length) throw new Error(`events ${events.join(', ')} share a target from ${from}`);
  return `CASE ${column}::text ${targets.map(([t, e]) => `WHEN ${taskState(t)} THEN '${e}'`).join(' ')} END`;
});
