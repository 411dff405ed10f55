import type { z } from 'zod';

/** One problem in a spec: where (`tasks[3].dependsOn[0]`) and what. */
export interface SpecError {
  path: string;
  message: string;
}

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/** ["tasks", 3, "with", "bucket"] → "tasks[3].with.bucket"; odd keys are quoted: headers["X.Y"]. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && PLAIN_KEY.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
  record: 'an object',
  null: 'null',
};

function bound(iss: { origin?: string; inclusive?: boolean }, value: unknown, side: 'min' | 'max'): string {
  const n = String(value);
  switch (iss.origin) {
    case 'string':
      return side === 'min' && n === '1' ? 'must not be empty' : `must have ${side === 'min' ? 'at least' : 'at most'} ${n} characters`;
    case 'array':
      return `must have ${side === 'min' ? 'at least' : 'at most'} ${n} item${n === '1' ? '' : 's'}`;
    default:
      return `must be ${side === 'min' ? (iss.inclusive ? '>=' : '>') : iss.inclusive ? '<=' : '<'} ${n}`;
  }
}

/** Messages for zod's built-in issues; schema-level messages take precedence over these. */
export const specErrorMap = (iss: z.core.$ZodRawIssue): string | undefined => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      return `must be ${EXPECTED[iss.expected] ?? iss.expected}, got ${typeName(iss.input)}`;
    case 'too_small':
      return bound(iss, iss.minimum, 'min');
    case 'too_big':
      return bound(iss, iss.maximum, 'max');
    case 'invalid_union': {
      const raw = iss as { discriminator?: string; options?: unknown[]; input?: unknown };
      if (!raw.discriminator) return undefined;
      const value = raw.input !== null && typeof raw.input === 'object' ? (raw.input as Record<string, unknown>)[raw.discriminator] : undefined;
      const known = (raw.options ?? []).map(String).join(', ');
      return value === undefined
        ? `is required${known ? ` (one of ${known})` : ''}`
        : `unknown ${raw.discriminator} ${JSON.stringify(value)}${known ? ` (known: ${known})` : ''}`;
    }
    case 'invalid_value':
      if (iss.input === undefined) return 'is required';
      return iss.values.length === 1 ? `must be ${JSON.stringify(iss.values[0])}` : `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
};

/**
 * zod issues → spec errors. Unknown keys become one error per key (at the key's path); a union
 * whose every branch failed on the type says which types are accepted, and a union where some
 * branch matched the type reports that branch's inner errors.
 */
export function issuesToErrors(issues: readonly z.core.$ZodIssue[], prefix: ReadonlyArray<PropertyKey>): SpecError[] {
  return issues.flatMap((issue): SpecError[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: formatPath([...path, key]), message: `unknown key "${key}"` }));
    if (issue.code === 'invalid_key' && issue.issues.length > 0) return [{ path: formatPath(path), message: issue.issues.map((i) => i.message).join('; ') }];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const deeper = issue.errors.find((branch) => branch.length > 0 && branch.every((e) => e.path.length > 0 || e.code !== 'invalid_type'));
      if (deeper) return issuesToErrors(deeper, path);
      if (issue.errors.every((branch) => branch.some((e) => e.path.length === 0 && e.message === 'is required')))
        return [{ path: formatPath(path), message: 'is required' }];
      const expected = issue.errors.flatMap((branch) => branch.flatMap((e) => (e.code === 'invalid_type' ? [EXPECTED[e.expected] ?? e.expected] : [])));
      if (expected.length === issue.errors.length) return [{ path: formatPath(path), message: `must be ${[...new Set(expected)].join(' or ')}` }];
    }
    return [{ path: formatPath(path), message: issue.message }];
  });
}

/** safeParse with Tower's messages; errors are prefixed with `prefix`. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: ReadonlyArray<PropertyKey>,
): { ok: true; data: z.output<S> } | { ok: false; errors: SpecError[] } {
  const r = schema.safeParse(input, { error: specErrorMap });
  return r.success ? { ok: true, data: r.data } : { ok: false, errors: issuesToErrors(r.error.issues, prefix) };
}
