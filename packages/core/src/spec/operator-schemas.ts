import { z } from 'zod';
import type { ConnectionType } from '../connections/connection-schemas.js';
import { SENSOR_WITH_FIELDS } from './sensor-schema.js';
import { specErrorMap } from './spec-error.js';

/*
 * Helpers of the `with` schemas below. Every schema is strict (a misspelt key is an error with
 * its path); strings may hold templates, rendered before each try.
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

/** Cast types of transform.records (the operator's CAST_TYPES). */
export const TRANSFORM_CAST_TYPES = ['int', 'integer', 'number', 'float', 'decimal', 'string', 'boolean', 'date', 'timestamp'] as const;
/** Operators of a structured filter condition (case and inner spaces do not matter). */
export const TRANSFORM_FILTER_OPS = [
  '=',
  '==',
  'eq',
  '!=',
  '<>',
  'ne',
  '<',
  'lt',
  '<=',
  'lte',
  '>',
  'gt',
  '>=',
  'gte',
  'in',
  'not in',
  'is null',
  'is not null',
] as const;
const filterOp = z
  .string()
  .refine(
    (op) => (TRANSFORM_FILTER_OPS as readonly string[]).includes(op.trim().toLowerCase().replace(/\s+/g, ' ')),
    `must be one of ${TRANSFORM_FILTER_OPS.join(', ')}`,
  );
const filterScalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
type StructuredFilter = { column: string; op: string; value?: unknown } | { and: StructuredFilter[] } | { or: StructuredFilter[] } | { not: StructuredFilter };
// The structured form of a filter: { column, op, value } conditions combined with and / or / not.
// String filters and derive expressions are parsed by the operator, which reports syntax errors
// with their position before reading any data.
const structuredFilter: z.ZodType<StructuredFilter> = z.lazy(() =>
  z.union([
    z.strictObject({ column: nonEmpty, op: filterOp, value: z.union([filterScalar, z.array(filterScalar).min(1)]).optional() }),
    z.strictObject({ and: z.array(structuredFilter).min(1) }),
    z.strictObject({ or: z.array(structuredFilter).min(1) }),
    z.strictObject({ not: structuredFilter }),
  ]),
);

