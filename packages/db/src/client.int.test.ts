import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, inlineSql, sqlOf, type Db } from './client.js';
import { createTestDatabase, type TestDatabase } from './testing/test-database.js';

/** sqlOf's statements on a real Postgres: prepared once per connection, and surviving a migration. */
describe('sqlOf prepared statements (real Postgres)', () => {
  let db: TestDatabase;
  let one: Db;

  beforeAll(async () => {
    db = await createTestDatabase('sql_client');
    // One connection: what this test prepares is what the next statement finds.
    one = createPrismaClient(db.url, { poolMax: 1 });
    await sqlOf(one).query('CREATE TABLE scratch (id int PRIMARY KEY, label text)');
    await sqlOf(one).query(`INSERT INTO scratch VALUES (1, 'one'), (2, 'two')`);
  });

  afterAll(async () => {
    await one?.$disconnect();
    await db?.drop();
  });

  it('prepares a statement with parameters once and reuses it', async () => {
    const sql = sqlOf(one);
    const text = 'SELECT label FROM scratch WHERE id = $1';
    expect(await sql.query(text, [1])).toEqual([{ label: 'one' }]);
    expect(await sql.query(text, [2])).toEqual([{ label: 'two' }]);
    const prepared = await sql.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
    expect(prepared.filter((p) => p.statement === text)).toHaveLength(1);
  });

  it('answers again after a migration changed a table under a prepared SELECT *, in and out of transactions', async () => {
    const sql = sqlOf(one);
    const text = 'SELECT * FROM scratch WHERE id = $1';
    expect(await sql.query(text, [1])).toEqual([{ id: 1, label: 'one' }]);
    await sql.query('ALTER TABLE scratch ADD COLUMN extra int NOT NULL DEFAULT 7');
    // Postgres refuses the old plan ("cached plan must not change result type"): sent again, prepared afresh.
    expect(await sql.query(text, [1])).toEqual([{ id: 1, label: 'one', extra: 7 }]);

    const inTx = 'SELECT * FROM scratch WHERE id = $1 FOR UPDATE';
    expect(await sql.transaction((tx) => tx.query(inTx, [2]))).toEqual([{ id: 2, label: 'two', extra: 7 }]);
    await sql.query('ALTER TABLE scratch DROP COLUMN extra');
    // Inside a transaction the refusal aborts it (the caller's retry runs it again), once only.
    await expect(sql.transaction((tx) => tx.query(inTx, [2]))).rejects.toThrow(/cached plan/);
    expect(await sql.transaction((tx) => tx.query(inTx, [2]))).toEqual([{ id: 2, label: 'two' }]);
  });

  it('commitWith sends the last statement and COMMIT in one round trip; a failing one keeps nothing', async () => {
    const sql = sqlOf(one);
    const rows = await sql.transaction(async ({ query: q, commitWith }) => {
      await q('INSERT INTO scratch (id, label) VALUES ($1, $2)', [3, 'three']);
      return commitWith<{ id: number; label: string }>('UPDATE scratch SET label = $2 WHERE id = ANY($1::int[]) RETURNING id, label', [[3], "it's three"]);
    });
    expect(rows).toEqual([{ id: 3, label: "it's three" }]);
    expect(await sql.query('SELECT label FROM scratch WHERE id = $1', [3])).toEqual([{ label: "it's three" }]);
    // The first statement of the transaction is not kept when the last one fails.
    await expect(
      sql.transaction(async ({ query: q, commitWith }) => {
        await q('INSERT INTO scratch (id, label) VALUES ($1, $2)', [4, 'four']);
        return commitWith('INSERT INTO scratch (id, label) VALUES ($1, $2)', [3, 'duplicate']);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await sql.query('SELECT count(*)::int AS n FROM scratch WHERE id = $1', [4])).toEqual([{ n: 0 }]);
    // The connection is usable afterwards (one connection in this pool).
    expect(await sql.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('asyncCommit turns synchronous_commit off for its own transaction only', async () => {
    const sql = sqlOf(one);
    const setting = `SELECT current_setting('synchronous_commit') AS s`;
    const [{ s: outside }] = await sql.query<{ s: string }>(setting);
    expect(outside).not.toBe('off');
    expect(await sql.transaction((tx) => tx.query(setting), { asyncCommit: true })).toEqual([{ s: 'off' }]);
    expect(await sql.transaction((tx) => tx.commitWith(setting), { asyncCommit: true, lockKeys: ['k'] })).toEqual([{ s: 'off' }]);
    // The same (only) connection afterwards, in and out of a transaction: as before.
    expect(await sql.transaction((tx) => tx.query(setting))).toEqual([{ s: outside }]);
    expect(await sql.query(setting)).toEqual([{ s: outside }]);
    // A Prisma transaction has no SQL layer, so no option can be silently dropped by one.
    await expect(one.$transaction(async (tx) => sqlOf(tx as never).transaction((t) => t.query(setting), { asyncCommit: true }))).rejects.toThrow(
      /sqlOf needs the client createPrismaClient made/,
    );
  });

  it('flushed() resolves once the WAL is on disk past every earlier commit, asynchronous ones included', async () => {
    const sql = sqlOf(one);
    for (let i = 0; i < 3; i++) {
      // An asynchronous commit that writes a commit record (it takes a transaction id) …
      await sql.transaction((tx) => tx.query(`SELECT pg_current_xact_id()::text AS xid`), { asyncCommit: true });
      // … which ends before this position of the WAL.
      const [{ lsn }] = await sql.query<{ lsn: string }>(`SELECT pg_current_wal_insert_lsn()::text AS lsn`);
      expect(await sql.flushed()).toEqual([]);
      const [{ durable }] = await sql.query<{ durable: boolean }>(`SELECT pg_current_wal_flush_lsn() >= $1::pg_lsn AS durable`, [lsn]);
      expect(durable).toBe(true);
    }
    // The check runs in the barrier's transaction, and its rows come back.
    expect(await sql.flushed(`SELECT 'seen' AS what`)).toEqual([{ what: 'seen' }]);
  });

  it("inlineSql writes values as escaped literals, keeping each parameter's cast", () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(
      inlineSql('SELECT $1::text, $2::int, $3::timestamptz, $4::uuid[], $5::bool, $6::jsonb, $10::text', [
        "o'brien",
        7,
        at,
        [],
        true,
        { a: "b'c" },
        0,
        0,
        0,
        null,
      ]),
    ).toBe("SELECT 'o''brien'::text, 7::int, '2026-01-02T03:04:05.678Z'::timestamptz, ARRAY[]::uuid[], true::bool, '{\"a\":\"b''c\"}'::jsonb, NULL::text");
    expect(() => inlineSql('SELECT $2', [1])).toThrow(/no value for \$2/);
  });
});

/** poolMin: the API's pool keeps the connections it opened, where pg closes idle ones after 10 s. */
describe('pool size kept (real Postgres)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('pool_min');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('keeps poolMin connections open past the idle timeout; without it they close', async () => {
    const kept = createPrismaClient(db.url, { poolMax: 3, poolMin: 3, applicationName: 'kept' });
    const shrinking = createPrismaClient(db.url, { poolMax: 3, applicationName: 'shrinking' });
    try {
      // Three statements at once open three connections in each pool.
      const busy = (client: Db) => Promise.all([1, 2, 3].map(() => sqlOf(client).query('SELECT pg_sleep(0.2)')));
      await Promise.all([busy(kept), busy(shrinking)]);
      const open = async () =>
        Object.fromEntries(
          (
            await sqlOf(kept).query<{ name: string; n: number }>(
              `SELECT application_name AS name, count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name IN ('kept', 'shrinking') GROUP BY 1`,
            )
          ).map((r) => [r.name, r.n]),
        );
      expect(await open()).toEqual({ kept: 3, shrinking: 3 });
      await new Promise((r) => setTimeout(r, 11_000)); // pg's idleTimeoutMillis: 10 s
      expect(await open()).toEqual({ kept: 3 });
    } finally {
      await kept.$disconnect();
      await shrinking.$disconnect();
    }
  }, 30_000);
});
