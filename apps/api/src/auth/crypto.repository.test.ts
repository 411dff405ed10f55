import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import type { TowerConfig } from '@tower/config';
import { CryptoRepository } from './crypto.repository.js';
import { HASH_THREAD_NICE } from './hash-threads.js';

/** The process's nice value before any hashing thread exists (a thread that reniced the whole process would change it). */
const PROCESS_NICE = getPriority();
const onLinux = process.platform === 'linux' ? it : it.skip;

describe('CryptoRepository', () => {
  const crypto = new CryptoRepository();
  afterAll(() => crypto.onApplicationShutdown());

  it('hashes passwords with a fresh salt and verifies them', async () => {
    const a = await crypto.hashPassword('correct-horse');
    const b = await crypto.hashPassword('correct-horse');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    await expect(crypto.verifyPassword('correct-horse', a)).resolves.toBe(true);
    await expect(crypto.verifyPassword('correct-horsf', a)).resolves.toBe(false);
  });

  it('computes at most PASSWORD_HASH_CONCURRENCY hashes at once; the others wait their turn', async () => {
    const one = new CryptoRepository({ PASSWORD_HASH_CONCURRENCY: 1 } as TowerConfig);
    try {
      const stored = await one.hashPassword('correct-horse'); // also waits for its start-up hash
      const checks = [one.verifyPassword('correct-horse', stored), one.hashPassword('x'), one.verifyPassword('wrong', stored)];
      expect([one.hashing.activeCount, one.hashing.pendingCount]).toEqual([1, 2]);
      expect(await Promise.all(checks)).toEqual([true, expect.stringMatching(/^scrypt\$/), false]);
      expect([one.hashing.activeCount, one.hashing.pendingCount]).toEqual([0, 0]);
    } finally {
      await one.onApplicationShutdown();
    }
  });

  onLinux('hashes on threads of lower priority than the one serving requests (their nice value)', async () => {
    await crypto.hashPassword('correct-horse');
    expect(crypto.hashing.threadIds.length).toBeGreaterThan(0);
    for (const tid of crypto.hashing.threadIds) {
      // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value (after the comm field's ')').
      const nice = Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
      expect(nice).toBe(Math.min(19, PROCESS_NICE + HASH_THREAD_NICE));
    }
    expect(getPriority()).toBe(PROCESS_NICE); // the thread serving requests kept its own
  });

  it('never matches a malformed stored hash', async () => {
    for (const stored of ['', 'bcrypt$x', 'scrypt$0$8$1$AA$AA', 'scrypt$16384$8$1$AA$']) {
      await expect(crypto.verifyPassword('x', stored)).resolves.toBe(false);
    }
  });

  it('makes prefixed 256-bit tokens and stores only their SHA-256', () => {
    const token = crypto.newToken('tower_key');
    expect(token).toMatch(/^tower_key_[\w-]{43}$/);
    expect(crypto.newToken('tower_sess')).toMatch(/^tower_sess_/);
    expect(crypto.tokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(crypto.tokenHash(token)).not.toContain(token.slice(10));
  });
});
