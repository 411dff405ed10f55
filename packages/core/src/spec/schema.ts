import { z } from 'zod';
import { TRIGGER_RULES } from '../state/trigger-rules.js';

export const ID_PATTERN = /^[a-zA-Z0-9_.-]{1,200}$/;
const id = (what: string) => z.string().regex(ID_PATTERN, `${what} must match [a-zA-Z0-9_.-]{1,200}`);

export const paramSpecSchema = z.strictObject({
  type: z.enum(['string', 'number', 'integer', 'boolean', 'object', 'array']),
  default: z.unknown().optional(),
  enum: z.array(z.unknown()).min(1).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  required: z.boolean().optional(),
  description: z.string().optional(),
});

const taskArgs = {
  retries: z.number().int().min(0).max(100),
  retryDelaySeconds: z.number().min(0).max(86_400),
  retryExponentialBackoff: z.boolean(),
  maxRetryDelaySeconds: z.number().min(0).max(86_400),
  executionTimeoutSeconds: z.number().positive().max(7 * 86_400).nullable(),
  pool: z.string().min(1).max(200),
  priorityWeight: z.number().int().min(-1_000_000).max(1_000_000),
  triggerRule: z.enum(TRIGGER_RULES, { message: `must be one of ${TRIGGER_RULES.join(', ')}` }),
};

export const defaultArgsSchema = z.strictObject(taskArgs).partial();

export const rawTaskSchema = z.strictObject({
  taskId: id('taskId'),
  type: z.string().min(1),
  description: z.string().optional(),
  dependsOn: z.array(z.string()).default([]),
  connection: z.string().min(1).optional(),
  with: z.record(z.string(), z.unknown()).default({}),
  ...z.strictObject(taskArgs).partial().shape,
});

export const triggerSchema = z.strictObject({
  type: z.literal('s3.objectCreated'),
  connection: z.string().min(1),
  bucket: z.string().min(1),
  key: z.string().min(1),
});

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
  params: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'param names are identifiers'), paramSpecSchema).default({}),
  defaultArgs: defaultArgsSchema.default({}),
  triggers: z.array(triggerSchema).default([]),
  tasks: z.array(z.unknown()).min(1, 'a DAG needs at least one task'),
});

export type ParamSpec = z.infer<typeof paramSpecSchema>;
export type DagTrigger = z.infer<typeof triggerSchema>;
export type TriggerRuleName = (typeof TRIGGER_RULES)[number];

/** A task with every default resolved (task value → defaultArgs → Tower default). */
export interface TaskSpec {
  taskId: string;
  type: string;
  description?: string;
  dependsOn: string[];
  triggerRule: TriggerRuleName;
  retries: number;
  retryDelaySeconds: number;
  retryExponentialBackoff: boolean;
  maxRetryDelaySeconds: number;
  executionTimeoutSeconds: number | null;
  pool: string;
  priorityWeight: number;
  connection?: string;
  with: Record<string, unknown>;
}

/** The normalised DAG spec stored in a version. */
export interface DagSpec {
  dagId: string;
  description?: string;
  schedule: string | null;
  timezone: string;
  startDate: string | null;
  endDate: string | null;
  catchup: boolean;
  maxActiveRuns: number;
  maxActiveTasks: number;
  dagRunTimeoutSeconds: number | null;
  tags: string[];
  params: Record<string, ParamSpec>;
  defaultArgs: z.infer<typeof defaultArgsSchema>;
  triggers: DagTrigger[];
  tasks: TaskSpec[];
}

export const TASK_DEFAULTS = {
  triggerRule: 'all_success' as TriggerRuleName,
  retries: 0,
  retryDelaySeconds: 300,
  retryExponentialBackoff: false,
  maxRetryDelaySeconds: 86_400,
  executionTimeoutSeconds: null as number | null,
  pool: 'default',
  priorityWeight: 1,
};
