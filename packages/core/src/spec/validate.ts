import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { TowerError } from '../errors.js';
import { compileCron } from '../schedule/cron.js';
import { parseLocalDate } from '../schedule/intervals.js';
import { findCycle } from './graph.js';
import { isTaskType, OPERATOR_WITH_SCHEMAS, TASK_TYPES } from './operator-schemas.js';
import { rawDagSchema, rawTaskSchema, TASK_DEFAULTS, type DagSpec, type TaskSpec } from './schema.js';

export interface SpecError {
  path: string;
  message: string;
}

export interface SpecValidationContext {
  /** The tenant's connection ids; null or undefined = connection references are not checked. */
  connections?: ReadonlySet<string> | null;
  limits?: { maxTasks?: number; maxSpecBytes?: number };
}

export type SpecValidationResult = { valid: true; errors: []; spec: DagSpec } | { valid: false; errors: SpecError[] };

export const DEFAULT_LIMITS = { maxTasks: 500, maxSpecBytes: 256 * 1024 };

/** ["tasks", 3, "dependsOn", 0] → "tasks[3].dependsOn[0]" */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function zodErrors(error: z.ZodError, prefix: ReadonlyArray<PropertyKey>): SpecError[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...prefix, ...issue.path, key]), message: `unknown key "${key}"` }));
    }
    return [{ path: formatPath([...prefix, ...issue.path]), message: issue.message }];
  });
}

/**
 * Validates a DAG spec (DESIGN §2) and returns every error found, each with a path, or the
 * normalised spec with all defaults resolved. Pure: the caller supplies the tenant's connections.
 */
