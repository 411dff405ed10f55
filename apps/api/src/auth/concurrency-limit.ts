/**
 * At most `limit` of the functions passed run at once; the others wait, first come first served.
 * Written here rather than taken from p-limit: the API's CPU-heavy password hashing is its one
 * user, and these dozen lines are the whole of what it needs (p-limit is not among the API's
 * dependencies, and this workspace installs offline).
 */
/** A limited runner, with what it holds now (as p-limit's activeCount and pendingCount). */
export interface ConcurrencyLimit {
  <T>(work: () => Promise<T>): Promise<T>;
  readonly activeCount: number;
  readonly pendingCount: number;
}

export function concurrencyLimit(limit: number): ConcurrencyLimit {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await work();
    } finally {
      // The slot passes to the next in line (running unchanged), or is freed.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
  return Object.defineProperties(run, {
    activeCount: { get: () => running },
    pendingCount: { get: () => waiting.length },
  }) as ConcurrencyLimit;
}