const TRANSFORM_OPS = {
  select: z.array(nonEmpty).min(1),
  rename: z.record(z.string(), nonEmpty),
  cast: z.record(z.string(), z.enum(TRANSFORM_CAST_TYPES)),
  filter: z.union([nonEmpty, structuredFilter]),
  derive: z.record(z.string(), z.union([nonEmpty, z.number(), z.boolean(), z.null()])),
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

const columnList = z.union([nonEmpty, z.array(nonEmpty).min(1)]);
const rowBound = z.number().int().min(0);
const checkValue = z.union([z.string(), z.number(), z.boolean()]);

/** The fields each check type needs (the operator reports the same in more detail at run time). */
const CHECK_REQUIRES: Record<(typeof QUALITY_CHECK_TYPES)[number], (c: Record<string, unknown>) => Array<[string, string]>> = {
  rowCount: (c) => (typeof c.min === 'number' && typeof c.max === 'number' && c.min > c.max ? [['max', 'must be >= min']] : []),
  notNull: (c) => (c.column === undefined && c.columns === undefined ? [['column', 'is required (or columns)']] : []),
  unique: (c) => (c.column === undefined && c.columns === undefined ? [['column', 'is required (or columns)']] : []),
  acceptedValues: (c) => [
    ...(typeof c.column === 'string' ? [] : [['column', 'is required'] as [string, string]]),
    ...(c.values === undefined ? [['values', 'is required'] as [string, string]] : []),
  ],
  customSql: (c) => (c.sql === undefined ? [['sql', 'is required']] : []),
};

/**
 * One assertion: rowCount {min?, max?} | notNull {column(s)} | unique {column(s)} |
 * acceptedValues {column, values} | customSql {sql} (returns the offending rows), each with
 * severity fail|warn, an optional name and an optional table overriding `with.table`.
 */
const qualityCheck = z
  .strictObject({
    type: z.enum(QUALITY_CHECK_TYPES),
    severity: z.enum(['fail', 'warn']).default('fail'),
    name: nonEmpty.optional(),
    table: nonEmpty.optional(),
    column: nonEmpty.optional(),
    columns: columnList.optional(),
    min: rowBound.optional(),
    max: rowBound.optional(),
    values: z.array(checkValue).min(1).optional(),
    sql: nonEmpty.optional(),
  })
  .superRefine((check, ctx) => {
    for (const [key, message] of CHECK_REQUIRES[check.type](check)) ctx.addIssue({ code: 'custom', path: [key], message });
  });

const NOTIFY_ON = ['success', 'failure', 'always'] as const;

// A templated value is only known at render time; the operator checks it then.
const runStatus = nonEmpty.refine((v) => v.includes('{{') || v === 'success' || v === 'failure', 'must be "success" or "failure" (or a template)');

const s3Source = z.union([
  nonEmpty.refine((v) => v.includes('{{') || /^s3:\/\/[^/]+/.test(v), 'must be an s3://bucket/key URL (or a template)'),
  z
    .strictObject({ bucket: nonEmpty, key: nonEmpty.optional(), prefix: z.string().optional(), pattern: nonEmpty.optional() })
    .refine((v) => (v.key === undefined) !== (v.prefix === undefined), 'needs exactly one of key and prefix'),
]);

const fileFormat = z.strictObject({
  type: z.enum(['csv', 'json', 'parquet']).optional(),
  skipHeader: z.number().int().min(0).optional(),
  fieldDelimiter: nonEmpty.optional(),
  fieldOptionallyEnclosedBy: nonEmpty.optional(),
  escape: nonEmpty.optional(),
  nullIf: z.array(z.string()).optional(),
  emptyFieldAsNull: z.boolean().optional(),
  errorOnColumnCountMismatch: z.boolean().optional(),
  trimSpace: z.boolean().optional(),
  stripOuterArray: z.boolean().optional(),
  compression: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/, 'must be a word such as AUTO, GZIP or NONE')
    .optional(),
});

const ON_ERROR = /^(abort_statement|continue|skip_file(_\d+%?)?)$/i;

/** What core knows of a task type: its `with` schema and the connection type its `connection` names. */
interface TaskTypeDefinition {
  readonly with: z.ZodType;
  readonly connection?: ConnectionType;
}

/**
 * The task types and everything pure about them. A new type starts here; packages/operators'
 * registry then fails to compile until it has an operator, and the completeness test fails until
 * docs/operators.md describes it.
 */
