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
