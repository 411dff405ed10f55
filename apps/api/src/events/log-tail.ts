import type { StoredTaskLogLine } from '@tower/events';
import type { EventIterator } from './event-iterator.js';

/** Lines read from the database per refill (a reader far behind catches up a page per pull). */
export const REFILL_PAGE = 1_000;

/** A line as stored, with its id: the ordering key shared by `taskLog` and the live tail. */
export type TailLine = Pick<StoredTaskLogLine, 'id'>;

/**
 * The live tail of a task instance's log, without holes: when a slow reader's buffer overflowed
 * (the oldest batches were dropped), the next pulls read from Postgres every line after the last
 * one delivered (`readAfter`, a page per pull) and deliver them; batches still buffered are then
 * delivered only with the lines the database reads did not already hold. A reader that keeps up
 * never reads the database.
 *
 * `startId`: the largest line id stored before the subscription started (lines up to it come
 * from `taskLog`), for a gap before anything was delivered.
 */
export class LogTail<L extends TailLine, T> implements AsyncIterableIterator<T> {
  /** Lines up to this id were delivered (after a refill: skip them); null before any refill. */
  private through: bigint | null = null;
  private lastDelivered: bigint;
  /** The last refill filled a whole page: read on before taking live batches again. */
  private refilling = false;

  constructor(
    private readonly live: EventIterator<L[]>,
    startId: bigint,
    private readonly readAfter: (afterId: bigint, limit: number) => Promise<L[]>,
    private readonly wrap: (lines: L[]) => T,
  ) {
    this.lastDelivered = startId;
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.refilling || this.live.takeDropped() > 0) {
        // Batches were dropped: everything after the last delivered line (the buffered batches'
        // lines included) comes from the database, a page at a time.
        const stored = await this.readAfter(this.lastDelivered, REFILL_PAGE);
        this.refilling = stored.length === REFILL_PAGE;
        if (stored.length) {
          this.deliver(stored);
          this.through = this.lastDelivered;
          return { value: this.wrap(stored), done: false };
        }
      }
      const r = await this.live.next();
      if (r.done) return { value: undefined, done: true };
      const through = this.through;
      const lines = through === null ? r.value : r.value.filter((l) => BigInt(l.id) > through);
      if (lines.length === 0) continue;
      this.deliver(lines);
      return { value: this.wrap(lines), done: false };
    }
  }

  private deliver(lines: readonly L[]): void {
    for (const l of lines) if (BigInt(l.id) > this.lastDelivered) this.lastDelivered = BigInt(l.id);
  }

  return(): Promise<IteratorResult<T>> {
    return this.live.return().then(() => ({ value: undefined, done: true as const }));
  }

  async throw(err?: unknown): Promise<IteratorResult<T>> {
    await this.live.return();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
