import type { TowerEvent, TaskLogLine } from '@tower/events';
import type { EngineDeps } from './deps.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

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

  private async write(lines: TaskLogLine[]): Promise<void> {
    try {
      await this.deps.prisma.taskLog.createMany({
        data: lines.map((l) => ({
          tenantId: l.tenantId,
          taskInstanceId: l.taskInstanceId,
          tryNumber: l.tryNumber,
          ts: new Date(l.ts),
          level: l.level,
          message: l.message,
        })),
      });
      const event: TowerEvent = {
        kind: 'taskLog',
        tenantId: this.tenantId,
        taskInstanceId: this.taskInstanceId,
        tryNumber: this.tryNumber,
        lines,
      };
      await this.deps.events.publish(event);
    } catch (err) {
      this.deps.logger.error({ err, taskInstanceId: this.taskInstanceId }, 'failed to write task log lines');
    }
  }
}
