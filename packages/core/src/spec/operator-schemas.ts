import { z } from 'zod';

/**
 * `with` schemas per task type. Types whose operators arrive with the S3/Snowflake work accept
 * extra keys (loose) but still reject wrong types and missing required keys.
 */
const nonEmpty = z.string().min(1, 'must not be empty');
const connectionRef = nonEmpty.optional();
const status = z.number().int().min(100).max(599);

const httpUrl = nonEmpty.refine((u) => u.includes('{{') || /^https?:\/\/[^\s]+$/i.test(u), 'must be an http(s) URL (or a template)');

const transformStep = z
  .record(z.string(), z.unknown())
  .refine((step) => Object.keys(step).filter((k) => ['select', 'rename', 'cast', 'filter', 'derive'].includes(k)).length === 1, {
    message: 'each step has exactly one of select, rename, cast, filter, derive',
  });

const qualityCheck = z.looseObject({
  type: z.enum(['rowCount', 'notNull', 'unique', 'acceptedValues', 'customSql']),
  severity: z.enum(['fail', 'warn']).default('fail'),
});

export const OPERATOR_WITH_SCHEMAS = {
  noop: z.strictObject({ durationMs: z.number().int().min(0).max(86_400_000).optional() }),
  'http.request': z.strictObject({
    method: z
      .string()
      .transform((m) => m.toUpperCase())
      .pipe(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']))
      .default('GET'),
    url: httpUrl,
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional(),
    expectedStatus: z.union([status, z.array(status).min(1)]).optional(),
    timeoutMs: z.number().int().positive().max(3_600_000).optional(),
    xcomResponse: z.boolean().optional(),
  }),
  's3.keySensor': z.looseObject({
    connection: connectionRef,
    bucket: nonEmpty,
    key: z.union([nonEmpty, z.array(nonEmpty).min(1)]),
    wildcard: z.boolean().default(false),
    pokeIntervalSeconds: z.number().positive().max(86_400).default(30),
    timeoutSeconds: z.number().positive().max(30 * 86_400).default(7 * 86_400),
    mode: z.enum(['reschedule', 'poke', 'deferred']).default('reschedule'),
    softFail: z.boolean().default(false),
    exponentialBackoff: z.boolean().default(false),
  }),
  's3.extract': z.looseObject({
    connection: connectionRef,
    format: z.enum(['csv', 'jsonl']).default('csv'),
    requiredColumns: z.array(nonEmpty).optional(),
    bucket: nonEmpty.optional(),
    key: nonEmpty.optional(),
    outputPrefix: nonEmpty.optional(),
  }),
  'transform.records': z.looseObject({
    connection: connectionRef,
    steps: z.array(transformStep).min(1, 'needs at least one step'),
  }),
  'snowflake.load': z.looseObject({
    connection: connectionRef,
    table: nonEmpty,
    fileFormat: z.record(z.string(), z.unknown()).optional(),
    createTable: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
  }),
  'snowflake.sql': z.looseObject({
    connection: connectionRef,
    sql: z.union([nonEmpty, z.array(nonEmpty).min(1)]),
    binds: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
  }),
  'quality.check': z.looseObject({
    connection: connectionRef,
    table: nonEmpty.optional(),
    checks: z.array(qualityCheck).min(1, 'needs at least one check'),
  }),
  notify: z.looseObject({
    channels: z.array(nonEmpty).optional(),
    message: z.string().optional(),
    subject: z.string().optional(),
    on: z.enum(['success', 'failure', 'always']).optional(),
  }),
} as const;

export type TaskType = keyof typeof OPERATOR_WITH_SCHEMAS;
export const TASK_TYPES = Object.keys(OPERATOR_WITH_SCHEMAS) as TaskType[];

export function isTaskType(type: string): type is TaskType {
  return Object.prototype.hasOwnProperty.call(OPERATOR_WITH_SCHEMAS, type);
}
