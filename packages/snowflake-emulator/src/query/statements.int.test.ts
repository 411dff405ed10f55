import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../index.js';
import { type Client, connect } from '../test-support/sdk-client.js';

describe('statements through snowflake-sdk', () => {
  let emulator: SnowflakeEmulator;
  let client: Client;

  beforeAll(async () => {
    emulator = await startSnowflakeEmulator({ users: [{ user: 'tower', password: 'tower-pw' }] });
    client = await connect(emulator.url, { database: 'tower_test', schema: 'public' });
  });
  afterAll(async () => {
    await client.close();
    await emulator.close();
  });

  it('answers the connection probes drivers and tools send', async () => {
    expect(await client.query('select 1')).toEqual([{ 1: 1 }]);
    const [row] = await client.query('SELECT CURRENT_VERSION()');
    expect(row['CURRENT_VERSION()']).toMatch(/^\d+\.\d+\.\d+$/);
    await client.query('USE WAREHOUSE compute_wh');
    await client.query('USE ROLE sysadmin');
    expect(await client.query('SELECT CURRENT_WAREHOUSE() AS W, CURRENT_ROLE() AS R')).toEqual([{ W: 'COMPUTE_WH', R: 'SYSADMIN' }]);
  });

  it('binds text, numbers, booleans, nulls and dates by position (? and :n)', async () => {
    const date = new Date('2024-03-05T00:00:00.000Z') as unknown as string;
    const [row] = await client.query('SELECT ? AS T, ? AS N, ? AS R, ? AS B, ? AS Z, ?::DATE AS D', ["it's", 42, 2.5, true, null, date]);
    expect(row).toEqual({ T: "it's", N: 42, R: 2.5, B: true, Z: null, D: new Date('2024-03-05T00:00:00.000Z') });
    expect(await client.query('SELECT :2 || :1 AS X', ['a', 'b'])).toEqual([{ X: 'ba' }]);
  });

  it('returns 100,000 rows through result chunks with every value intact', async () => {
    const rows = await client.query("SELECT range AS n, 'row-' || range AS s FROM range(100000)");
    expect(rows).toHaveLength(100_000);
    rows.forEach((row, i) => {
      if (row.N !== i || row.S !== `row-${i}`) throw new Error(`row ${i} is ${JSON.stringify(row)}`);
    });
  });

  it('round-trips CREATE / INSERT / SELECT / UPDATE / MERGE / DELETE with Snowflake types', async () => {
    await client.query('CREATE DATABASE IF NOT EXISTS sales');
    await client.query('CREATE SCHEMA IF NOT EXISTS sales.raw');
    const created = await client.query(`CREATE OR REPLACE TABLE sales.raw.orders (
      id NUMBER(38,0) NOT NULL PRIMARY KEY, customer VARCHAR(100), note STRING, amount NUMBER(10,2), ratio FLOAT,
      paid BOOLEAN, order_date DATE, created_at TIMESTAMP_NTZ, seen_at TIMESTAMP_LTZ, attrs VARIANT) COMMENT = 'orders'`);
    expect(created).toEqual([{ status: 'Table ORDERS successfully created.' }]);

    const inserted = await client.query(
      `INSERT INTO sales.raw.orders (id, customer, note, amount, ratio, paid, order_date, created_at, seen_at, attrs)
       SELECT 1, 'acme', NULL, 10.50, 0.25, TRUE, '2024-01-31', '2024-01-31 08:30:00.123', '2024-01-31 08:30:00+00:00', PARSE_JSON('{"tier":"gold","tags":["a","b"]}')
       UNION ALL SELECT 2, 'globex', 'rush', 99.99, 1.5, FALSE, '2024-02-29', '2024-02-29 23:59:59', NULL, NULL`,
    );
    expect(inserted).toEqual([{ 'number of rows inserted': 2 }]);

    const [first] = await client.query('select * from Sales.Raw.Orders where id = ?', [1]);
    expect(first).toEqual({
      ID: 1,
      CUSTOMER: 'acme',
      NOTE: null,
      AMOUNT: 10.5,
      RATIO: 0.25,
      PAID: true,
      ORDER_DATE: new Date('2024-01-31T00:00:00.000Z'),
      CREATED_AT: new Date('2024-01-31T08:30:00.123Z'),
      SEEN_AT: new Date('2024-01-31T08:30:00.000Z'),
      ATTRS: { tier: 'gold', tags: ['a', 'b'] },
    });
    const [path] = await client.query('SELECT attrs:tier::string AS TIER, attrs:tags[1]::string AS TAG FROM sales.raw.orders WHERE id = 1');
    expect(path).toEqual({ TIER: 'gold', TAG: 'b' });

    expect(await client.query('UPDATE sales.raw.orders SET note = ? WHERE paid = ?', ['checked', true])).toEqual([
      { 'number of rows updated': 1, 'number of multi-joined rows updated': 0 },
    ]);
    const merged = await client.query(`MERGE INTO sales.raw.orders t
      USING (SELECT 2 AS id, 120.00 AS amount UNION ALL SELECT 3, 5.00) s ON t.id = s.id
      WHEN MATCHED THEN UPDATE SET amount = s.amount
      WHEN NOT MATCHED THEN INSERT (id, customer, amount) VALUES (s.id, 'initech', s.amount)`);
    expect(merged).toEqual([{ 'number of rows inserted': 1, 'number of rows updated': 1 }]);
    expect(await client.query('DELETE FROM sales.raw.orders WHERE amount < 10')).toEqual([{ 'number of rows deleted': 1 }]);

    const remaining = await client.query('SELECT id, customer, amount, note FROM sales.raw.orders ORDER BY id');
    expect(remaining).toEqual([
      { ID: 1, CUSTOMER: 'acme', AMOUNT: 10.5, NOTE: 'checked' },
      { ID: 2, CUSTOMER: 'globex', AMOUNT: 120, NOTE: 'rush' },
    ]);
    // PRIMARY KEY is informational in Snowflake: a duplicate id is accepted.
    await client.query("INSERT INTO sales.raw.orders (id, customer) VALUES (1, 'dup')");
    expect(await client.query('SELECT COUNT(*) FROM sales.raw.orders')).toEqual([{ 'COUNT(*)': 3 }]);
    expect(await client.query('DROP TABLE sales.raw.orders')).toEqual([{ status: 'ORDERS successfully dropped.' }]);
  });

  it('inserts many rows with array binds (executemany)', async () => {
    await client.query('CREATE OR REPLACE TABLE events (id INT, kind STRING, at TIMESTAMP_NTZ)');
    const rows = Array.from({ length: 500 }, (_, i) => [i, i % 2 ? 'odd' : 'even', `2024-05-01 00:00:${String(i % 60).padStart(2, '0')}`]);
    expect(await client.query('INSERT INTO events VALUES (?, ?, ?)', rows)).toEqual([{ 'number of rows inserted': 500 }]);
    expect(await client.query("SELECT COUNT(*) AS C FROM events WHERE kind = 'odd'")).toEqual([{ C: 250 }]);
  });

  it('uses the current database and schema for unqualified names and lists them with SHOW', async () => {
    await client.query('CREATE OR REPLACE TABLE tower_test.public.widgets (id INT)');
    await client.query('USE SCHEMA tower_test.public');
    await client.query('INSERT INTO widgets VALUES (1), (2)');
    expect(await client.query('SELECT SUM(id) AS S FROM widgets')).toEqual([{ S: 3 }]);
    const tables = await client.query("SHOW TABLES LIKE 'WIDG%' IN SCHEMA tower_test.public");
    expect(tables.map((t) => [t.name, t.database_name, t.schema_name, t.kind])).toEqual([['WIDGETS', 'TOWER_TEST', 'PUBLIC', 'TABLE']]);
    const databases = (await client.query('SHOW DATABASES')).map((d) => d.name);
    expect(databases).toEqual(expect.arrayContaining(['TOWER_TEST', 'SALES']));
  });

  it('runs a multi-statement request when MULTI_STATEMENT_COUNT allows it', async () => {
    const rows = await client.query('CREATE OR REPLACE TABLE ms (x INT); INSERT INTO ms VALUES (7); SELECT x FROM ms', undefined, {
      parameters: { MULTI_STATEMENT_COUNT: 3 },
    });
    expect(rows).toEqual([{ status: 'Table MS successfully created.' }]);
    const err = await client.failure('SELECT 1; SELECT 2');
    expect(err.code).toBe('000008');
  });

  describe('maps DuckDB failures to Snowflake error codes and SQL states', () => {
    beforeAll(() => client.query('CREATE OR REPLACE TABLE tower_test.public.things (id INT, label STRING)'));

    it.each([
      ['unknown table', 'SELECT * FROM no_such_table', '002003', '42S02', /Object 'NO_SUCH_TABLE' does not exist or not authorized\./],
      ['syntax error', 'SELEC 1', '001003', '42000', /syntax error line 1 at position 0 unexpected 'SELEC'/],
      ['unknown column', 'SELECT nope FROM tower_test.public.things', '000904', '42000', /invalid identifier 'NOPE'/],
      ['duplicate object', 'CREATE TABLE tower_test.public.things (id INT)', '002002', '42710', /Object 'THINGS' already exists\./],
      ['division by zero', 'SELECT 1 / (2 - 2)', '100051', '22012', /^Division by zero$/],
      ['numeric conversion', "SELECT 'abc'::NUMBER", '100038', '22018', /^Numeric value 'abc' is not recognized$/],
    ])('%s', async (_case, sql, code, sqlState, message) => {
      const err = await client.failure(sql);
      expect({ code: err.code, sqlState: err.sqlState }).toEqual({ code, sqlState });
      expect(err.message).toMatch(message);
      expect(err.data?.queryId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