export const TASK_TYPE_DEFINITIONS = {
  noop: {
    with: z.strictObject({
      durationMs: z.number().int().min(0).max(86_400_000).optional(),
    }),
  },
  'http.request': {
    connection: 'http',
    with: z.strictObject({
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
  },
  's3.keySensor': {
    connection: 's3',
    with: z.strictObject({
      connection,
      bucket: nonEmpty,
      key: z.union([nonEmpty, z.array(nonEmpty).min(1)]),
      wildcard: z.boolean().default(false),
      ...SENSOR_WITH_FIELDS,
    }),
  },
  's3.extract': {
    connection: 's3',
    with: z
      .strictObject({
        connection,
        format: z.enum(['csv', 'jsonl']),
        requiredColumns: z.array(nonEmpty).optional(),
        bucket: nonEmpty.optional(),
        key: nonEmpty.optional(),
        delimiter: nonEmpty.optional(),
      })
      .superRefine((w, ctx) => {
        if (w.bucket !== undefined && w.key === undefined) ctx.addIssue({ code: 'custom', path: ['key'], message: 'is required with bucket' });
      }),
  },
  'transform.records': {
    connection: 's3',
    with: z.strictObject({
      connection,
      steps: z.array(transformStep).min(1),
      input: z.strictObject({ bucket: nonEmpty.optional(), key: nonEmpty }).optional(),
      output: z.strictObject({ bucket: nonEmpty.optional(), key: nonEmpty.optional() }).optional(),
      format: z.enum(['csv', 'jsonl']).optional(),
      delimiter: nonEmpty.optional(),
    }),
  },
  'snowflake.load': {
    connection: 'snowflake',
    with: z.strictObject({
      connection,
      table: nonEmpty,
      s3Connection: connection,
      source: s3Source.optional(),
      fileFormat: fileFormat.optional(),
      // columns: a list keeps the file's column order; an object (stored as JSONB, whose key order is
      // not kept) only gives types to the upstream task's columns, matched by name.
      createTable: z
        .union([
          z.boolean(),
          z.strictObject({
            columns: z.union([z.record(z.string(), nonEmpty), z.array(z.strictObject({ name: nonEmpty, type: nonEmpty })).min(1)]).optional(),
          }),
        ])
        .optional(),
      onError: z.string().regex(ON_ERROR, 'must be abort_statement, continue, skip_file, skip_file_<n> or skip_file_<n>%').optional(),
      matchByColumnName: z.enum(['case_sensitive', 'case_insensitive', 'none']).optional(),
    }),
  },
  'snowflake.sql': {
    connection: 'snowflake',
    with: z.strictObject({
      connection,
      sql: z.union([nonEmpty, z.array(nonEmpty).min(1)]),
      binds: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
    }),
  },
  'quality.check': {
    connection: 'snowflake',
    with: z.strictObject({
      connection,
      table: nonEmpty.optional(),
      checks: z.array(qualityCheck).min(1),
    }),
  },
  // No own connection type: channels (smtp or http) default to the task-level connection; status
  // overrides the one derived from upstream XComs.
  notify: {
    with: z.strictObject({
      channels: z.array(nonEmpty).min(1).optional(),
      message: z.string().optional(),
      subject: z.string().optional(),
      on: z.union([z.enum(NOTIFY_ON), z.array(z.enum(NOTIFY_ON)).min(1)]).optional(),
      status: runStatus.optional(),
      propagateFailure: z.boolean().optional(),
    }),
  },
} as const satisfies Record<string, TaskTypeDefinition>;

export type TaskType = keyof typeof TASK_TYPE_DEFINITIONS;
export const TASK_TYPES = Object.keys(TASK_TYPE_DEFINITIONS) as TaskType[];

/** The `with` schema of each task type. */
export const OPERATOR_WITH_SCHEMAS = Object.fromEntries(TASK_TYPES.map((t) => [t, TASK_TYPE_DEFINITIONS[t].with])) as {
  readonly [T in TaskType]: (typeof TASK_TYPE_DEFINITIONS)[T]['with'];
};

/** The connection type each task type needs (a task's connection must be of this type). */
export const OPERATOR_CONNECTION_TYPES: Readonly<Record<string, ConnectionType>> = Object.fromEntries(
  TASK_TYPES.flatMap((t) => {
    const def: TaskTypeDefinition = TASK_TYPE_DEFINITIONS[t];
    return def.connection ? [[t, def.connection]] : [];
  }),
);

export function isTaskType(type: unknown): type is TaskType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(TASK_TYPE_DEFINITIONS, type);
}

/** The sensor task types: those whose `with` takes the shared sensor fields (pokeIntervalSeconds, …). */
export const SENSOR_TASK_TYPES: ReadonlySet<string> = new Set(
  TASK_TYPES.filter((t) => {
    const shape = (TASK_TYPE_DEFINITIONS[t].with as { shape?: Record<string, unknown> }).shape;
    return shape !== undefined && 'pokeIntervalSeconds' in shape;
  }),
);
