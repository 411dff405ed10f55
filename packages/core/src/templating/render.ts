import { TowerError } from '../errors.js';
import { classifyName, parseTemplate, templateError, xcomReadings, type ValueName } from './template-parser.js';

export { templateReferences, VALUE_NAMES as TEMPLATE_NAMES } from './template-parser.js';

export interface TemplateContext {
  readonly values: Readonly<Record<ValueName, string>>;
  readonly params: Readonly<Record<string, unknown>>;
  /** XCom values of the run: task id → key → value. */
  readonly xcom: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface TemplateContextInput {
  dagId: string;
  taskId: string;
  runId: string;
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  params: Record<string, unknown>;
  xcom: Record<string, Record<string, unknown>>;
}

function checkDate(d: Date, field: string): Date {
  if (!(d instanceof Date) || Number.isNaN(d.getTime()))
    throw new TowerError('INTERNAL', `template context: ${field} must be a valid date`, { details: { field } });
  return d;
}

/** Python's datetime.isoformat() in UTC, as Airflow renders timestamps: microseconds only when non-zero. */
export function airflowTimestamp(d: Date): string {
  const iso = d.toISOString();
  const ms = d.getUTCMilliseconds();
  return `${iso.slice(0, 19)}${ms ? `.${String(ms * 1000).padStart(6, '0')}` : ''}+00:00`;
}

/**
 * The context for one try (Airflow's names; dates in UTC like Airflow's). The dates are checked at
 * once; the strings are formatted on first use, so a try without templates (most) formats none.
 */
export function buildTemplateContext(input: TemplateContextInput): TemplateContext {
  const logical = checkDate(input.logicalDate, 'logicalDate');
  const start = checkDate(input.dataIntervalStart, 'dataIntervalStart');
  const end = checkDate(input.dataIntervalEnd, 'dataIntervalEnd');
  let values: Record<ValueName, string> | undefined;
  const format = (): Record<ValueName, string> => {
    const ts = airflowTimestamp(logical);
    const ds = logical.toISOString().slice(0, 10);
    const tsNodash = `${ds.replaceAll('-', '')}T${logical.toISOString().slice(11, 19).replaceAll(':', '')}`;
    return {
      ds,
      ds_nodash: ds.replaceAll('-', ''),
      ts,
      ts_nodash: tsNodash,
      ts_nodash_with_tz: `${tsNodash}+0000`,
      logical_date: ts,
      data_interval_start: airflowTimestamp(start),
      data_interval_end: airflowTimestamp(end),
      run_id: input.runId,
      dag_id: input.dagId,
      task_id: input.taskId,
    };
  };
  return {
    get values() {
      return (values ??= format());
    },
    params: input.params ?? {},
    xcom: input.xcom ?? {},
  };
}

const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function lookup(name: string, ctx: TemplateContext, template: string): string {
  const ref = classifyName(name, template);
  if (ref.kind === 'value') return ctx.values[ref.name];
  if (ref.kind === 'param') {
    if (!has(ctx.params, ref.param) || ctx.params[ref.param] === undefined) {
      throw templateError(template, `unknown param "${ref.param}" (the run has: ${Object.keys(ctx.params).join(', ') || 'none'})`, name);
    }
    return stringify(ctx.params[ref.param]);
  }
  const readings = xcomReadings(ref.segments);
  for (const { taskId, key } of readings) {
    const values = has(ctx.xcom, taskId) ? ctx.xcom[taskId] : undefined;
    if (values && has(values, key)) return stringify(values[key]);
  }
  // Name the reading the user most likely meant: the task that has XComs, else the first segment.
  const meant = readings.find((r) => has(ctx.xcom, r.taskId)) ?? readings[readings.length - 1];
  throw templateError(template, `no XCom "${meant.key}" from task "${meant.taskId}"`, name);
}

/** Renders `{{ name }}` placeholders; an unknown name is an error (BAD_USER_INPUT), never "". */
export function renderTemplate(template: string, ctx: TemplateContext): string {
  if (!template.includes('{{')) return template;
  return parseTemplate(template)
    .map((s) => (s.kind === 'text' ? s.text : lookup(s.name, ctx, template)))
    .join('');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Renders every string inside a JSON-like value (object values and array items, deeply); keys and other types stay. */
export function renderTemplates<T>(value: T, ctx: TemplateContext): T {
  if (typeof value === 'string') return renderTemplate(value, ctx) as T;
  if (Array.isArray(value)) return value.map((v) => renderTemplates(v, ctx)) as T;
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderTemplates(v, ctx)])) as T;
  return value;
}

export interface XcomReference {
  /** The name as written, e.g. `xcom.extract.rows`. */
  name: string;
  /** The task it reads from, or null when no task of `taskIds` matches. */
  taskId: string | null;
  key: string;
  /** Where in the value the string is, e.g. `body.query` ('' for the value itself). */
  path: string;
}

/**
 * The XComs a value's templates read, resolved against the DAG's task ids (so the engine and the
 * validator know which upstream results a task needs). Throws BAD_USER_INPUT on a syntax error.
 */
export function xcomReferences(value: unknown, taskIds: Iterable<string>): XcomReference[] {
  const known = new Set(taskIds);
  const out: XcomReference[] = [];
  const visit = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      if (!v.includes('{{')) return;
      for (const s of parseTemplate(v)) {
        if (s.kind !== 'name' || !s.name.startsWith('xcom.')) continue;
        const readings = xcomReadings(s.name.split('.').slice(1));
        const hit = readings.find((r) => known.has(r.taskId));
        out.push({ name: s.name, taskId: hit?.taskId ?? null, key: hit?.key ?? readings[readings.length - 1].key, path });
      }
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, `${path}[${i}]`));
    } else if (isPlainObject(v)) {
      for (const [k, item] of Object.entries(v)) visit(item, path ? `${path}.${k}` : k);
    }
  };
  visit(value, '');
  return out;
}
