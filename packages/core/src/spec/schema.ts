import { z } from 'zod';
import { MAX_RETRY_DELAY_SECONDS } from '../retry/retry-policy.js';
import { TRIGGER_RULES, type TriggerRule } from '../state/trigger-rules.js';

/** dagId, taskId: 1–200 letters, digits, `_`, `.` or `-` (docs/semantics.md, "DAG spec"). */
export const ID_PATTERN = /^[a-zA-Z0-9_.-]{1,200}$/;
/** Param names are identifiers so that `{{ params.NAME }}` can name them. */
export const PARAM_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const id = (what: string) => z.string().regex(ID_PATTERN, `${what} must match [a-zA-Z0-9_.-]{1,200}`);
const name = z.string().min(1).max(200);

export const PARAM_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

/** A JSON-schema-like run parameter; defaults and constraints are checked by validateParams. */
export const paramSpecSchema = z.strictObject({
  type: z.enum(PARAM_TYPES),
  default: z.unknown().optional(),
  enum: z.array(z.unknown()).min(1).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  required: z.boolean().optional(),
  description: z.string().max(2000).optional(),
});

const taskArgs = {
  retries: z.number().int().min(0).max(100),
  retryDelaySeconds: z.number().min(0).max(MAX_RETRY_DELAY_SECONDS),
  retryExponentialBackoff: z.boolean(),
  maxRetryDelaySeconds: z.number().min(0).max(MAX_RETRY_DELAY_SECONDS, `must be <= ${MAX_RETRY_DELAY_SECONDS} (a day)`),
  executionTimeoutSeconds: z
    .number()
    .positive()
    .max(7 * 86_400)
    .nullable(),
  pool: name,
  priorityWeight: z.number().int().min(-1_000_000).max(1_000_000),
  triggerRule: z.enum(TRIGGER_RULES, { message: `must be one of ${TRIGGER_RULES.join(', ')}` }),
};

export const defaultArgsSchema = z.strictObject(taskArgs).partial();

/** A task as written; `type` and `with` are checked against the operator schemas separately. */
export const rawTaskSchema = z.strictObject({
  taskId: id('taskId'),
  type: z.string().min(1),
  description: z.string().max(2000).optional(),
  dependsOn: z.array(z.string()).default([]),
  connection: name.optional(),
  with: z.unknown().optional(),
  ...defaultArgsSchema.shape,
});

export const s3ObjectCreatedTriggerSchema = z.strictObject({
  type: z.literal('s3.objectCreated'),
  connection: name,
  bucket: z.string().min(1),
  key: z.string().min(1),
});

export const TRIGGER_TYPES = ['s3.objectCreated'] as const;
export const triggerSchema = z.discriminatedUnion('type', [s3ObjectCreatedTriggerSchema]);

export const rawDagSchema = z.strictObject({
  dagId: id('dagId'),
  description: z.string().max(2000).optional(),
  schedule: z.string().min(1).nullable().default(null),
  timezone: z.string().min(1).default('UTC'),
  startDate: z.string().nullable().default(null),
  endDate: z.string().nullable().default(null),
  catchup: z.boolean().default(false),
  maxActiveRuns: z.number().int().min(1).max(1000).default(16),
  maxActiveTasks: z.number().int().min(1).max(10_000).default(16),
  dagRunTimeoutSeconds: z.number().positive().nullable().default(null),
  tags: z.array(z.string().min(1).max(100)).max(50).default([]),
  params: z.record(z.string().regex(PARAM_NAME_PATTERN, 'param names must be identifiers ([A-Za-z_][A-Za-z0-9_]*)'), paramSpecSchema).default({}),
  defaultArgs: defaultArgsSchema.default({}),
  triggers: z.array(triggerSchema).default([]),
  tasks: z.array(z.unknown()).min(1, 'a DAG needs at least one task'),
});

export type ParamSpec = z.infer<typeof paramSpecSchema>;
export type DagTrigger = z.infer<typeof triggerSchema>;
export type DefaultArgs = z.infer<typeof defaultArgsSchema>;
/** @deprecated use TriggerRule */
export type TriggerRuleName = TriggerRule;

/** A task with every default resolved (task value → defaultArgs → Tower default). */
export interface TaskSpec {
  taskId: string;
  type: string;
  description?: string;
  dependsOn: string[];
  triggerRule: TriggerRule;
  retries: number;
  retryDelaySeconds: number;
  retryExponentialBackoff: boolean;
  maxRetryDelaySeconds: number;
  executionTimeoutSeconds: number | null;
  pool: string;
  priorityWeight: number;
  connection?: string;
  /** Operator arguments, with the operator schema's defaults applied. */
  with: Record<string, unknown>;
}

/** The normalised DAG spec stored in a version (defaults applied). */
export interface DagSpec {
  dagId: string;
  description?: string;
  schedule: string | null;
  timezone: string;
  /** Wall-clock ISO date-time in `timezone`, as written in the spec. */
  startDate: string | null;
  endDate: string | null;
  catchup: boolean;
  maxActiveRuns: number;
  maxActiveTasks: number;
  dagRunTimeoutSeconds: number | null;
  tags: string[];
  params: Record<string, ParamSpec>;
  defaultArgs: DefaultArgs;
  triggers: DagTrigger[];
  tasks: TaskSpec[];
}

export const TASK_DEFAULTS: Readonly<Omit<TaskSpec, 'taskId' | 'type' | 'description' | 'dependsOn' | 'connection' | 'with'>> = {
  triggerRule: 'all_success',
  retries: 0,
  retryDelaySeconds: 300,
  retryExponentialBackoff: false,
  maxRetryDelaySeconds: MAX_RETRY_DELAY_SECONDS,
  executionTimeoutSeconds: null,
  pool: 'default',
  priorityWeight: 1,
};

export const DAG_DEFAULTS = {
  timezone: 'UTC',
  catchup: false,
  maxActiveRuns: 16,
  maxActiveTasks: 16,
} as const;
