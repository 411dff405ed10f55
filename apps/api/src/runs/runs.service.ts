import { Injectable } from '@nestjs/common';
import { TowerError } from '@tower/core';
import { isUuid } from '@tower/db';
import type { Engine } from '@tower/engine';
import type { StoredTaskLogLine, TowerEvent } from '@tower/events';
import type { Actor } from '../auth/actor.js';
import { decodeAnyCursor, keysetConnection, offsetPageArgs, pageSizeOf } from '../common/pagination.js';
import { InjectEngine } from '../common/tokens.js';
import { EventStreamService } from '../events/event-stream.service.js';
import { LogTail } from '../events/log-tail.js';
import type { DagRunConnection, DagRunModel } from './dtos/dag-run.dto.js';
import type { TaskLogLineModel } from './dtos/run-operations.dto.js';
import type { DagRunsArgs, TriggerDagRunArgs } from './dtos/runs.args.js';
import { runFromSnapshot, taskFromSnapshot } from './run-snapshots.js';

const RUNS_PAGE_SIZE = 25;
const MAX_OFFSET = 10_000_000;

/** A run's place in the list: its logical date and id. */
const runKey = (run: { logicalDate: Date; id: string }) => `${run.logicalDate.toISOString()}|${run.id}`;

function runKeyOf(key: string): { logicalDate: Date; id: string } {
  const i = key.lastIndexOf('|');
  const logicalDate = new Date(key.slice(0, i));
  const id = key.slice(i + 1);
  if (i < 0 || Number.isNaN(logicalDate.getTime()) || !isUuid(id))
    throw new TowerError('BAD_USER_INPUT', 'after is not a cursor of this list', { path: 'after' });
  return { logicalDate, id };
}

type DagRunEvent = Extract<TowerEvent, { kind: 'dagRun' }>;
type TaskInstanceEvent = Extract<TowerEvent, { kind: 'taskInstance' }>;
type TaskLogEvent = Extract<TowerEvent, { kind: 'taskLog' }>;

/** DAG runs of the caller's tenant, through @tower/engine; live updates through EventStreamService. */
@Injectable()
export class RunsService {
  constructor(
    @InjectEngine() private readonly engine: Engine,
    private readonly events: EventStreamService,
  ) {}

  trigger(actor: Actor, args: TriggerDagRunArgs): Promise<DagRunModel> {
    return this.engine.runs.trigger(actor.tenantId, args.dagId, args.params ?? {}, args.logicalDate ?? null) as Promise<DagRunModel>;
  }

  /**
   * Newest logical date first, in keyset pages (`after` = the last run seen): stable while runs are
   * added. `offset` opens any page at once (the web grid's jump to the oldest); its edges carry
   * keyset cursors too. An offset cursor an earlier release handed out is still honoured.
   */
  async list(actor: Actor, args: DagRunsArgs): Promise<DagRunConnection> {
    const limit = pageSizeOf(args.first, RUNS_PAGE_SIZE);
    let offset = 0;
    let after: { logicalDate: Date; id: string } | null = null;
    if (args.offset != null) {
      if (args.after) throw new TowerError('BAD_USER_INPUT', 'give offset or after, not both', { path: 'offset' });
      if (!Number.isInteger(args.offset) || args.offset < 0 || args.offset > MAX_OFFSET)
        throw new TowerError('BAD_USER_INPUT', `offset must be 0 to ${MAX_OFFSET}`, { path: 'offset' });
      offset = args.offset;
    } else if (args.after) {
      const cursor = decodeAnyCursor(args.after);
      if (cursor.kind === 'o') offset = offsetPageArgs(args).offset;
      else after = runKeyOf(cursor.value);
    }
    if (args.logicalDateFrom && args.logicalDateTo && args.logicalDateFrom >= args.logicalDateTo)
      throw new TowerError('BAD_USER_INPUT', 'logicalDateFrom must be before logicalDateTo', { path: 'logicalDateFrom' });
    const { items, totalCount } = await this.engine.runs.list(actor.tenantId, args.dagId, {
      state: args.state ?? undefined,
      runType: args.runType ?? undefined,
      logicalDateFrom: args.logicalDateFrom ?? undefined,
      logicalDateTo: args.logicalDateTo ?? undefined,
      offset,
      limit: limit + 1,
      after,
    });
    const page = { limit, afterKey: after ? args.after! : null };
    return keysetConnection(items as DagRunModel[], page, totalCount, runKey, offset > 0 || after !== null);
  }

  get(actor: Actor, id: string): Promise<DagRunModel> {
    return this.engine.runs.get(actor.tenantId, id) as Promise<DagRunModel>;
  }

  /** Runs of the tenant (of one DAG when dagId is given) as they change state. */
  runUpdates(actor: Actor, dagId: string | null | undefined) {
    return this.events.iterate(
      actor,
      (e): e is DagRunEvent => e.kind === 'dagRun' && (!dagId || e.dagId === dagId),
      (e) => ({ dagRunUpdated: runFromSnapshot(e.run) }),
    );
  }

  /** Task instances of one run as they change state; NOT_FOUND for a run of another tenant. */
  async taskUpdates(actor: Actor, runId: string) {
    await this.engine.runs.get(actor.tenantId, runId);
    return this.events.iterate(
      actor,
      (e): e is TaskInstanceEvent => e.kind === 'taskInstance' && e.dagRunId === runId,
      (e) => ({ taskInstanceUpdated: taskFromSnapshot(e.taskInstance) }),
    );
  }

  /**
   * A task instance's log lines as its tries write them (every try, or only `tryNumber`), in
   * batches; NOT_FOUND for a task instance of another tenant. Lines written before the
   * subscription started are read with `taskLog`; a line's id orders both. A reader too slow for
   * the live buffer gets what it missed from the database (LogTail): no line is skipped.
   */
  async logLines(actor: Actor, taskInstanceId: string, tryNumber: number | null | undefined) {
    const ti = await this.engine.runs.taskInstance(actor.tenantId, taskInstanceId);
    // Read before subscribing: a line after it is either delivered live or read on a refill.
    const startId = await this.engine.runs.lastTaskLogId(actor.tenantId, ti.id);
    const live = await this.events.iterate(
      actor,
      (e): e is TaskLogEvent => e.kind === 'taskLog' && e.taskInstanceId === ti.id && (tryNumber == null || e.tryNumber === tryNumber),
      (e) => e.lines,
    );
    return new LogTail<StoredTaskLogLine, { taskLogAppended: TaskLogLineModel[] }>(
      live,
      startId,
      async (afterId, limit) =>
        (await this.engine.runs.taskLogAfter(actor.tenantId, ti.id, afterId, tryNumber ?? null, limit)).map((l) => ({
          id: l.id.toString(),
          tenantId: l.tenantId,
          taskInstanceId: l.taskInstanceId,
          tryNumber: l.tryNumber,
          ts: l.ts.toISOString(),
          level: l.level,
          message: l.message,
        })),
      (lines) => ({ taskLogAppended: lines.map((l) => ({ id: l.id, tryNumber: l.tryNumber, ts: new Date(l.ts), level: l.level, message: l.message })) }),
    );
  }
}
