import type { DagRunSnapshot, TaskInstanceSnapshot } from '@tower/events';
import type { DagRunModel, TaskInstanceModel } from './dtos/dag-run.dto.js';

// Events carry JSON snapshots (ISO strings); subscriptions answer with the same types as queries.

const date = (s: string | null): Date | null => (s ? new Date(s) : null);

export function runFromSnapshot(s: DagRunSnapshot): DagRunModel {
  return {
    id: s.id,
    dagId: s.dagId,
    runId: s.runId,
    runType: s.runType as DagRunModel['runType'],
    state: s.state as DagRunModel['state'],
    logicalDate: new Date(s.logicalDate),
    dataIntervalStart: new Date(s.dataIntervalStart),
    dataIntervalEnd: new Date(s.dataIntervalEnd),
    params: s.params,
    queuedAt: new Date(s.queuedAt),
    startedAt: date(s.startedAt),
    endedAt: date(s.endedAt),
    dagVersion: s.dagVersion,
  };
}

export function taskFromSnapshot(s: TaskInstanceSnapshot): TaskInstanceModel {
  return {
    id: s.id,
    dagRunId: s.dagRunId,
    dagId: s.dagId,
    taskId: s.taskId,
    operator: s.operator,
    state: s.state as TaskInstanceModel['state'],
    tryNumber: s.tryNumber,
    maxTries: s.maxTries,
    queuedAt: date(s.queuedAt),
    startedAt: date(s.startedAt),
    endedAt: date(s.endedAt),
    nextAttemptAt: date(s.nextAttemptAt),
  };
}
