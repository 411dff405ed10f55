import { runInScopeKey, scopeKey } from './row-security.js';

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
 * Each call is flushed in the database scope it was made in (row-security.ts): calls of
 * different tenants (in the API, whose statements row-level security keeps to one tenant) go in
 * different batches, each run in its tenant's scope. The engine's processes have no scope: one
 * batch for all, as before.
 *
 * Written here rather than taken from a library: DataLoader batches per event-loop tick but has
 * no "one in flight, the rest wait" mode, which is what bounds the batch round trips.
 */
export class GroupCommit<I, O> {
  private pending: Array<{ item: I; scope: string; resolve: (o: O) => void; reject: (err: unknown) => void }> = [];
  private running = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 256,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, scope: scopeKey(), resolve, reject });
      if (!this.running) {
        this.running = true;
        // Calls made in this turn of the event loop join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      // The oldest call's scope, and every call of that scope (in order) up to maxBatch.
      const scope = this.pending[0].scope;
      const batch: typeof this.pending = [];
      const rest: typeof this.pending = [];
      for (const p of this.pending) (p.scope === scope && batch.length < this.maxBatch ? batch : rest).push(p);
      this.pending = rest;
      await runInScopeKey(scope, () => this.flushBatch(batch));
    }
    this.running = false;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private async flushBatch(batch: typeof this.pending): Promise<void> {
    try {
      const out = await this.flush(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(out[i]));
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
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

  /** Resolves once nothing is pending or in flight (a process finishing its work before it exits). */
  idle(): Promise<void> {
    if (!this.running && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
