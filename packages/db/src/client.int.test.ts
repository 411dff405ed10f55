import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPrismaClient, sqlOf, type Db } from './client.js';
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
    expect(await sql.transaction((q) => q(inTx, [2]))).toEqual([{ id: 2, label: 'two', extra: 7 }]);
    await sql.query('ALTER TABLE scratch DROP COLUMN extra');
    // Inside a transaction the refusal aborts it (the caller's retry runs it again), once only.
    await expect(sql.transaction((q) => q(inTx, [2]))).rejects.toThrow(/cached plan/);
    expect(await sql.transaction((q) => q(inTx, [2]))).toEqual([{ id: 2, label: 'two' }]);
  });
});
