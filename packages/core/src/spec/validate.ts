import type { z } from 'zod';
import { findCycles } from './graph.js';
import { isTaskType, OPERATOR_CONNECTION_TYPES, OPERATOR_WITH_SCHEMAS, TASK_TYPES } from './operator-schemas.js';
import { paramSpecErrors } from './params.js';
import { ID_PATTERN, paramSpecSchema, rawDagSchema, rawTaskSchema, TASK_DEFAULTS, type DagSpec, type DefaultArgs, type TaskSpec } from './schema.js';
import { isPlainObject, scheduleErrors, structureErrors, templateErrors } from './spec-checks.js';
import { parseWith, type SpecError } from './spec-error.js';

export type { SpecError } from './spec-error.js';
export { formatPath } from './spec-error.js';

export interface SpecValidationContext {
  /** The tenant's connection ids (a Map also checks each one's type); null or undefined = not checked. */
  connections?: ReadonlySet<string> | ReadonlyMap<string, string> | null;
  limits?: { maxTasks?: number; maxSpecBytes?: number };
}

export type SpecValidationResult = { valid: true; errors: []; spec: DagSpec } | { valid: false; errors: SpecError[] };

export const DEFAULT_LIMITS = { maxTasks: 5000, maxSpecBytes: 2 * 1024 * 1024 } as const;

/** What the per-task pass learnt about one task, for the cross-task checks. */
interface TaskEntry {
  index: number;
  raw: Record<string, unknown>;
  /** A well-formed taskId, or null. */
  taskId: string | null;
  duplicate: boolean;
  parsed: z.output<typeof rawTaskSchema> | null;
  /** `with` after its operator schema (defaults applied), or null if it did not validate. */
  withValue: Record<string, unknown> | null;
}

function dependsOnStrings(raw: Record<string, unknown>): Array<[string, number]> {
  return Array.isArray(raw.dependsOn) ? raw.dependsOn.flatMap((d, j): Array<[string, number]> => (typeof d === 'string' ? [[d, j]] : [])) : [];
}

function checkTask(raw: unknown, index: number, firstIndex: Map<string, number>, errors: SpecError[]): TaskEntry | null {
  const at = `tasks[${index}]`;
  if (!isPlainObject(raw)) {
    errors.push({ path: at, message: 'a task must be an object' });
    return null;
  }
  const base = parseWith(rawTaskSchema, raw, ['tasks', index]);
  if (!base.ok) errors.push(...base.errors);
  const taskId = typeof raw.taskId === 'string' && ID_PATTERN.test(raw.taskId) ? raw.taskId : null;
  let duplicate = false;
  if (taskId !== null) {
    if (firstIndex.has(taskId)) {
      duplicate = true;
      errors.push({ path: `${at}.taskId`, message: `duplicate taskId "${taskId}" (first at tasks[${firstIndex.get(taskId)}])` });
    } else {
      firstIndex.set(taskId, index);
    }
  }
  // type and `with` are checked even when other fields are wrong, so every error shows at once.
  let withValue: Record<string, unknown> | null = null;
  const rawWith = raw.with === undefined ? {} : raw.with;
  if (typeof raw.type === 'string' && raw.type !== '' && !isTaskType(raw.type)) {
    errors.push({ path: `${at}.type`, message: `unknown task type "${raw.type}" (known: ${TASK_TYPES.join(', ')})` });
  }
  if (!isPlainObject(rawWith)) {
    errors.push({ path: `${at}.with`, message: 'must be an object' });
  } else if (isTaskType(raw.type)) {
    const w = parseWith(OPERATOR_WITH_SCHEMAS[raw.type], rawWith, ['tasks', index, 'with']);
    if (w.ok) withValue = w.data as Record<string, unknown>;
    else errors.push(...w.errors);
  }
  const seen = new Set<string>();
  for (const [dep, j] of dependsOnStrings(raw)) {
    if (seen.has(dep)) errors.push({ path: `${at}.dependsOn[${j}]`, message: `"${dep}" is listed twice` });
    seen.add(dep);
  }
  return { index, raw, taskId, duplicate, parsed: base.ok ? base.data : null, withValue };
}

