import { z } from 'zod';

/**
 * The job catalog: every job name with its payload schema, shared by producers and consumers.
 * A consumer must supply a handler for every job (JobHandlers is a mapped type), so adding a job
 * without a handler does not compile.
 */
export const JOB_CATALOG = {
  /** Run the next try of a task instance. The try number makes the job id unique per try. */
  runTask: {
    /**
     * One BullMQ queue per worker lane (laneOf in @tower/core decides): `interactive` keeps the
     * historical queue name, `bulk` takes tenants' deep backlogs and backfills.
     */
    lanes: { interactive: 'tasks', bulk: 'tasks-bulk' },
    schema: z.object({
      tenantId: z.string().uuid(),
      dagRunId: z.string().uuid(),
      taskInstanceId: z.string().uuid(),
      tryNumber: z.number().int().positive(),
      /** W3C trace context of the queueing (OpenTelemetry), when tracing is on. */
      traceparent: z.string().max(128).optional(),
    }),
  },
} as const;

export type TaskLane = keyof (typeof JOB_CATALOG)['runTask']['lanes'];
export const TASK_QUEUE_LANES = Object.keys(JOB_CATALOG.runTask.lanes) as TaskLane[];

export type JobName = keyof typeof JOB_CATALOG;
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_CATALOG)[N]['schema']>;
export type JobHandlers = { [N in JobName]: (payload: JobPayload<N>) => Promise<void> };

export function parseJob<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return JOB_CATALOG[name].schema.parse(data) as JobPayload<N>;
}

/** BullMQ job ids may not contain ':' (it separates Redis key parts). */
export function runTaskJobId(taskInstanceId: string, tryNumber: number): string {
  return `ti_${taskInstanceId}_${tryNumber}`;
}
