import { isTowerError } from '../errors.js';
import { compileCron, isOnceSchedule, isValidTimezone } from '../schedule/cron.js';
import { parseLocalDate } from '../schedule/intervals.js';
import { classifyName, parseTemplate, xcomReadings } from '../templating/template-parser.js';
import { formatPath, type SpecError } from './spec-error.js';

export const MAX_SPEC_DEPTH = 64;
const MAX_STRUCTURE_ERRORS = 20;
// Assigning a "__proto__" key to a plain object changes its prototype instead of adding a key.
const FORBIDDEN_KEYS = new Set(['__proto__']);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A spec is JSON: plain objects, arrays, strings, finite numbers, booleans, null (undefined
 * object values count as absent). Nesting is bounded and `__proto__` keys are refused, so later
 * steps can walk and copy the value safely.
 */
export function structureErrors(input: unknown): SpecError[] {
  const errors: SpecError[] = [];
  const visit = (value: unknown, path: PropertyKey[]) => {
    if (errors.length >= MAX_STRUCTURE_ERRORS) return;
    if (path.length > MAX_SPEC_DEPTH) {
      errors.push({ path: formatPath(path), message: `nested deeper than ${MAX_SPEC_DEPTH} levels` });
      return;
    }
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) errors.push({ path: formatPath(path), message: 'must be a finite number' });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) =>
        item === undefined ? errors.push({ path: formatPath([...path, i]), message: 'must be a JSON value' }) : visit(item, [...path, i]),
      );
      return;
    }
    if (isPlainObject(value)) {
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) errors.push({ path: formatPath([...path, key]), message: `"${key}" is not allowed as a key` });
        else if (value[key] !== undefined) visit(value[key], [...path, key]);
      }
      return;
    }
    errors.push({ path: formatPath(path), message: `must be a JSON value, got ${value instanceof Date ? 'a Date (write an ISO string)' : typeof value}` });
  };
  visit(input, []);
  return errors;
}

/** The DAG's timezone, schedule and dates, checked together (an unknown zone still lets the cron and dates be checked, in UTC). */
export function scheduleErrors(raw: Record<string, unknown>): SpecError[] {
  const errors: SpecError[] = [];
  let zone = 'UTC';
  if (typeof raw.timezone === 'string' && raw.timezone !== '') {
    if (isValidTimezone(raw.timezone)) zone = raw.timezone;
    else errors.push({ path: 'timezone', message: `unknown time zone "${raw.timezone}" (use an IANA name such as America/New_York)` });
  }
  const fail = (path: string) => (err: unknown) => {
    if (!isTowerError(err)) throw err;
    errors.push({ path, message: err.message });
  };
  if (typeof raw.schedule === 'string' && raw.schedule !== '') {
    if (isOnceSchedule(raw.schedule)) {
      if (typeof raw.startDate !== 'string') errors.push({ path: 'startDate', message: 'a "@once" schedule needs a startDate: the run happens then' });
    } else {
      try {
        compileCron(raw.schedule, zone);
      } catch (err) {
        fail('schedule')(err);
      }
    }
  }
  const dates: Partial<Record<'startDate' | 'endDate', Date>> = {};
  for (const field of ['startDate', 'endDate'] as const) {
    const value = raw[field];
    if (typeof value !== 'string') continue;
    try {
      dates[field] = parseLocalDate(value, zone, field);
    } catch (err) {
      fail(field)(err);
    }
  }
  if (dates.startDate && dates.endDate && dates.endDate < dates.startDate) {
    errors.push({ path: 'endDate', message: `endDate ${String(raw.endDate)} is before startDate ${String(raw.startDate)}` });
  }
  return errors;
}

export interface TemplateScope {
  /** Declared param names. */
  params: ReadonlySet<string>;
  /** Task ids of the DAG. */
  taskIds: ReadonlySet<string>;
}

/**
 * Template problems in the strings of a task's `with`, caught at upsert rather than at run
 * time: syntax, unknown names, undeclared params, XComs of tasks that are not in the DAG.
 */
export function templateErrors(value: unknown, path: ReadonlyArray<PropertyKey>, scope: TemplateScope): SpecError[] {
  const errors: SpecError[] = [];
  const check = (text: string, at: string) => {
    let segments;
    try {
      segments = parseTemplate(text);
    } catch (err) {
      if (!isTowerError(err)) throw err;
      errors.push({ path: at, message: err.message });
      return;
    }
    for (const s of segments) {
      if (s.kind !== 'name') continue;
      try {
        const ref = classifyName(s.name, text);
        if (ref.kind === 'param' && !scope.params.has(ref.param)) {
          errors.push({ path: at, message: `{{ ${s.name} }}: the DAG declares no param "${ref.param}" (declared: ${[...scope.params].join(', ') || 'none'})` });
        }
        if (ref.kind === 'xcom' && !xcomReadings(ref.segments).some((r) => scope.taskIds.has(r.taskId))) {
          errors.push({ path: at, message: `{{ ${s.name} }}: no task "${ref.segments[0]}" in this DAG to read an XCom from` });
        }
      } catch (err) {
        if (!isTowerError(err)) throw err;
        errors.push({ path: at, message: err.message });
      }
    }
  };
  const visit = (v: unknown, at: PropertyKey[]) => {
    if (typeof v === 'string') {
      if (v.includes('{{')) check(v, formatPath(at));
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, [...at, i]));
    } else if (isPlainObject(v)) {
      for (const [k, item] of Object.entries(v)) visit(item, [...at, k]);
    }
  };
  visit(value, [...path]);
  return errors;
}
