import { scryptSync } from 'node:crypto';
import { HashThreads, SOURCE } from './hash-threads.js';

const PARAMS = { N: 2 ** 10, r: 8, p: 1, maxmem: 32 * 1024 * 1024 };
const salt = Buffer.from('0123456789abcdef');

describe('HashThreads', () => {
  it("computes Node's scrypt, at most `size` at once, the rest in arrival order", async () => {
    const threads = new HashThreads(2);
    try {
      const hashes = ['a', 'b', 'c', 'd', 'e'].map((pw) => threads.scrypt(pw, salt, 32, PARAMS));
      expect([threads.activeCount, threads.pendingCount]).toEqual([2, 3]);
      expect(await Promise.all(hashes)).toEqual(['a', 'b', 'c', 'd', 'e'].map((pw) => scryptSync(pw, salt, 32, PARAMS)));
      expect([threads.activeCount, threads.pendingCount]).toEqual([0, 0]);
    } finally {
      await threads.close();
    }
  });

  it('reports an error of scrypt as a failed hash, and goes on', async () => {
    const threads = new HashThreads(1);
    try {
      await expect(threads.scrypt('a', salt, 32, { ...PARAMS, N: 3 })).rejects.toThrow(/N|cost|Invalid/i);
      await expect(threads.scrypt('a', salt, 32, PARAMS)).resolves.toEqual(scryptSync('a', salt, 32, PARAMS));
    } finally {
      await threads.close();
    }
  });

  it('replaces a thread that died: the hash it held fails, the next ones are computed on a new thread', async () => {
    // The real script, except that the password "die" ends its thread.
    const dying = SOURCE.replace("parentPort.on('message', ({ password, salt, keylen, params }) => {", "$&\n  if (password === 'die') process.exit(3);");
    expect(dying).not.toBe(SOURCE);
    const threads = new HashThreads(1, dying);
    try {
      await threads.scrypt('a', salt, 32, PARAMS);
      const [first] = threads.threadIds;
      const died = threads.scrypt('die', salt, 32, PARAMS);
      const next = threads.scrypt('b', salt, 32, PARAMS);
      await expect(died).rejects.toThrow(/password hashing thread exited \(3\)/);
      await expect(next).resolves.toEqual(scryptSync('b', salt, 32, PARAMS));
      expect(threads.threadIds).toHaveLength(1);
      expect(threads.threadIds).not.toContain(first);
    } finally {
      await threads.close();
    }
  });

  it('close() fails the hashes in progress and waiting; a later hash starts a thread again', async () => {
    const threads = new HashThreads(1);
    const held = threads.scrypt('a', salt, 32, PARAMS);
    const waiting = threads.scrypt('b', salt, 32, PARAMS);
    await threads.close();
    await expect(held).rejects.toThrow(/stopped/);
    await expect(waiting).rejects.toThrow(/stopped/);
    try {
      await expect(threads.scrypt('c', salt, 32, PARAMS)).resolves.toEqual(scryptSync('c', salt, 32, PARAMS));
    } finally {
      await threads.close();
    }
  });

  it('needs at least one thread', () => {
    expect(() => new HashThreads(0)).toThrow(/at least one/);
  });
});
