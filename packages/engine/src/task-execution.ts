import {
  isFinished,
  transition,
  type DagSpec,
  type TaskSpec,
  type TaskState,
} from '@tower/core';
import type { DagRun, TaskInstance } from '@tower/db';
import type { JobPayload } from '@tower/queue';
import type { EngineDeps } from './deps.js';
import { decideFailedTry } from './retry-decision.js';
import type { RunLifecycle } from './run-lifecycle.js';
import { taskEvent } from './snapshots.js';
import type { SpecCache } from './spec-cache.js';

export const XCOM_MAX_BYTES = 64 * 1024;

export interface StartedTry {
  ti: TaskInstance;
  run: DagRun;
  spec: DagSpec;
  task: TaskSpec;
  tryNumber: number;
  /** XCom values of the run's finished tasks: taskId → key → value. */
  xcom: Record<string, Record<string, unknown>>;
  /** States of the task's direct upstream instances. */
  upstreamStates: Record<string, TaskState>;
}

export type TryOutcome =
  | { kind: 'success'; xcom: Record<string, unknown> }
  | { kind: 'failure'; error: string; retryable: boolean; timedOut: boolean }
  /** A sensor in reschedule mode: the slot is given back and the same try is poked again at `at`. */
  | { kind: 'reschedule'; at: Date; sensorStartedAt: Date }
  /** The task ends `skipped` (a sensor's softFail timeout); not retried. */
  | { kind: 'skipped'; reason: string };

/**
 * The worker's side of a try: claim it (queued → running, compare-and-set on the try number, so a
 * duplicate job or a second worker can never run the same try), and record how it ended.
 */
export class TaskExecution {
  constructor(
    private readonly deps: EngineDeps,
    private readonly specs: SpecCache,
    private readonly lifecycle: RunLifecycle,
  ) {}

  async startTry(payload: JobPayload<'runTask'>, workerId: string): Promise<StartedTry | null> {
    const now = this.deps.clock();
    const claimed = await this.deps.prisma.$transaction(async (tx) => {
      const [ti] = await tx.taskInstance.updateManyAndReturn({
        where: {
          id: payload.taskInstanceId,
          tenantId: payload.tenantId,
          state: 'queued',
          tryNumber: payload.tryNumber - 1,
        },
        data: { state: 'running', tryNumber: payload.tryNumber, startedAt: now, endedAt: null, workerId, heartbeatAt: now },
      });
      if (!ti) return null;
      // A rescheduled sensor pokes again under the same try number: its try row is reopened.
      await tx.taskTry.upsert({
        where: { taskInstanceId_tryNumber: { taskInstanceId: ti.id, tryNumber: ti.tryNumber } },
        create: { tenantId: ti.tenantId, taskInstanceId: ti.id, tryNumber: ti.tryNumber, state: 'running', workerId, startedAt: now },
        update: { state: 'running', workerId, endedAt: null, error: null },
      });
      return ti;
    });
    if (!claimed) return null;
    await this.deps.events.publish(taskEvent(claimed));

    const run = await this.deps.prisma.dagRun.findFirstOrThrow({ where: { id: claimed.dagRunId, tenantId: claimed.tenantId } });
    const spec = await this.specs.get(this.deps.prisma, claimed.tenantId, run.dagVersionId);
    const task = spec.tasks.find((t) => t.taskId === claimed.taskId);
    if (!task) throw new Error(`task ${claimed.taskId} missing from version ${run.dagVersion} of ${run.dagId}`);
    const [rows, upstream] = await Promise.all([
      this.deps.prisma.xCom.findMany({ where: { tenantId: claimed.tenantId, dagRunId: run.id } }),
      task.dependsOn.length
        ? this.deps.prisma.taskInstance.findMany({ where: { tenantId: claimed.tenantId, dagRunId: run.id, taskId: { in: task.dependsOn } }, select: { taskId: true, state: true } })
        : Promise.resolve([]),
    ]);
    const xcom: Record<string, Record<string, unknown>> = {};
    for (const row of rows) (xcom[row.taskId] ??= {})[row.key] = row.value;
    const upstreamStates = Object.fromEntries(upstream.map((u) => [u.taskId, u.state as TaskState]));
    return { ti: claimed, run, spec, task, tryNumber: claimed.tryNumber, xcom, upstreamStates };
  }

