import type { DagRun, TaskInstance } from '@tower/db';
import type { DagRunSnapshot, TaskInstanceSnapshot, TowerEvent, TryStop } from '@tower/events';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export function runSnapshot(run: DagRun): DagRunSnapshot {
  return {
    id: run.id,
    tenantId: run.tenantId,
    dagId: run.dagId,
    runId: run.runId,
    runType: run.runType,
    state: run.state,
    logicalDate: run.logicalDate.toISOString(),
    dataIntervalStart: run.dataIntervalStart.toISOString(),
    dataIntervalEnd: run.dataIntervalEnd.toISOString(),
    params: run.params,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
    dagVersion: run.dagVersion,
  };
}

export function taskSnapshot(ti: TaskInstance): TaskInstanceSnapshot {
  return {
    id: ti.id,
    tenantId: ti.tenantId,
    dagRunId: ti.dagRunId,
    dagId: ti.dagId,
    taskId: ti.taskId,
    operator: ti.operator,
    state: ti.state,
    tryNumber: ti.tryNumber,
    maxTries: ti.maxTries,
    queuedAt: iso(ti.queuedAt),
    startedAt: iso(ti.startedAt),
    endedAt: iso(ti.endedAt),
    nextAttemptAt: iso(ti.nextAttemptAt),
  };
}

export function runEvent(run: DagRun): TowerEvent {
  return { kind: 'dagRun', tenantId: run.tenantId, dagId: run.dagId, dagRunId: run.id, run: runSnapshot(run) };
}

export function taskEvent(ti: TaskInstance): TowerEvent {
  return { kind: 'taskInstance', tenantId: ti.tenantId, dagId: ti.dagId, dagRunId: ti.dagRunId, taskInstance: taskSnapshot(ti) };
}

/** What a worker needs to stop the try an operation moved away from running. */
export function tryStops(tis: readonly TaskInstance[]): TryStop[] {
  return tis.map((ti) => ({ taskInstanceId: ti.id, tryNumber: ti.tryNumber, state: ti.state }));
}

const RUN_DATES = ['logicalDate', 'dataIntervalStart', 'dataIntervalEnd', 'queuedAt', 'startedAt', 'endedAt', 'timeoutAt', 'updatedAt'] as const;

/** A DagRun row read as JSON (`to_jsonb(r)`, `json_agg`): its dates come back as Date, as Prisma returns them. */
export function dagRunFromJson(json: Record<string, unknown>): DagRun {
  const run = { ...json } as Record<string, unknown>;
  for (const key of RUN_DATES) run[key] = run[key] == null ? null : new Date(run[key] as string);
  return run as unknown as DagRun;
}

const TASK_DATES = ['queuedAt', 'startedAt', 'endedAt', 'nextAttemptAt', 'heartbeatAt', 'sensorStartedAt', 'updatedAt'] as const;

/** A TaskInstance row read as JSON: its dates come back as Date, as Prisma returns them. */
export function taskInstanceFromJson(json: Record<string, unknown>): TaskInstance {
  const ti = { ...json } as Record<string, unknown>;
  for (const key of TASK_DATES) ti[key] = ti[key] == null ? null : new Date(ti[key] as string);
  return ti as unknown as TaskInstance;
}
