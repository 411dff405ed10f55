/** Events a slow consumer may lag behind before the oldest are dropped (snapshots: newest wins). */
const MAX_BUFFER = 1_000;

/**
 * A push-to-pull bridge: the subscriber pushes, graphql-ws pulls. `return()` (client unsubscribed,
 * socket closed, server stopping) runs `onClose` exactly once, which removes the Redis handler.
 */
export class EventIterator<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | null = null;
  private done = false;
  private dropped = 0;
  /** Dropped since the last takeDropped(). */
  private gap = 0;

  constructor(
    private readonly onClose: () => void,
    private readonly onDrop: (dropped: number) => void = () => undefined,
  ) {}

  push(value: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value, done: false });
      return;
    }
    this.buffer.push(value);
    if (this.buffer.length > MAX_BUFFER) {
      this.buffer.shift();
      this.gap++;
      if (this.dropped++ % 100 === 0) this.onDrop(this.dropped);
    }
  }

  /** How many values were dropped since the last call (a reader that can fill the gap asks). */
  takeDropped(): number {
    const gap = this.gap;
    this.gap = 0;
    return gap;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length) return Promise.resolve({ value: this.buffer.shift()!, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.buffer.length = 0;
      this.onClose();
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  async throw(err?: unknown): Promise<IteratorResult<T>> {
    await this.return();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
