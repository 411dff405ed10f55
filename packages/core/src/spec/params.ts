import type { ParamSpec, ParamType } from './schema.js';
import type { SpecError } from './spec-error.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeOk(type: ParamType, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'object':
      return isPlainObject(v);
    case 'array':
      return Array.isArray(v);
  }
}

const ARTICLE: Record<ParamType, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
};

/** Structural equality for JSON values (enum membership). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** What is wrong with a value for a param: the rules, apart from how each caller words them. */
export type ParamProblem =
  | { kind: 'type'; expected: ParamType }
  | { kind: 'enum'; allowed: readonly unknown[] }
  | { kind: 'minimum'; bound: number }
  | { kind: 'maximum'; bound: number };

/** The param declaration fields the value rules read (a `ParamSpec`, or the web form's copy of one). */
export type ParamRules = Pick<ParamSpec, 'type' | 'enum' | 'minimum' | 'maximum'>;

/**
 * The problems of one value for a param (none: valid). Shared by the API's validateParams and the
 * web's trigger form (`@tower/core/params`, no other import), so both apply the same rules.
 */
export function paramValueProblems(spec: ParamRules, value: unknown): ParamProblem[] {
  if (!typeOk(spec.type, value)) return [{ kind: 'type', expected: spec.type }];
  const problems: ParamProblem[] = [];
  if (spec.enum && !spec.enum.some((e) => jsonEqual(e, value))) problems.push({ kind: 'enum', allowed: spec.enum });
  if (typeof value === 'number') {
    if (spec.minimum !== undefined && value < spec.minimum) problems.push({ kind: 'minimum', bound: spec.minimum });
    if (spec.maximum !== undefined && value > spec.maximum) problems.push({ kind: 'maximum', bound: spec.maximum });
  }
  return problems;
}

/** Problems with one value for a param, each message naming the param. */
function valueErrors(name: string, spec: ParamSpec, value: unknown, path: string): SpecError[] {
  return paramValueProblems(spec, value).map((p): SpecError => {
    switch (p.kind) {
      case 'type':
        return { path, message: `param "${name}" must be ${ARTICLE[p.expected]}` };
      case 'enum':
        return { path, message: `param "${name}" must be one of ${p.allowed.map((e) => JSON.stringify(e)).join(', ')}` };
      case 'minimum':
        return { path, message: `param "${name}" must be >= ${p.bound}` };
      case 'maximum':
        return { path, message: `param "${name}" must be <= ${p.bound}` };
    }
  });
}

/**
 * Spec-time checks of one param declaration (its shape is already valid): bounds only on numeric
 * types, enum values and the default must themselves be valid values.
 */
export function paramSpecErrors(name: string, spec: ParamSpec, path: string): SpecError[] {
  const errors: SpecError[] = [];
  const numeric = spec.type === 'number' || spec.type === 'integer';
  for (const bound of ['minimum', 'maximum'] as const) {
    if (spec[bound] !== undefined && !numeric) errors.push({ path: `${path}.${bound}`, message: `${bound} applies to number and integer params only` });
  }
  if (numeric && spec.minimum !== undefined && spec.maximum !== undefined && spec.minimum > spec.maximum) {
    errors.push({ path: `${path}.minimum`, message: `minimum ${spec.minimum} is greater than maximum ${spec.maximum}` });
  }
  spec.enum?.forEach((value, i) => {
    if (!typeOk(spec.type, value)) errors.push({ path: `${path}.enum[${i}]`, message: `enum values of param "${name}" must be ${ARTICLE[spec.type]}` });
  });
  if (spec.default !== undefined) errors.push(...valueErrors(name, spec, spec.default, `${path}.default`));
  return errors;
}

/**
 * Validates run params against the DAG's param specs (a JSON-schema-like subset): applies
 * defaults, and rejects unknown names, wrong types, values outside enum/minimum/maximum and
 * required params without a value. An `undefined` value counts as not given.
 */
export function validateParams(
  specs: Readonly<Record<string, ParamSpec>>,
  provided: unknown,
): { ok: true; params: Record<string, unknown> } | { ok: false; errors: SpecError[] } {
  if (provided !== undefined && provided !== null && !isPlainObject(provided)) {
    return { ok: false, errors: [{ path: 'params', message: 'params must be an object' }] };
  }
  const input = (provided ?? {}) as Record<string, unknown>;
  const declared = (name: string) => Object.prototype.hasOwnProperty.call(specs, name);
  const errors: SpecError[] = [];
  for (const name of Object.keys(input)) {
    if (!declared(name)) errors.push({ path: `params.${name}`, message: `unknown param "${name}" (declared: ${Object.keys(specs).join(', ') || 'none'})` });
  }
  const params: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const path = `params.${name}`;
    const given = Object.prototype.hasOwnProperty.call(input, name) && input[name] !== undefined;
    const value = given ? input[name] : spec.default;
    if (value === undefined) {
      if (spec.required) errors.push({ path, message: `param "${name}" is required` });
      continue;
    }
    const problems = valueErrors(name, spec, value, path);
    if (problems.length) errors.push(...problems);
    else params[name] = structuredClone(value);
  }
  return errors.length ? { ok: false, errors } : { ok: true, params };
}
