export { createEngine, type Engine } from './engine.js';
export type { EngineDeps, Tx, DbClient } from './deps.js';
export { DagService, type UpsertDagResult, type ListDagsFilter } from './dag-service.js';
export { RunService, isUuid, type ListRunsFilter } from './run-service.js';
export { RunLifecycle, type NewRun } from './run-lifecycle.js';
export { TaskExecution, XCOM_MAX_BYTES, type StartedTry, type TryOutcome } from './task-execution.js';
export { Scheduler, type SchedulerOptions, type TickStats } from './scheduler.js';
export { TryLogger, type LogLevel } from './try-logger.js';
export { runSnapshot, taskSnapshot, runEvent, taskEvent } from './snapshots.js';
