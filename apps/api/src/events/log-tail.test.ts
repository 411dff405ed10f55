import { EventIterator } from './event-iterator.js';
import { LogTail, REFILL_PAGE } from './log-tail.js';

type Line = { id: string; message: string };

/** Lines stored in id order, each also pushed live as a batch of its own (what TryLogger does). */
function setup() {
  const stored: Line[] = [];
  const live = new EventIterator<Line[]>(() => undefined);
  const reads: Array<{ afterId: bigint; limit: number }> = [];
  const tail = new LogTail<Line, string[]>(
    live,
    0n,
    async (afterId, limit) => {
      reads.push({ afterId, limit });
      return stored.filter((l) => BigInt(l.id) > afterId).slice(0, limit);
    },
    (lines) => lines.map((l) => l.message),
  );
  const write = (n: number) => {
    for (let i = 0; i < n; i++) {
      const line = { id: String(stored.length + 1), message: `m${stored.length + 1}` };
      stored.push(line);
      live.push([line]);
    }
  };
  const drain = async (count: number) => {
    const got: string[] = [];
    while (got.length < count) {
      const r = await tail.next();
      if (r.done) break;
      got.push(...r.value);
    }
    return got;
  };
  return { tail, write, drain, reads, stored };
}

describe('LogTail', () => {
  it('passes live batches through untouched and never reads the store while the reader keeps up', async () => {
    const { write, drain, reads } = setup();
    write(3);
    expect(await drain(3)).toEqual(['m1', 'm2', 'm3']);
    write(1);
    expect(await drain(1)).toEqual(['m4']);
    expect(reads).toEqual([]);
  });

  it('fills a gap of more than a page from the store, a page per pull, then skips the buffered lines it already delivered', async () => {
    const { write, drain, reads } = setup();
    write(2_500); // 1,500 dropped from the live buffer
    const got = await drain(2_500);
    expect(got).toEqual(Array.from({ length: 2_500 }, (_, i) => `m${i + 1}`));
    expect(reads[0]).toEqual({ afterId: 0n, limit: REFILL_PAGE });
    expect(reads[1]).toEqual({ afterId: BigInt(REFILL_PAGE), limit: REFILL_PAGE });
    // Everything came from the store (3 pages: 1,000 + 1,000 + 500 and an empty read); the
    // 1,000 buffered batches were then skipped as already delivered.
    expect(reads.length).toBeLessThanOrEqual(4);
    write(1);
    expect(await drain(1)).toEqual(['m2501']);
  });

  it('after a gap, lines written meanwhile arrive once', async () => {
    const { write, drain } = setup();
    write(1_100);
    expect((await drain(1_100)).length).toBe(1_100);
    write(5);
    expect(await drain(5)).toEqual(['m1101', 'm1102', 'm1103', 'm1104', 'm1105']);
  });

  it('return() ends the tail and its live iterator', async () => {
    const { tail, write } = setup();
    const pending = tail.next();
    await tail.return();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    write(1);
    await expect(tail.next()).resolves.toEqual({ value: undefined, done: true });
  });
});
