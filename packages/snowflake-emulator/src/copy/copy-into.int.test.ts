import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../index.js';
import { type LocalS3, S3_KEY, S3_SECRET, startLocalS3 } from '../test-support/local-s3.js';
import { type Client, connect } from '../test-support/sdk-client.js';

const CREDENTIALS = `CREDENTIALS = (AWS_KEY_ID = '${S3_KEY}' AWS_SECRET_KEY = '${S3_SECRET}')`;
const CSV = `FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1 FIELD_DELIMITER = ',' FIELD_OPTIONALLY_ENCLOSED_BY = '"' NULL_IF = ('NULL', ''))`;

describe('COPY INTO from S3 (s3rver) through snowflake-sdk', () => {
  let s3: LocalS3;
  let emulator: SnowflakeEmulator;
  let client: Client;

  beforeAll(async () => {
    s3 = await startLocalS3(['landing']);
    await s3.put(
      'landing',
      'orders/2024-01-01.csv',
      'id,customer,amount,ordered_at\n1,acme,10.50,2024-01-01 09:00:00\n2,"globex, inc",NULL,2024-01-01 10:30:00\n3,initech,7,2024-01-01 11:00:00\n',
    );
    await s3.put('landing', 'orders/2024-01-02.csv', 'id,customer,amount,ordered_at\n4,acme,1.25,2024-01-02 09:00:00\n5,umbrella,300,2024-01-02 12:00:00\n');
    await s3.put('landing', 'elsewhere/2024-01-01.csv', 'id,customer,amount,ordered_at\n99,ignored,0,2024-01-01 00:00:00\n');
    emulator = await startSnowflakeEmulator({ s3: { endpoint: s3.endpoint, forcePathStyle: true } });
    client = await connect(emulator.url, { database: 'lake', schema: 'raw' });
    await client.query('CREATE TABLE orders (id NUMBER, customer STRING, amount NUMBER(10,2), ordered_at TIMESTAMP_NTZ)');
  });
  afterAll(async () => {
    await client?.close();
    await emulator?.close();
    await s3?.close();
  });

  it('loads every file under the location with the statement credentials and reports each file', async () => {
    const result = await client.query(`COPY INTO orders FROM 's3://landing/orders/' ${CREDENTIALS} ${CSV} ON_ERROR = ABORT_STATEMENT`);
    expect(result).toEqual([
      {
        file: 's3://landing/orders/2024-01-01.csv',
        status: 'LOADED',
        rows_parsed: 3,
        rows_loaded: 3,
        error_limit: 1,
        errors_seen: 0,
        first_error: null,
        first_error_line: null,
        first_error_character: null,
        first_error_column_name: null,
      },
      {
        file: 's3://landing/orders/2024-01-02.csv',
        status: 'LOADED',
        rows_parsed: 2,
        rows_loaded: 2,
        error_limit: 1,
        errors_seen: 0,
        first_error: null,
        first_error_line: null,
        first_error_character: null,
        first_error_column_name: null,
      },
    ]);
    const rows = await client.query('SELECT * FROM orders ORDER BY id');
    expect(rows.map((r) => r.ID)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[1]).toEqual({ ID: 2, CUSTOMER: 'globex, inc', AMOUNT: null, ORDERED_AT: new Date('2024-01-01T10:30:00.000Z') });
  });

  it('skips files already loaded into the table (same path and ETag), as Snowflake load metadata does', async () => {
    const again = await client.query(`COPY INTO orders FROM 's3://landing/orders/' ${CREDENTIALS} ${CSV}`);
    expect(again).toEqual([{ status: 'Copy executed with 0 files processed.' }]);
    expect(await client.query('SELECT COUNT(*) AS N FROM orders')).toEqual([{ N: 5 }]);
  });

  it('loads only the new file when one is added, and reloads with FORCE = TRUE', async () => {
    await s3.put('landing', 'orders/2024-01-03.csv', 'id,customer,amount,ordered_at\n6,hooli,42,2024-01-03 08:00:00\n');
    const added = await client.query(`COPY INTO orders FROM 's3://landing/orders/' ${CREDENTIALS} ${CSV}`);
    expect(added.map((r) => [r.file, r.status, r.rows_loaded])).toEqual([['s3://landing/orders/2024-01-03.csv', 'LOADED', 1]]);

    const forced = await client.query(`COPY INTO orders FROM 's3://landing/orders/' ${CREDENTIALS} ${CSV} PATTERN = '.*01-02[.]csv' FORCE = TRUE`);
    expect(forced.map((r) => [r.file, r.rows_loaded])).toEqual([['s3://landing/orders/2024-01-02.csv', 2]]);
    expect(await client.query('SELECT COUNT(*) AS N FROM orders')).toEqual([{ N: 8 }]);
  });

  it('fails with a stage error when the credentials are wrong, loading nothing', async () => {
    const err = await client.failure(
      `COPY INTO orders FROM 's3://landing/orders/' CREDENTIALS = (AWS_KEY_ID = 'nope' AWS_SECRET_KEY = 'bad') ${CSV} FORCE = TRUE`,
    );
    expect(err.code).toBe('091003');
    expect(err.message).toMatch(/^Failure using stage area\. Cause: \[.*InvalidAccessKeyId/);
    expect(await client.query('SELECT COUNT(*) AS N FROM orders')).toEqual([{ N: 8 }]);
  });

  it('aborts the whole COPY on a bad value by default, and loads the good rows with ON_ERROR = CONTINUE', async () => {
    await client.query('CREATE TABLE payments (id NUMBER, amount NUMBER(10,2))');
    await s3.put('landing', 'payments/p1.csv', 'id,amount\n1,5.00\n2,abc\n3,7.50\n');

    const err = await client.failure(`COPY INTO payments FROM 's3://landing/payments/' ${CREDENTIALS} ${CSV}`);
    expect({ code: err.code, sqlState: err.sqlState }).toEqual({ code: '100038', sqlState: '22018' });
    expect(err.message).toMatch(/^Numeric value 'abc' is not recognized\n {2}File 's3:\/\/landing\/payments\/p1\.csv', line 3/);
    expect(await client.query('SELECT COUNT(*) AS N FROM payments')).toEqual([{ N: 0 }]);

    const [partial] = await client.query(`COPY INTO payments FROM 's3://landing/payments/' ${CREDENTIALS} ${CSV} ON_ERROR = CONTINUE`);
    expect(partial).toMatchObject({
      status: 'PARTIALLY_LOADED',
      rows_parsed: 3,
      rows_loaded: 2,
      errors_seen: 1,
      first_error: "Numeric value 'abc' is not recognized",
      first_error_line: 3,
      first_error_column_name: '"PAYMENTS"["AMOUNT":2]',
    });
    expect(await client.query('SELECT id FROM payments ORDER BY id')).toEqual([{ ID: 1 }, { ID: 3 }]);
  });

  it('loads newline-delimited JSON into a VARIANT column or by column name', async () => {
    await s3.put('landing', 'events/e1.json', '{"kind":"click","Count":2}\n{"kind":"view","Count":5,"extra":{"a":1}}\n');
    await client.query('CREATE TABLE raw_events (v VARIANT)');
    const [loaded] = await client.query(`COPY INTO raw_events FROM 's3://landing/events/' ${CREDENTIALS} FILE_FORMAT = (TYPE = JSON)`);
    expect(loaded).toMatchObject({ status: 'LOADED', rows_loaded: 2 });
    expect(await client.query('SELECT v:kind::string AS K FROM raw_events ORDER BY 1')).toEqual([{ K: 'click' }, { K: 'view' }]);

    await client.query('CREATE TABLE events (kind STRING, count INT)');
    await client.query(`COPY INTO events FROM 's3://landing/events/' ${CREDENTIALS} FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE`);
    expect(await client.query('SELECT kind, count FROM events ORDER BY count')).toEqual([
      { KIND: 'click', COUNT: 2 },
      { KIND: 'view', COUNT: 5 },
    ]);
  });
});
