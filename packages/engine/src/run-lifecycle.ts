import type { DagRun, SqlTx } from '@tower/db';
import type { EngineDeps } from './deps.js';
import { RunCreation, type NewRun } from './run-creation.js';
import { RunEvaluation, type EvaluationRequest } from './run-evaluation.js';
import { RunStops } from './run-outcome.js';
import { RunStarts } from './run-start.js';
import type { SpecCache } from './spec-cache.js';

export type { NewRun } from './run-creation.js';
export type { EvaluationRequest } from './run-evaluation.js';

/**
 * The run lifecycle, one part per file, each depending only on the ones after it:
 * creation (run-creation.ts) → start within maxActiveRuns (run-start.ts) → evaluation: trigger
 * rules, queueing, outcome (run-evaluation.ts, task-queueing.ts, run-outcome.ts). This facade
 * joins them where one part's result calls for another: a run that finishes or stops frees its
 * place for the next queued run. Every state change is a compare-and-set built from core's state
 * machine (state-sql.ts); jobs are enqueued and events published only after commit, and the
 * scheduler's sweeps catch up anything a crash between the two left behind.
 */
export class RunLifecycle {
  private readonly creation: RunCreation;
  private readonly starts: RunStarts;
  private readonly evaluation: RunEvaluation;
  private readonly stops: RunStops;

  constructor(deps: EngineDeps, specs: SpecCache) {
    this.creation = new RunCreation(deps);
    this.evaluation = new RunEvaluation(deps, specs);
    this.starts = new RunStarts(deps, specs, this.evaluation);
    this.stops = new RunStops(deps);
  }

  /** RunCreation.insertRun: commits asynchronously; wait for `durable()` before telling anyone. */
  insertRun(input: NewRun): Promise<DagRun | null> {
    return this.creation.insertRun(input);
  }

  /** RunCreation.insertRunIn: in the caller's transaction. */
  insertRunIn(tx: SqlTx, input: NewRun): Promise<DagRun | null> {
    return this.creation.insertRunIn(tx, input);
  }

  /** RunCreation.insertRunsDurably: many runs, one synchronous commit. */
  insertRunsDurably(inputs: readonly NewRun[]): Promise<DagRun[]> {
    return this.creation.insertRunsDurably(inputs);
  }

  /** Whether a run `insertRun` created is on disk (false: a database crash lost it). */
  durable(runId: string): Promise<boolean> {
    return this.creation.durable(runId);
  }

  /** RunStarts.startQueuedRuns. */
  startQueuedRuns(tenantId: string, dagPk: string, opts: { knownQueued?: boolean } = {}): Promise<DagRun[]> {
    return this.starts.startQueuedRuns(tenantId, dagPk, opts);
  }

  /** Stops a run (RunStops.stopRun) and gives its place to the next queued run of its DAG. */
  async stopRun(tenantId: string, runId: string, state: 'canceled' | 'failed', reason: string): Promise<DagRun | null> {
    const stopped = await this.stops.stopRun(tenantId, runId, state, reason);
    if (stopped) await this.starts.startQueuedRuns(tenantId, stopped.dagPk);
    return stopped;
  }

  /**
   * Re-evaluates one running run: trigger rules, queueing within limits, and the run's outcome.
   * Called with the finished task ids when tasks finish (event-driven downstream readiness: only
   * their downstream tasks are looked at, so a wide run costs the same per task as a small one),
   * with `[]` when only queueing can change (a retry promoted, capacity freed), and with no ids
   * (the whole run) when a run starts, after clear/mark, and by the scheduler's stalled-run sweep.
   */
  async evaluateRun(tenantId: string, dagRunId: string, finishedTaskIds?: readonly string[]): Promise<void> {
    await this.evaluateRuns([{ tenantId, dagRunId, finishedTaskIds }]);
  }

  /** RunEvaluation.evaluate, then the next queued runs of the DAGs whose runs finished. */
  async evaluateRuns(requests: readonly EvaluationRequest[]): Promise<void> {
    for (const { tenantId, dagPk } of await this.evaluation.evaluate(requests)) await this.starts.startQueuedRuns(tenantId, dagPk);
  }
}
