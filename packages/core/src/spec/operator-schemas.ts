import { z } from 'zod';
import { specErrorMap } from './spec-error.js';

/**
 * `with` schemas per task type. noop and http.request are strict (their operators exist; a
 * misspelt key is an error). The S3/Snowflake/quality/notify schemas pin the keys and types
 * known today but accept extra keys until their operators land and refine them.
 * Strings may hold templates; they are rendered before each try.
 */
const nonEmpty = z.string().min(1);
const connection = z.string().min(1).max(200).optional();
const status = z.number().int().min(100).max(599);
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

// A templated URL is only known at render time; the operator checks it then.
const httpUrl = nonEmpty.refine((u) => u.includes('{{') || isHttpUrl(u), 'must be an http(s) URL (or a template)');

const TRANSFORM_OPS = {
  select: z.array(nonEmpty).min(1),
  rename: z.record(z.string(), nonEmpty),
  cast: z.record(z.string(), nonEmpty),
  filter: z.union([nonEmpty, z.record(z.string(), z.unknown())]),
  derive: z.record(z.string(), z.unknown()),
} as const;
type TransformOp = keyof typeof TRANSFORM_OPS;
const TRANSFORM_OP_NAMES = Object.keys(TRANSFORM_OPS) as TransformOp[];

const transformStep = z.record(z.string(), z.unknown()).superRefine((step, ctx) => {
  const ops = Object.keys(step).filter((k): k is TransformOp => (TRANSFORM_OP_NAMES as string[]).includes(k));
  if (ops.length !== 1) {
    ctx.addIssue({ code: 'custom', message: `each step has exactly one of ${TRANSFORM_OP_NAMES.join(', ')} (got ${ops.length ? ops.join(', ') : 'none'})` });
    return;
  }
  const r = TRANSFORM_OPS[ops[0]].safeParse(step[ops[0]], { error: specErrorMap });
  if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: [ops[0], ...issue.path] } as z.core.$ZodRawIssue);
});

export const QUALITY_CHECK_TYPES = ['rowCount', 'notNull', 'unique', 'acceptedValues', 'customSql'] as const;

const qualityCheck = z.looseObject({
  type: z.enum(QUALITY_CHECK_TYPES),
  severity: z.enum(['fail', 'warn']).default('fail'),
});

const NOTIFY_ON = ['success', 'failure', 'always'] as const;

export const OPERATOR_WITH_SCHEMAS = {
  noop: z.strictObject({
    durationMs: z.number().int().min(0).max(86_400_000).optional(),
  }),
  'http.request': z.strictObject({
    connection,
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .pipe(z.enum(HTTP_METHODS))
      .default('GET'),
    url: httpUrl,
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional(),
    expectedStatus: z.union([status, z.array(status).min(1)]).optional(),
    timeoutMs: z.number().int().positive().max(3_600_000).optional(),
    xcomResponse: z.boolean().optional(),
  }),
  's3.keySensor': z.looseObject({
    connection,
    bucket: nonEmpty,
    key: z.union([nonEmpty, z.array(nonEmpty).min(1)]),
    wildcard: z.boolean().default(false),
    pokeIntervalSeconds: z.number().positive().max(86_400).default(30),
    timeoutSeconds: z.number().positive().max(30 * 86_400).default(7 * 86_400),
    mode: z.enum(['reschedule', 'poke', 'deferred']).default('reschedule'),
    softFail: z.boolean().default(false),
    exponentialBackoff: z.boolean().optional(),
  }),
  's3.extract': z.looseObject({
    connection,
    format: z.enum(['csv', 'jsonl']),
    requiredColumns: z.array(nonEmpty).optional(),
    bucket: nonEmpty.optional(),
    key: nonEmpty.optional(),
    outputPrefix: nonEmpty.optional(),
  }),
  'transform.records': z.looseObject({
    connection,
    steps: z.array(transformStep).min(1),
  }),
  'snowflake.load': z.looseObject({
    connection,
    table: nonEmpty,
    fileFormat: z.record(z.string(), z.unknown()).optional(),
    createTable: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
    source: z.union([nonEmpty, z.record(z.string(), z.unknown())]).optional(),
  }),
  'snowflake.sql': z.looseObject({
    connection,
    sql: z.union([nonEmpty, z.array(nonEmpty).min(1)]),
    binds: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
  }),
  'quality.check': z.looseObject({
    connection,
    table: nonEmpty.optional(),
    checks: z.array(qualityCheck).min(1),
  }),
  notify: z.looseObject({
    connection,
    channels: z.array(nonEmpty).optional(),
    message: z.string().optional(),
    subject: z.string().optional(),
    on: z.union([z.enum(NOTIFY_ON), z.array(z.enum(NOTIFY_ON)).min(1)]).optional(),
  }),
} as const;

export type TaskType = keyof typeof OPERATOR_WITH_SCHEMAS;
export const TASK_TYPES = Object.keys(OPERATOR_WITH_SCHEMAS) as TaskType[];

export function isTaskType(type: unknown): type is TaskType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(OPERATOR_WITH_SCHEMAS, type);
}