  /** Records the end of a try. A try that was meanwhile moved on (marked, cleared, reaped) is left alone. */
  async finishTry(started: StartedTry, outcome: TryOutcome): Promise<TaskState | null> {
    const now = this.deps.clock();
    const { ti, task, run, tryNumber } = started;
    const next = this.nextState(started, outcome, now);
    const error = outcome.kind === 'failure' ? outcome.error : outcome.kind === 'skipped' ? outcome.reason : null;
    const rescheduled = outcome.kind === 'reschedule';
    // A reschedule hands the try number back (the next poke claims the same try) and keeps the
    // sensor's start so its timeout counts across reschedules; any other end resets both.
    const sensorFields = rescheduled
      ? { tryNumber: tryNumber - 1, rescheduleCount: { increment: 1 }, sensorStartedAt: outcome.sensorStartedAt, workerId: null }
      : { rescheduleCount: 0, sensorStartedAt: null };

    const moved = await this.deps.prisma.$transaction(async (tx) => {
      const [updated] = await tx.taskInstance.updateManyAndReturn({
        where: { id: ti.id, tenantId: ti.tenantId, state: 'running', tryNumber },
        data: {
          state: next.state,
          endedAt: now,
          nextAttemptAt: next.retryAt,
          heartbeatAt: null,
          ...sensorFields,
        },
      });
      if (!updated) {
        // Cleared while running: this try ends here and the instance starts over.
        const [restarted] = await tx.taskInstance.updateManyAndReturn({
          where: { id: ti.id, tenantId: ti.tenantId, state: 'restarting', tryNumber },
          data: { state: 'none', startedAt: null, endedAt: null, queuedAt: null, heartbeatAt: null, nextAttemptAt: null },
        });
        await tx.taskTry.updateMany({
          where: { taskInstanceId: ti.id, tryNumber, endedAt: null },
          data: { state: restarted ? 'restarting' : 'failed', endedAt: now, error: restarted ? 'cleared while running' : 'stopped: the task instance was moved on (marked, cleared or canceled)' },
        });
        return restarted ?? null;
      }
      await tx.taskTry.updateMany({
        where: { taskInstanceId: ti.id, tryNumber },
        data: { state: next.state === 'up_for_retry' ? 'failed' : next.state, endedAt: now, error },
      });
      if (outcome.kind === 'success') {
        for (const [key, value] of Object.entries(outcome.xcom)) {
          await tx.xCom.upsert({
            where: { taskInstanceId_key: { taskInstanceId: ti.id, key } },
            create: { tenantId: ti.tenantId, taskInstanceId: ti.id, dagRunId: run.id, taskId: task.taskId, tryNumber, key, value: value as object },
            update: { tryNumber, value: value as object },
          });
        }
      }
      return updated;
    });
    if (!moved) return null;
    await this.deps.events.publish(taskEvent(moved));
    // A finished task: only its downstream can change. Restarted (cleared while running): the whole run.
    if (isFinished(moved.state as TaskState)) await this.lifecycle.evaluateRun(moved.tenantId, moved.dagRunId, [moved.taskId]);
    else if (moved.state === 'none') await this.lifecycle.evaluateRun(moved.tenantId, moved.dagRunId);
    return moved.state as TaskState;
  }

  /**
   * Extends the lease of running tries (the scheduler reaps tries whose heartbeat stops) and
   * returns the ids of tries that are no longer running — cleared, marked or canceled — so the
   * worker stops them.
   */
  async heartbeat(tries: Array<{ taskInstanceId: string; tryNumber: number }>): Promise<string[]> {
    if (tries.length === 0) return [];
    const now = this.deps.clock();
    const alive = await this.deps.prisma.taskInstance.updateManyAndReturn({
      where: { OR: tries.map((t) => ({ id: t.taskInstanceId, tryNumber: t.tryNumber })), state: 'running' },
      data: { heartbeatAt: now },
      select: { id: true },
    });
    const ids = new Set(alive.map((a) => a.id));
    return tries.filter((t) => !ids.has(t.taskInstanceId)).map((t) => t.taskInstanceId);
  }

  private nextState(started: StartedTry, outcome: TryOutcome, now: Date): { state: TaskState; retryAt: Date | null } {
    if (outcome.kind === 'success') return { state: transition('running', { type: 'succeed' }).next, retryAt: null };
    if (outcome.kind === 'reschedule') return { state: transition('running', { type: 'reschedule', at: outcome.at }).next, retryAt: outcome.at };
    if (outcome.kind === 'skipped') return { state: transition('running', { type: 'skip' }).next, retryAt: null };
    const { task, run, tryNumber, ti } = started;
    return decideFailedTry({
      task,
      dagId: run.dagId,
      taskId: task.taskId,
      logicalDate: run.logicalDate,
      tryNumber,
      maxTries: ti.maxTries,
      timedOut: outcome.timedOut,
      retryable: outcome.retryable,
      now,
    });
  }
}
