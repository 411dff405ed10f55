export { createEngine, type Engine } from './engine.js';
export type { EngineDeps } from './deps.js';
export { DagService, type UpsertDagResult, type ListDagsFilter } from './dag-service.js';
export { RunService, type ListRunsFilter } from './run-service.js';
export { RunBatchReads, type TaskInstanceColumn } from './run-batch-reads.js';
export { RunLifecycle, type NewRun } from './run-lifecycle.js';
export { decideFailedTry, type FailedTry } from './retry-decision.js';
export { TaskExecution, XCOM_MAX_BYTES, type StartedTry, type TryOutcome } from './task-execution.js';
export { Scheduler, type SchedulerOptions, type TickStats } from './scheduler.js';
export { TryLogger, type LogLevel } from './try-logger.js';
export { runSnapshot, taskSnapshot, runEvent, taskEvent } from './snapshots.js';
export { RunOperations, type ClearOptions } from './run-operations.js';
export {
  BackfillService,
  BACKFILL_PRIORITY,
  MAX_BACKFILL_RUNS,
  DEFAULT_BACKFILL_MAX_ACTIVE_RUNS,
  type Reprocess,
  type BackfillResult,
  type BackfillState,
} from './backfill-service.js';
export {
  ConnectionService,
  type ConnectionView,
  type ResolvedConnectionRecord,
  type CreateConnectionInput,
  type UpdateConnectionInput,
  type RotationResult,
} from './connection-service.js';
export { FileTriggers, type ObjectLister, type ListedObject, type TriggerPollStats } from './file-triggers.js';
export { PoolService, type PoolView } from './pool-service.js';
export { DEFAULT_POOL_SLOTS } from './task-queueing.js';
export { Retention, DEFAULT_RETENTION_OPTIONS, type RetentionOptions, type RetentionStats } from './retention.js';
export { archivedLogKey, runArchivePrefix, encodeLogLines, decodeLogLines, type LogArchive, type ObjectStore } from './log-archive.js';
