import { sqlOf } from '@tower/db';
import { BackfillService } from './backfill-service.js';
import { ConnectionService } from './connection-service.js';
import { DagService } from './dag-service.js';
import { FileTriggers } from './file-triggers.js';
import { PoolService } from './pool-service.js';
import type { EngineDeps } from './deps.js';
import { RunLifecycle } from './run-lifecycle.js';
import { RunOperations } from './run-operations.js';
import { RunBatchReads } from './run-batch-reads.js';
import { RunService } from './run-service.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';
import { SpecCache } from './spec-cache.js';
import { TaskExecution } from './task-execution.js';

export interface Engine {
  deps: EngineDeps;
  dags: DagService;
  runs: RunService;
  /** Children of many parents in one statement (the API's DataLoaders). */
  batchReads: RunBatchReads;
  lifecycle: RunLifecycle;
  operations: RunOperations;
  backfills: BackfillService;
  execution: TaskExecution;
  scheduler: Scheduler;
  connections: ConnectionService;
  fileTriggers: FileTriggers;
  pools: PoolService;
}

/** Wires the engine's services around one shared set of resources. */
export function createEngine(deps: EngineDeps, schedulerOptions: Partial<SchedulerOptions> = {}): Engine {
  const sql = sqlOf(deps.prisma);
  const specs = new SpecCache(sql);
  const lifecycle = new RunLifecycle(deps, specs);
  const pools = new PoolService(deps);
  const dags = new DagService(deps, lifecycle, pools);
  const runs = new RunService(deps, dags, lifecycle);
  const execution = new TaskExecution(deps, specs, lifecycle);
  const scheduler = new Scheduler(deps, specs, lifecycle, schedulerOptions);
  const operations = new RunOperations(deps, specs, lifecycle, runs);
  const backfills = new BackfillService(deps, dags, lifecycle, operations);
  const connections = new ConnectionService(deps);
  const fileTriggers = new FileTriggers(deps, connections, lifecycle);
  return { deps, dags, runs, batchReads: new RunBatchReads(sql), lifecycle, execution, scheduler, operations, backfills, connections, fileTriggers, pools };
}
