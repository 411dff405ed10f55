import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isTowerError } from '@tower/core';
import { createTestDatabase, type PrismaClient } from '@tower/db';
import { EventPublisher } from '@tower/events';
import { createLogger } from '@tower/logger';
import { createRedis, TaskQueue } from '@tower/queue';
import { parseKeyring } from '@tower/secrets';
import { createEngine, type Engine } from './index.js';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const OLD = `old:${key(1)}`;
const NEW = `new:${key(2)}`;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isTowerError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a TowerError');
}

/** Connections against the real Postgres: encryption at rest, write-only secrets, tenancy, rotation. */
describe('ConnectionService (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let prisma: PrismaClient;
  const redis = createRedis('redis://127.0.0.1:6379');
  const prefix = `tower-test-conn-${process.pid}-${Date.now().toString(36)}`;
  let tenantA: string;
  let tenantB: string;
  const engineWith = (keys: string): Engine =>
    createEngine({
      prisma,
      queue: new TaskQueue(redis, prefix),
      events: new EventPublisher(redis, prefix),
      logger: createLogger('conn-test', { level: 'warn' }),
      clock: () => new Date(),
      keyring: parseKeyring(keys),
    });

  beforeAll(async () => {
    db = await createTestDatabase('connections');
    prisma = db.prisma;
    tenantA = (await prisma.tenant.create({ data: { slug: `conn-a-${Date.now()}`, name: 'A' } })).id;
    tenantB = (await prisma.tenant.create({ data: { slug: `conn-b-${Date.now()}`, name: 'B' } })).id;
  });

  afterAll(async () => {
    redis.disconnect();
    await db?.drop();
  });

  it('encrypts secrets at rest, returns only their names, and resolves them for the tenant', async () => {
    const engine = engineWith(OLD);
    const view = await engine.connections.create(tenantA, {
      connId: 'wh',
      type: 'snowflake',
      config: { account: 'acme', user: 'loader', database: 'ANALYTICS' },
      secrets: { password: 'pw-hunter2-secret' },
    });
    expect(view).toMatchObject({ connId: 'wh', type: 'snowflake', secretFields: ['password'], hasPassword: true, keyId: 'old' });
    expect(JSON.stringify(view)).not.toContain('hunter2');
    const row = await prisma.connection.findFirstOrThrow({ where: { id: view.id } });
    expect(row.secretCiphertext).toMatch(/^v1\.old\./);
    expect(row.secretCiphertext).not.toContain('hunter2');
    expect(JSON.stringify(row.config)).not.toContain('hunter2');
    expect(row.keyId).toBe('old');
    const resolved = await engine.connections.resolve(tenantA, 'wh', 'snowflake');
    expect(resolved.secrets).toEqual({ password: 'pw-hunter2-secret' });
  });

  it('keeps tenants apart: B cannot list, read, resolve, update, delete or reference A’s connection', async () => {
    const engine = engineWith(OLD);
    const a = (await engine.connections.list(tenantA))[0];
    expect(await engine.connections.list(tenantB)).toEqual([]);
    expect(await codeOf(engine.connections.get(tenantB, a.id))).toBe('NOT_FOUND');
    expect(await codeOf(engine.connections.resolve(tenantB, 'wh'))).toBe('NOT_FOUND');
    expect(await codeOf(engine.connections.resolveById(tenantB, a.id))).toBe('NOT_FOUND');
    expect(await codeOf(engine.connections.update(tenantB, a.id, { description: 'mine' }))).toBe('NOT_FOUND');
    expect(await codeOf(engine.connections.delete(tenantB, a.id))).toBe('NOT_FOUND');
    const spec = { dagId: 'steal', tasks: [{ taskId: 'q', type: 'snowflake.sql', with: { connection: 'wh', sql: 'select 1' } }] };
    const byName = await engine.dags.validate(tenantB, spec);
    expect(byName.errors).toEqual([{ path: 'tasks[0].with.connection', message: 'unknown connection "wh"' }]);
    const byId = await engine.dags.validate(tenantB, { ...spec, tasks: [{ ...spec.tasks[0], with: { connection: a.id, sql: 'select 1' } }] });
    expect(byId.valid).toBe(false);
    expect(await prisma.connection.count({ where: { tenantId: tenantA } })).toBe(1);
  });

  it('patches secrets (set, keep, remove), refuses bad input whole, and detects the wrong type', async () => {
    const engine = engineWith(OLD);
    const conn = await engine.connections.create(tenantA, {
      connId: 'lake',
      type: 's3',
      config: { accessKeyId: 'AKIA1' },
      secrets: { secretAccessKey: 's3cr3t' },
    });
    const updated = await engine.connections.update(tenantA, conn.id, { secrets: { sessionToken: 'tok' } });
    expect(updated.secretFields).toEqual(['secretAccessKey', 'sessionToken']);
    const removed = await engine.connections.update(tenantA, conn.id, { secrets: { sessionToken: null } });
    expect(removed.secretFields).toEqual(['secretAccessKey']);
    const before = await prisma.connection.findFirstOrThrow({ where: { id: conn.id } });
    expect(await codeOf(engine.connections.update(tenantA, conn.id, { config: { region: 'eu-west-1' } }))).toBe('BAD_USER_INPUT'); // key id without secret pair
    expect(await codeOf(engine.connections.update(tenantA, conn.id, { secrets: { secretKey: 'typo' } }))).toBe('BAD_USER_INPUT');
    expect(await prisma.connection.findFirstOrThrow({ where: { id: conn.id } })).toEqual(before);
    expect(await codeOf(engine.connections.create(tenantA, { connId: 'lake', type: 's3' }))).toBe('CONFLICT');
    expect(await codeOf(engine.connections.resolve(tenantA, 'lake', 'snowflake'))).toBe('BAD_USER_INPUT');
  });

  it('refuses to delete a connection a DAG uses, then deletes it once unused', async () => {
    const engine = engineWith(OLD);
    const conn = await engine.connections.create(tenantA, { connId: 'hook', type: 'http', config: { baseUrl: 'http://127.0.0.1:9/x' } });
    await engine.dags.upsert(tenantA, { dagId: 'notifier', tasks: [{ taskId: 'n', type: 'notify', with: { channels: ['hook'] } }] });
    expect(await codeOf(engine.connections.delete(tenantA, conn.id))).toBe('CONFLICT');
    await engine.dags.upsert(tenantA, { dagId: 'notifier', tasks: [{ taskId: 'n', type: 'noop' }] });
    await engine.connections.delete(tenantA, conn.id);
    expect(await prisma.connection.count({ where: { id: conn.id } })).toBe(0);
  });

  it('rotation re-encrypts every secret under the new key; old key can then be retired', async () => {
    const rotating = engineWith(`${NEW},${OLD}`);
    // Before rotation: old rows are readable with the old key still in the ring.
    expect((await rotating.connections.resolve(tenantA, 'wh')).secrets.password).toBe('pw-hunter2-secret');
    const progress: number[] = [];
    const result = await rotating.connections.rotateKeys((done) => progress.push(done));
    expect(result).toEqual({ connections: 2, reencrypted: 2, keyId: 'new' });
    expect(progress).toEqual([1, 2]);
    expect(await rotating.connections.rotateKeys()).toEqual({ connections: 2, reencrypted: 0, keyId: 'new' });
    const rows = await prisma.connection.findMany({ where: { secretCiphertext: { not: null } } });
    expect(rows.every((r) => r.keyId === 'new' && r.secretCiphertext!.startsWith('v1.new.'))).toBe(true);
    const retired = engineWith(NEW);
    expect((await retired.connections.resolve(tenantA, 'wh')).secrets.password).toBe('pw-hunter2-secret');
    expect((await retired.connections.resolve(tenantA, 'lake')).secrets.secretAccessKey).toBe('s3cr3t');
    // A process that lost the key fails clearly, without the ciphertext or secret in the message.
    const lost = engineWith(`other:${key(3)}`);
    await expect(lost.connections.resolve(tenantA, 'wh')).rejects.toThrow(/cannot be decrypted: .*key new/);
  });
});
