/**
 * Group commit: concurrent calls are coalesced into batches handled by one function call, so a
 * worker running many tries at once pays one database round trip per batch instead of one per
 * try. One batch is in flight at a time; calls that arrive meanwhile form the next batch. An idle
 * process therefore adds no delay (a lone call flushes on the next turn of the event loop), and a
 * busy one gets larger batches exactly when it needs them.
 *
 * A failed batch of several items is retried item by item, so one bad item (say, a value the
 * database refuses) fails only its own call. That is only right while nothing was committed: a
 * flush must not throw after its commit (the engine's claim and end flushes retry or log what
 * follows their statement instead).
 *
 * Written here rather than taken from a library: DataLoader batches per event-loop tick but has
 * no "one in flight, the rest wait" mode, which is what bounds the batch round trips.
 */
export class GroupCommit<I, O> {
  private pending: Array<{ item: I; resolve: (o: O) => void; reject: (err: unknown) => void }> = [];
  private running = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 256,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        // Calls made in this turn of the event loop join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const out = await this.flush(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(out[i]));
      } catch (err) {
        if (batch.length === 1) {
          batch[0].reject(err);
          continue;
        }
        for (const b of batch) {
          try {
            const [o] = await this.flush([b.item]);
            b.resolve(o);
          } catch (one) {
            b.reject(one);
          }
        }
      }
    }
    this.running = false;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Resolves once nothing is pending or in flight (a process finishing its work before it exits). */
  idle(): Promise<void> {
    if (!this.running && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
