/**
 * The trigger dialog's form, generated from the DAG's `params` declaration (type, default, enum,
 * minimum/maximum, required, description). Pure: turns typed text into the params object, with an
 * error per field. The value rules are the API's own (`paramValueProblems` from `@tower/core/params`);
 * this says them in the form's words before the request. The API validates again on trigger.
 */
import { paramValueProblems, type ParamProblem } from '@tower/core/params';

export type ParamType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';

export interface ParamDecl {
  type: ParamType;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  required?: boolean;
  description?: string;
}

export interface ParamField {
  name: string;
  decl: ParamDecl;
  /** How the control shows it: a select for enums, a checkbox for booleans, a textarea for JSON. */
  control: 'select' | 'checkbox' | 'number' | 'text' | 'json';
}

const TYPES = new Set<ParamType>(['string', 'number', 'integer', 'boolean', 'object', 'array']);

/** The declared params of a DAG spec (`spec.params`), in declaration order; malformed entries are skipped. */
export function paramFields(spec: unknown): ParamField[] {
  const params = (spec as { params?: unknown } | null)?.params;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return [];
  const fields: ParamField[] = [];
  for (const [name, raw] of Object.entries(params as Record<string, unknown>)) {
    const decl = raw as ParamDecl;
    if (!decl || !TYPES.has(decl.type)) continue;
    const control = decl.enum
      ? 'select'
      : decl.type === 'boolean'
        ? 'checkbox'
        : decl.type === 'number' || decl.type === 'integer'
          ? 'number'
          : decl.type === 'string'
            ? 'text'
            : 'json';
    fields.push({ name, decl, control });
  }
  return fields;
}

/** The text each control starts with: the default, or empty. */
export function initialValues(fields: ParamField[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const { name, decl, control } of fields) {
    if (decl.default === undefined) values[name] = control === 'checkbox' ? 'false' : '';
    else if (control === 'select' || control === 'json') values[name] = JSON.stringify(decl.default);
    else values[name] = String(decl.default);
  }
  return values;
}

export type ParamsResult = { ok: true; params: Record<string, unknown> } | { ok: false; errors: Record<string, string> };

function parseOne(field: ParamField, text: string): { value?: unknown; error?: string } {
  const { decl, control } = field;
  if (text.trim() === '') return decl.required && decl.default === undefined ? { error: 'Required.' } : {};
  let value: unknown;
  switch (control) {
    case 'checkbox':
      value = text === 'true';
      break;
    case 'number':
      value = Number(text);
      if (!Number.isFinite(value)) return { error: 'Enter a number.' };
      if (decl.type === 'integer' && !Number.isInteger(value)) return { error: 'Enter a whole number.' };
      break;
    case 'text':
      value = text;
      break;
    default:
      try {
        value = JSON.parse(text);
      } catch {
        return { error: 'Enter valid JSON.' };
      }
  }
  const [problem] = paramValueProblems(decl, value);
  return problem ? { error: problemText(problem) } : { value };
}

const EXPECTED: Record<ParamType, string> = {
  string: 'Enter text.',
  number: 'Enter a number.',
  integer: 'Enter a whole number.',
  boolean: 'Choose true or false.',
  object: 'Enter a JSON object, e.g. {"a": 1}.',
  array: 'Enter a JSON array, e.g. [1, 2].',
};

function problemText(problem: ParamProblem): string {
  switch (problem.kind) {
    case 'type':
      return EXPECTED[problem.expected];
    case 'enum':
      return `Must be one of ${problem.allowed.map((e) => JSON.stringify(e)).join(', ')}.`;
    case 'minimum':
      return `Must be at least ${problem.bound}.`;
    case 'maximum':
      return `Must be at most ${problem.bound}.`;
  }
}

/** Text from the form → the params object sent with triggerDagRun (empty optional fields are left out). */
export function parseParams(fields: ParamField[], values: Record<string, string>): ParamsResult {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const { value, error } = parseOne(field, values[field.name] ?? '');
    if (error) errors[field.name] = error;
    else if (value !== undefined) params[field.name] = value;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, params };
}
