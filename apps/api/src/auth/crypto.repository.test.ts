import { CryptoRepository } from './crypto.repository.js';

describe('CryptoRepository', () => {
  const crypto = new CryptoRepository();

  it('hashes passwords with a fresh salt and verifies them', async () => {
    const a = await crypto.hashPassword('correct-horse');
    const b = await crypto.hashPassword('correct-horse');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    await expect(crypto.verifyPassword('correct-horse', a)).resolves.toBe(true);
    await expect(crypto.verifyPassword('correct-horsf', a)).resolves.toBe(false);
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
