import { GroupCommit, sqlOf } from '@tower/db';
import type { StoredTaskLogLine, TaskLogLine, TowerEvent } from '@tower/events';
import { publishCommitted, type EngineDeps } from './deps.js';

/**
 * The log lines of every try of a process go through one group commit: one INSERT and one
 * publish for all the tries that flushed meanwhile.
 */
const sinks = new WeakMap<EngineDeps, GroupCommit<TaskLogLine[], undefined>>();

function sinkFor(deps: EngineDeps): GroupCommit<TaskLogLine[], undefined> {
  let sink = sinks.get(deps);
  if (!sink) {
    sink = new GroupCommit<TaskLogLine[], undefined>(async (batches) => {
      const lines = batches.flat();
      const stored = await sqlOf(deps.prisma).query<{
        id: string;
        tenantId: string;
        taskInstanceId: string;
        tryNumber: number;
        ts: Date;
        level: string;
        message: string;
      }>(
        `INSERT INTO "TaskLog" ("tenantId", "taskInstanceId", "tryNumber", ts, level, message)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[], $5::text[], $6::text[])
         RETURNING id::text AS id, "tenantId", "taskInstanceId", "tryNumber", ts, level, message`,
        [
          lines.map((l) => l.tenantId),
          lines.map((l) => l.taskInstanceId),
          lines.map((l) => l.tryNumber),
          lines.map((l) => l.ts),
          lines.map((l) => l.level),
          lines.map((l) => l.message),
        ],
      );
      // Stored: the live tail (taskLogAppended) is best-effort — a failed publish must not write the
      // lines twice. One event per try, its lines in id order (the order they were written).
      const byTry = new Map<string, StoredTaskLogLine[]>();
      for (const row of stored) {
        const key = `${row.taskInstanceId}|${row.tryNumber}`;
        const line: StoredTaskLogLine = { ...row, ts: new Date(row.ts).toISOString() };
        const mine = byTry.get(key);
        if (mine) mine.push(line);
        else byTry.set(key, [line]);
      }
      const byId = (a: StoredTaskLogLine, b: StoredTaskLogLine) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);
      await publishCommitted(
        deps,
        [...byTry.values()].map((tryLines): TowerEvent => {
          tryLines.sort(byId);
          const first = tryLines[0];
          return { kind: 'taskLog', tenantId: first.tenantId, taskInstanceId: first.taskInstanceId, tryNumber: first.tryNumber, lines: tryLines };
        }),
        'log line',
      );
      return batches.map(() => undefined);
    });
    sinks.set(deps, sink);
  }
  return sink;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Attempts at writing a batch of log lines: 250 ms, 0.5, 1, 2, 4, 5, 5 s apart (about 18 s). */
const LOG_WRITE_ATTEMPTS = 8;

/**
 * Buffers one try's log lines and writes them to Postgres in small batches (and streams them as
 * events), so logs survive the worker and live tails see them within a fraction of a second.
 */
export class TryLogger {
  private buffer: TaskLogLine[] = [];
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: EngineDeps,
    private readonly tenantId: string,
    private readonly taskInstanceId: string,
    private readonly tryNumber: number,
    private readonly flushEveryMs = 200,
  ) {}

  log(level: LogLevel, message: string): void {
    this.buffer.push({
      tenantId: this.tenantId,
      taskInstanceId: this.taskInstanceId,
      tryNumber: this.tryNumber,
      ts: this.deps.clock().toISOString(),
      level,
      message: message.length > 16_384 ? `${message.slice(0, 16_384)}… [truncated]` : message,
    });
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.flushEveryMs);
  }

  /** Writes what is buffered; flushes are chained so lines keep their order. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const lines = this.buffer;
    this.buffer = [];
    if (lines.length === 0) return this.pending;
    this.pending = this.pending.then(() => this.write(lines));
    return this.pending;
  }

  /**
   * A write that fails (Postgres restarting) is retried with backoff for about 18 s before the
   * lines are given up: the try's end is recorded after its last flush, so a try recorded as ended
   * has its lines unless the database stayed away that long. A write whose commit succeeded but
   * whose answer was lost is written again: lines are at least once.
   */
  private async write(lines: TaskLogLine[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await sinkFor(this.deps).submit(lines);
        return;
      } catch (err) {
        if (attempt >= LOG_WRITE_ATTEMPTS) {
          this.deps.logger.error({ err, taskInstanceId: this.taskInstanceId, lines: lines.length }, 'failed to write task log lines; given up');
          return;
        }
        this.deps.logger.warn({ err, taskInstanceId: this.taskInstanceId, attempt }, 'writing task log lines failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** (attempt - 1), 5_000)));
      }
    }
  }
}
