import { GroupCommit } from './group-commit.js';
import { asSystem, currentDbScope, scopeKey, withTenantScope } from './row-security.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('coalesces calls made while a batch is in flight into the next batch, keeping each result', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gc = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items.map((i) => i * 10);
    });
    const first = gc.submit(1);
    await tick();
    // The first batch is in flight: these three wait and go together.
    const rest = [gc.submit(2), gc.submit(3), gc.submit(4)];
    await tick();
    expect(batches).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('puts calls of the same turn of the event loop in one batch, up to maxBatch', async () => {
    const sizes: number[] = [];
    const gc = new GroupCommit<number, number>(async (items) => {
      sizes.push(items.length);
      return items;
    }, 4);
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => gc.submit(i)));
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('retries a failed batch item by item, so only the bad item fails', async () => {
    const calls: number[][] = [];
    const gc = new GroupCommit<number, string>(async (items) => {
      calls.push(items);
      if (items.includes(13)) throw new Error('unlucky');
      return items.map(String);
    });
    const results = await Promise.allSettled([gc.submit(12), gc.submit(13), gc.submit(14)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('unlucky'));
    expect(calls).toEqual([[12, 13, 14], [12], [13], [14]]);
  });

  it('keeps serving after a failed batch', async () => {
    let fail = true;
    const gc = new GroupCommit<number, number>(async (items) => {
      if (fail) throw new Error('down');
      return items;
    });
    await expect(gc.submit(1)).rejects.toThrow('down');
    fail = false;
    expect(await gc.submit(2)).toBe(2);
  });

  it('idle() resolves once every pending and in-flight batch is done', async () => {
    const done: number[] = [];
    const gc = new GroupCommit<number, undefined>(async (items) => {
      await new Promise((r) => setTimeout(r, 20));
      done.push(...items);
      return items.map(() => undefined);
    });
    await gc.idle(); // nothing to wait for
    void gc.submit(1);
    void gc.submit(2);
    await gc.idle();
    expect(done).toEqual([1, 2]);
  });

  it('batches calls per database scope and flushes each batch in its own scope (row-level security)', async () => {
    const flushed: Array<{ scope: string; items: string[] }> = [];
    const gc = new GroupCommit<string, string>(async (items) => {
      flushed.push({ scope: scopeKey(), items });
      return items.map((i) => `${i}@${currentDbScope()?.tenantId ?? (currentDbScope()?.system ? 'system' : 'none')}`);
    });
    const A = '00000000-0000-4000-8000-00000000000a';
    const B = '00000000-0000-4000-8000-00000000000b';
    const out = await Promise.all([
      withTenantScope(A, () => gc.submit('a1')),
      withTenantScope(B, () => gc.submit('b1')),
      gc.submit('n1'),
      withTenantScope(A, () => gc.submit('a2')),
      asSystem(() => gc.submit('s1')),
      withTenantScope(B, () => gc.submit('b2')),
    ]);
    expect(out).toEqual([`a1@${A}`, `b1@${B}`, 'n1@none', `a2@${A}`, 's1@system', `b2@${B}`]);
    // One batch per scope, in the order of each scope's oldest call, calls in order within it.
    expect(flushed).toEqual([
      { scope: A, items: ['a1', 'a2'] },
      { scope: B, items: ['b1', 'b2'] },
      { scope: '', items: ['n1'] },
      { scope: '*system', items: ['s1'] },
    ]);
  });
});