function crossTaskErrors(entries: TaskEntry[], firstIndex: Map<string, number>): SpecError[] {
  const errors: SpecError[] = [];
  for (const e of entries) {
    for (const [dep, j] of dependsOnStrings(e.raw)) {
      if (!firstIndex.has(dep)) errors.push({ path: `tasks[${e.index}].dependsOn[${j}]`, message: `unknown task "${dep}"` });
    }
  }
  const graph = entries
    .filter((e) => e.taskId !== null && !e.duplicate)
    .map((e) => ({ taskId: e.taskId!, dependsOn: dependsOnStrings(e.raw).map(([d]) => d) }));
  for (const cycle of findCycles({ tasks: graph })) {
    // Point at the dependency that closes the cycle: the first task depends on the one before the end.
    const first = entries.find((e) => e.taskId === cycle[0] && !e.duplicate)!;
    const closing = dependsOnStrings(first.raw).find(([d]) => d === cycle[cycle.length - 2])!;
    errors.push({ path: `tasks[${first.index}].dependsOn[${closing[1]}]`, message: `cycle: ${cycle.join(' -> ')}` });
  }
  return errors;
}

/**
 * Connection references: the task's `connection`, `with.connection`, `with.s3Connection`, notify
 * `with.channels` and trigger connections must name a connection of the tenant; when the caller
 * passes types (a Map), each must also be of the type its user needs.
 */
function connectionErrors(entries: TaskEntry[], raw: Record<string, unknown>, known: ReadonlySet<string> | ReadonlyMap<string, string>): SpecError[] {
  const errors: SpecError[] = [];
  const typeOf = (name: string): string | undefined => (known instanceof Map ? known.get(name) : undefined);
  const check = (name: unknown, path: string, expected?: readonly string[]) => {
    if (typeof name !== 'string' || name === '' || name.includes('{{')) return;
    if (!known.has(name)) return void errors.push({ path, message: `unknown connection "${name}"` });
    const actual = typeOf(name);
    if (expected && actual && !expected.includes(actual))
      errors.push({ path, message: `connection "${name}" is a ${actual} connection; this needs ${expected.join(' or ')}` });
  };
  for (const e of entries) {
    const type = typeof e.raw.type === 'string' ? e.raw.type : '';
    const own = OPERATOR_CONNECTION_TYPES[type];
    check(e.raw.connection, `tasks[${e.index}].connection`, own ? [own] : undefined);
    if (!isPlainObject(e.raw.with)) continue;
    check(e.raw.with.connection, `tasks[${e.index}].with.connection`, own ? [own] : undefined);
    check(e.raw.with.s3Connection, `tasks[${e.index}].with.s3Connection`, ['s3']);
    if (Array.isArray(e.raw.with.channels)) e.raw.with.channels.forEach((c, i) => check(c, `tasks[${e.index}].with.channels[${i}]`, ['smtp', 'http']));
  }
  if (Array.isArray(raw.triggers)) raw.triggers.forEach((t, i) => isPlainObject(t) && check(t.connection, `triggers[${i}].connection`, ['s3']));
  return errors;
}

function resolveTask(t: z.output<typeof rawTaskSchema>, defaults: DefaultArgs, withValue: Record<string, unknown>): TaskSpec {
  const arg = <K extends keyof DefaultArgs>(key: K) => (t[key] ?? defaults[key] ?? TASK_DEFAULTS[key]) as NonNullable<TaskSpec[K]>;
  return {
    taskId: t.taskId,
    type: t.type,
    ...(t.description !== undefined ? { description: t.description } : {}),
    dependsOn: t.dependsOn,
    triggerRule: arg('triggerRule'),
    retries: arg('retries'),
    retryDelaySeconds: arg('retryDelaySeconds'),
    retryExponentialBackoff: arg('retryExponentialBackoff'),
    maxRetryDelaySeconds: arg('maxRetryDelaySeconds'),
    // null is a value here ("no timeout"): only undefined falls through to the defaults.
    executionTimeoutSeconds:
      t.executionTimeoutSeconds !== undefined
        ? t.executionTimeoutSeconds
        : defaults.executionTimeoutSeconds !== undefined
          ? defaults.executionTimeoutSeconds
          : TASK_DEFAULTS.executionTimeoutSeconds,
    pool: arg('pool'),
    priorityWeight: arg('priorityWeight'),
    ...(t.connection !== undefined ? { connection: t.connection } : {}),
    with: withValue,
  };
}