export function validateDagSpec(input: unknown, ctx: SpecValidationContext = {}): SpecValidationResult {
  const limits = { ...DEFAULT_LIMITS, ...(ctx.limits ?? {}) };
  const errors: SpecError[] = [];
  const fail = (): SpecValidationResult => ({ valid: false, errors });

  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    errors.push({ path: '', message: 'a DAG spec must be an object' });
    return fail();
  }
  const bytes = Buffer.byteLength(JSON.stringify(input) ?? '');
  if (bytes > limits.maxSpecBytes) {
    errors.push({ path: '', message: `spec is ${bytes} bytes, over the limit of ${limits.maxSpecBytes}` });
    return fail();
  }

  const top = rawDagSchema.safeParse(input);
  if (!top.success) errors.push(...zodErrors(top.error, []));
  const rawTasks = Array.isArray((input as { tasks?: unknown }).tasks) ? ((input as { tasks: unknown[] }).tasks) : [];
  if (rawTasks.length > limits.maxTasks) {
    errors.push({ path: 'tasks', message: `a DAG may have at most ${limits.maxTasks} tasks (got ${rawTasks.length})` });
    return fail();
  }

  const raw = input as Record<string, unknown>;
  const timezone = typeof raw.timezone === 'string' ? raw.timezone : 'UTC';
  let timezoneOk = true;
  try {
    compileCron('0 0 * * *', timezone);
  } catch (err) {
    timezoneOk = false;
    if (typeof raw.timezone === 'string') errors.push({ path: 'timezone', message: (err as TowerError).message });
  }
  // With an unknown zone, still check the cron and dates (in UTC) so every error is reported.
  const zone = timezoneOk ? timezone : 'UTC';
  if (typeof raw.schedule === 'string') {
    try {
      compileCron(raw.schedule, zone);
    } catch (err) {
      errors.push({ path: 'schedule', message: (err as TowerError).message });
    }
  }
  for (const field of ['startDate', 'endDate'] as const) {
    if (typeof raw[field] === 'string') {
      try {
        parseLocalDate(raw[field] as string, zone, field);
      } catch (err) {
        errors.push({ path: field, message: (err as TowerError).message });
      }
    }
  }

  const defaults = top.success ? top.data.defaultArgs : {};
  const tasks: TaskSpec[] = [];
  const firstIndex = new Map<string, number>();
  rawTasks.forEach((rawTask, i) => {
    const parsed = rawTaskSchema.safeParse(rawTask);
    if (!parsed.success) {
      errors.push(...zodErrors(parsed.error, ['tasks', i]));
      return;
    }
    const t = parsed.data;
    if (firstIndex.has(t.taskId)) {
      errors.push({ path: `tasks[${i}].taskId`, message: `duplicate taskId "${t.taskId}" (first at tasks[${firstIndex.get(t.taskId)}])` });
      return;
    }
    firstIndex.set(t.taskId, i);
    let withValue: Record<string, unknown> = t.with;
    if (!isTaskType(t.type)) {
      errors.push({ path: `tasks[${i}].type`, message: `unknown task type "${t.type}" (known: ${TASK_TYPES.join(', ')})` });
    } else {
      const w = OPERATOR_WITH_SCHEMAS[t.type].safeParse(t.with);
      if (w.success) withValue = w.data as Record<string, unknown>;
      else errors.push(...zodErrors(w.error, ['tasks', i, 'with']));
    }
    const seenDeps = new Set<string>();
    t.dependsOn.forEach((dep, j) => {
      if (seenDeps.has(dep)) errors.push({ path: `tasks[${i}].dependsOn[${j}]`, message: `"${dep}" is listed twice` });
      seenDeps.add(dep);
      if (dep === t.taskId) errors.push({ path: `tasks[${i}].dependsOn[${j}]`, message: `cycle: ${dep} -> ${dep}` });
    });
    tasks.push({
      taskId: t.taskId,
      type: t.type,
      ...(t.description !== undefined ? { description: t.description } : {}),
      dependsOn: t.dependsOn,
      triggerRule: t.triggerRule ?? defaults.triggerRule ?? TASK_DEFAULTS.triggerRule,
      retries: t.retries ?? defaults.retries ?? TASK_DEFAULTS.retries,
      retryDelaySeconds: t.retryDelaySeconds ?? defaults.retryDelaySeconds ?? TASK_DEFAULTS.retryDelaySeconds,
      retryExponentialBackoff: t.retryExponentialBackoff ?? defaults.retryExponentialBackoff ?? TASK_DEFAULTS.retryExponentialBackoff,
      maxRetryDelaySeconds: t.maxRetryDelaySeconds ?? defaults.maxRetryDelaySeconds ?? TASK_DEFAULTS.maxRetryDelaySeconds,
      executionTimeoutSeconds: t.executionTimeoutSeconds ?? defaults.executionTimeoutSeconds ?? TASK_DEFAULTS.executionTimeoutSeconds,
      pool: t.pool ?? defaults.pool ?? TASK_DEFAULTS.pool,
      priorityWeight: t.priorityWeight ?? defaults.priorityWeight ?? TASK_DEFAULTS.priorityWeight,
      ...(t.connection !== undefined ? { connection: t.connection } : {}),
      with: withValue,
    });
  });

  // References between tasks: unknown ids, then cycles among the known ones.
  tasks.forEach((t) => {
    const i = firstIndex.get(t.taskId)!;
    t.dependsOn.forEach((dep, j) => {
      if (!firstIndex.has(dep) && !rawTasks.some((r) => (r as { taskId?: unknown })?.taskId === dep)) {
        errors.push({ path: `tasks[${i}].dependsOn[${j}]`, message: `unknown task "${dep}"` });
      }
    });
  });
  const cycle = findCycle({ tasks: tasks.map((t) => ({ taskId: t.taskId, dependsOn: t.dependsOn.filter((d) => d !== t.taskId) })) });
  if (cycle) errors.push({ path: `tasks[${firstIndex.get(cycle[0])}].dependsOn`, message: `cycle: ${cycle.join(' -> ')}` });

  // Connections must be the tenant's own.
  if (ctx.connections) {
    const known = ctx.connections;
    const check = (name: unknown, path: string) => {
      if (typeof name === 'string' && !known.has(name)) errors.push({ path, message: `unknown connection "${name}"` });
    };
    tasks.forEach((t) => {
      const i = firstIndex.get(t.taskId)!;
      check(t.connection, `tasks[${i}].connection`);
      check(t.with.connection, `tasks[${i}].with.connection`);
    });
    (top.success ? top.data.triggers : []).forEach((trig, i) => check(trig.connection, `triggers[${i}].connection`));
  }

  if (errors.length || !top.success) return fail();
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
    tasks,
  };
  return { valid: true, errors: [], spec };
}

/** Parses spec text: JSON, or the same document in YAML. */
export function parseDagSpecText(text: string): unknown {
  const trimmed = text.trim();
  try {
    return trimmed.startsWith('{') ? JSON.parse(trimmed) : parseYaml(trimmed);
  } catch (err) {
    throw new TowerError('BAD_USER_INPUT', `spec is neither valid JSON nor YAML: ${(err as Error).message}`);
  }
}

/** JSON with object keys sorted at every level: equal specs give equal text. */
export function canonicalSpecJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sort(value));
}

export function specHash(spec: unknown): string {
  return createHash('sha256').update(canonicalSpecJson(spec)).digest('hex');
}
