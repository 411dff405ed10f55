import { describe, expect, it } from '@jest/globals';
import { concurrencyLimit } from './concurrency-limit.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('concurrencyLimit', () => {
  it('runs at most `limit` at once, the rest in the order they came, and frees a slot on failure', async () => {
    const limited = concurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const release: (() => void)[] = [];
    const job = (i: number, fail = false) =>
      limited(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => release.push(r));
        running--;
        if (fail) throw new Error(`job ${i} failed`);
        return i;
      });
    const results = [job(0, true), job(1), job(2), job(3), job(4)].map((p) =>
      p.then(
        (v) => ({ v }),
        (e: Error) => ({ e: e.message }),
      ),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect([limited.activeCount, limited.pendingCount]).toEqual([2, 3]);
    while (release.length) {
      release.shift()!();
      await tick();
      await tick();
    }
    expect(await Promise.all(results)).toEqual([{ e: 'job 0 failed' }, { v: 1 }, { v: 2 }, { v: 3 }, { v: 4 }]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect([limited.activeCount, limited.pendingCount]).toEqual([0, 0]);
    // All slots free again: two start at once.
    const both = [limited(async () => 'a'), limited(async () => 'b')];
    expect(await Promise.all(both)).toEqual(['a', 'b']);
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => concurrencyLimit(bad)).toThrow(RangeError);
  });
});