/** DAG-level errors first, then each task's errors together, in task order (stable otherwise). */
function inDocumentOrder(errors: SpecError[]): SpecError[] {
  const taskIndex = (e: SpecError) => Number(/^tasks\[(\d+)\]/.exec(e.path)?.[1] ?? -1);
  return errors
    .map((e, i) => ({ e, i, t: taskIndex(e) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map(({ e }) => e);
}

/**
 * Validates a DAG spec (docs/semantics.md, "DAG spec") and returns every error found, each with
 * a path, or the normalised spec with all defaults resolved. Pure: the caller supplies the
 * tenant's connections. Oversized or non-JSON input is refused before anything else is looked at.
 */
export function validateDagSpec(input: unknown, ctx: SpecValidationContext = {}): SpecValidationResult {
  const limits = { ...DEFAULT_LIMITS, ...(ctx.limits ?? {}) };
  const fail = (errors: SpecError[]): SpecValidationResult => ({ valid: false, errors });
  if (!isPlainObject(input)) return fail([{ path: '', message: 'a DAG spec must be an object' }]);
  let text: string;
  try {
    text = JSON.stringify(input);
  } catch (err) {
    return fail([{ path: '', message: `the spec must be JSON: ${(err as Error).message}` }]);
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxSpecBytes) return fail([{ path: '', message: `the spec is ${bytes} bytes, over the limit of ${limits.maxSpecBytes}` }]);
  const structural = structureErrors(input);
  if (structural.length) return fail(structural);

  const raw = input;
  const errors: SpecError[] = [];
  const top = parseWith(rawDagSchema, raw, []);
  if (!top.ok) errors.push(...top.errors);
  const rawTasks = Array.isArray(raw.tasks) ? raw.tasks : [];
  if (rawTasks.length > limits.maxTasks) {
    return fail([...errors, { path: 'tasks', message: `a DAG may have at most ${limits.maxTasks} tasks (got ${rawTasks.length})` }]);
  }
  errors.push(...scheduleErrors(raw));
  if (isPlainObject(raw.params)) {
    for (const [name, value] of Object.entries(raw.params)) {
      const spec = paramSpecSchema.safeParse(value);
      if (spec.success) errors.push(...paramSpecErrors(name, spec.data, `params.${name}`));
    }
  }

  const firstIndex = new Map<string, number>();
  const entries = rawTasks.flatMap((t, i) => checkTask(t, i, firstIndex, errors) ?? []);
  errors.push(...crossTaskErrors(entries, firstIndex));
  if (ctx.connections) errors.push(...connectionErrors(entries, raw, ctx.connections));
  const scope = { params: new Set(isPlainObject(raw.params) ? Object.keys(raw.params) : []), taskIds: new Set(firstIndex.keys()) };
  for (const e of entries) if (isPlainObject(e.raw.with)) errors.push(...templateErrors(e.raw.with, ['tasks', e.index, 'with'], scope));

  if (errors.length || !top.ok) return fail(errors.length ? inDocumentOrder(errors) : [{ path: '', message: 'invalid spec' }]);
  const d = top.data;
  const spec: DagSpec = {
    dagId: d.dagId,
    ...(d.description !== undefined ? { description: d.description } : {}),
    schedule: d.schedule,
    timezone: d.timezone,
    startDate: d.startDate,
    endDate: d.endDate,
    catchup: d.catchup,
    maxActiveRuns: d.maxActiveRuns,
    maxActiveTasks: d.maxActiveTasks,
    dagRunTimeoutSeconds: d.dagRunTimeoutSeconds,
    tags: d.tags,
    params: d.params,
    defaultArgs: d.defaultArgs,
    triggers: d.triggers,
    tasks: entries.map((e) => resolveTask(e.parsed!, d.defaultArgs, e.withValue!)),
  };
  // Detach from the caller's objects: values typed `unknown` (body, defaults) pass through zod as is.
  return { valid: true, errors: [], spec: structuredClone(spec) };
}
