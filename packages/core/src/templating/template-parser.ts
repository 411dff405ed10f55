import { TowerError } from '../errors.js';

/**
 * Template syntax: `{{ name }}` with optional whitespace, where name is a context value (`ds`),
 * `params.NAME` or `xcom.TASK_ID[.KEY]`; `{{ '…' }}` emits a literal (Jinja's way to write `{{`).
 * Filters and expressions are not supported: tenants run no code.
 */
export type TemplateSegment = { kind: 'text'; text: string } | { kind: 'name'; name: string; raw: string };

export const VALUE_NAMES = [
  'ds',
  'ds_nodash',
  'ts',
  'ts_nodash',
  'ts_nodash_with_tz',
  'logical_date',
  'data_interval_start',
  'data_interval_end',
  'run_id',
  'dag_id',
  'task_id',
] as const;
export type ValueName = (typeof VALUE_NAMES)[number];

/** Dotted names; segments after the first may hold task ids (`-` allowed, `.` splits segments). */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type TemplateName =
  | { kind: 'value'; name: ValueName }
  | { kind: 'param'; param: string }
  /** The segments after `xcom.`: a task id (which may itself contain dots) followed by an optional key. */
  | { kind: 'xcom'; segments: string[] };

export function shorten(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function templateError(template: string, message: string, name?: string): TowerError {
  return new TowerError('BAD_USER_INPUT', `template "${shorten(template)}": ${message}`, { details: name === undefined ? { template } : { template, name } });
}

function closingBraces(template: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < template.length; i++) {
    const ch = template[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '}' && template[i + 1] === '}') {
      return i;
    }
  }
  return -1;
}

/** Splits a template into text and names; throws BAD_USER_INPUT on syntax errors. */
export function parseTemplate(template: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      text += template.slice(i);
      break;
    }
    text += template.slice(i, open);
    const close = closingBraces(template, open + 2);
    if (close < 0) throw templateError(template, `"{{" at position ${open} is never closed with "}}"`);
    const raw = template.slice(open + 2, close).trim();
    i = close + 2;
    const literal = /^(['"])(.*)\1$/s.exec(raw);
    if (literal && !literal[2].includes(literal[1])) {
      text += literal[2];
      continue;
    }
    if (raw === '') throw templateError(template, 'empty "{{ }}"');
    if (!NAME.test(raw)) throw templateError(template, `"{{ ${shorten(raw, 60)} }}" is not a template name (filters and expressions are not supported)`, raw);
    if (text) segments.push({ kind: 'text', text });
    text = '';
    segments.push({ kind: 'name', name: raw, raw: template.slice(open, close + 2) });
  }
  if (text) segments.push({ kind: 'text', text });
  return segments;
}

/** Classifies a name from a template; throws BAD_USER_INPUT for an unknown one. */
export function classifyName(name: string, template: string): TemplateName {
  const [head, ...rest] = name.split('.');
  if (head === 'params') {
    if (rest.length !== 1 || !PARAM_NAME.test(rest[0])) throw templateError(template, `use {{ params.NAME }} (got "${name}")`, name);
    return { kind: 'param', param: rest[0] };
  }
  if (head === 'xcom') {
    if (rest.length === 0) throw templateError(template, `use {{ xcom.TASK_ID }} or {{ xcom.TASK_ID.KEY }} (got "${name}")`, name);
    return { kind: 'xcom', segments: rest };
  }
  if (rest.length === 0 && (VALUE_NAMES as readonly string[]).includes(head)) return { kind: 'value', name: head as ValueName };
  throw templateError(template, `unknown template name "${name}" (known: ${VALUE_NAMES.join(', ')}, params.NAME, xcom.TASK_ID[.KEY])`, name);
}

/** The names a template uses, in order, e.g. ["ds", "params.region", "xcom.extract.rows"]. */
export function templateReferences(template: string): string[] {
  return parseTemplate(template).flatMap((s) => (s.kind === 'name' ? [s.name] : []));
}

/**
 * The (task id, key) readings of `xcom.` segments, longest task id first: task ids may contain
 * dots, so `xcom.a.b` is task "a.b" (return_value) or task "a" key "b".
 */
export function xcomReadings(segments: readonly string[]): Array<{ taskId: string; key: string }> {
  const out: Array<{ taskId: string; key: string }> = [];
  for (let k = segments.length; k >= 1; k--) {
    out.push({ taskId: segments.slice(0, k).join('.'), key: k === segments.length ? 'return_value' : segments.slice(k).join('.') });
  }
  return out;
}
