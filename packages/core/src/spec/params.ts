import type { ParamSpec } from './schema.js';
import type { SpecError } from './validate.js';

function typeOk(type: ParamSpec['type'], v: unknown): boolean {
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
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
  }
}

/**
 * Validates run params against the DAG's param specs (a JSON-schema-like subset): applies
 * defaults, rejects unknown names, wrong types, values outside enum/minimum/maximum, and
 * required params without a value.
 */
export function validateParams(
  specs: Readonly<Record<string, ParamSpec>>,
  provided: unknown,
): { ok: true; params: Record<string, unknown> } | { ok: false; errors: SpecError[] } {
  const errors: SpecError[] = [];
  if (provided !== undefined && provided !== null && (typeof provided !== 'object' || Array.isArray(provided))) {
    return { ok: false, errors: [{ path: 'params', message: 'params must be an object' }] };
  }
  const input = (provided ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(input)) {
    if (!(name in specs)) errors.push({ path: `params.${name}`, message: `unknown param "${name}" (declared: ${Object.keys(specs).join(', ') || 'none'})` });
  }
  const params: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const path = `params.${name}`;
    const value = name in input ? input[name] : spec.default;
    if (value === undefined) {
      if (spec.required) errors.push({ path, message: `param "${name}" is required` });
      continue;
    }
    if (!typeOk(spec.type, value)) {
      errors.push({ path, message: `param "${name}" must be of type ${spec.type}` });
      continue;
    }
    if (spec.enum && !spec.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
      errors.push({ path, message: `param "${name}" must be one of ${spec.enum.map((e) => JSON.stringify(e)).join(', ')}` });
    }
    if (typeof value === 'number') {
      if (spec.minimum !== undefined && value < spec.minimum) errors.push({ path, message: `param "${name}" must be >= ${spec.minimum}` });
      if (spec.maximum !== undefined && value > spec.maximum) errors.push({ path, message: `param "${name}" must be <= ${spec.maximum}` });
    }
    params[name] = value;
  }
  return errors.length ? { ok: false, errors } : { ok: true, params };
}
