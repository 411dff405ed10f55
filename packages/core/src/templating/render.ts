import { TowerError } from '../errors.js';

export interface TemplateContext {
  readonly values: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, unknown>>;
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

/** Airflow renders ts as ISO 8601 with a +00:00 offset. */
const airflowTs = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');

export function buildTemplateContext(input: TemplateContextInput): TemplateContext {
  const ds = input.logicalDate.toISOString().slice(0, 10);
  const ts = airflowTs(input.logicalDate);
  return {
    values: {
      ds,
      ds_nodash: ds.replaceAll('-', ''),
      ts,
      ts_nodash: ts.slice(0, 19).replaceAll('-', '').replaceAll(':', ''),
      logical_date: ts,
      data_interval_start: airflowTs(input.dataIntervalStart),
      data_interval_end: airflowTs(input.dataIntervalEnd),
      run_id: input.runId,
      dag_id: input.dagId,
      task_id: input.taskId,
    },
    params: input.params,
    xcom: input.xcom,
  };
}

const EXPR = /\{\{\s*([^{}]*?)\s*\}\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_.-]+)*$/;

export const TEMPLATE_NAMES = ['ds', 'ds_nodash', 'ts', 'ts_nodash', 'logical_date', 'data_interval_start', 'data_interval_end', 'run_id', 'dag_id', 'task_id'] as const;

/** The names a template uses, e.g. ["ds", "params.region", "xcom.extract.rows"]. */
export function templateReferences(template: string): string[] {
  return [...template.matchAll(EXPR)].map((m) => m[1]);
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function lookup(name: string, ctx: TemplateContext, template: string): string {
  const fail = (why: string): never => {
    throw new TowerError('BAD_USER_INPUT', `template "${template}": ${why}`, { details: { name } });
  };
  if (!NAME.test(name)) fail(`"{{ ${name} }}" is not a template name (expressions are not supported)`);
  const [head, ...rest] = name.split('.');
  if (head === 'params') {
    if (rest.length !== 1) fail(`use {{ params.NAME }}`);
    if (!(rest[0] in ctx.params)) fail(`unknown param "${rest[0]}"`);
    return stringify(ctx.params[rest[0]]);
  }
  if (head === 'xcom') {
    if (rest.length < 1 || rest.length > 2) fail(`use {{ xcom.TASK_ID }} or {{ xcom.TASK_ID.KEY }}`);
    const [taskId, key = 'return_value'] = rest;
    const values = ctx.xcom[taskId];
    if (!values || !(key in values)) fail(`no XCom "${key}" from task "${taskId}"`);
    return stringify(values[key]);
  }
  if (rest.length > 0 || !(head in ctx.values)) fail(`unknown template name "${name}"`);
  return ctx.values[head];
}

/** Renders `{{ name }}` placeholders; an unknown name is an error, never an empty string. */
export function renderTemplate(template: string, ctx: TemplateContext): string {
  return template.replace(EXPR, (_m, name: string) => lookup(name, ctx, template));
}

/** Renders every string inside a JSON-like value (objects and arrays, deeply). */
export function renderTemplates<T>(value: T, ctx: TemplateContext): T {
  if (typeof value === 'string') return renderTemplate(value, ctx) as T;
  if (Array.isArray(value)) return value.map((v) => renderTemplates(v, ctx)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderTemplates(v, ctx)])) as T;
  }
  return value;
}
