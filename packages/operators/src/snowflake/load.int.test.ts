import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OperatorError } from '../operator.js';
import { connectSnowflake, type SnowflakeSession } from './client.js';
import { snowflakeLoadOperator, type LoadResult } from './load.operator.js';
import { S3_SECRET, makeContext, startSnowflakeStack, type SnowflakeStack } from './test-support.spec.js';

const CSV = 'order_id,amount,sold_at\n1,10.50,2026-01-01\n2,"1,000.00",2026-01-01\n3,7,2026-01-02\n';

let stack: SnowflakeStack;
let sql: SnowflakeSession;
beforeAll(async () => {
  stack = await startSnowflakeStack(['sales']);
  await stack.s3.put('sales', 'transformed/run-1/sales.csv', CSV);
  sql = await connectSnowflake(stack.connections.sf);
});
afterAll(async () => {
  await sql?.close();
  await stack?.close();
});

/** The transform.records return_value the load reads its source from. */
const transformed = (key: string, columns: unknown = ['order_id', 'amount', 'sold_at']) => ({
  transform: { return_value: { bucket: 'sales', key, columns, connection: 'lake' } },
});

function loadContext(params: Record<string, unknown>, key = 'transformed/run-1/sales.csv', tryNumber = 1) {
  return makeContext({
    params,
    connections: stack.connections,
    taskId: 'load',
    tryNumber,
    defaultConnection: 'sf',
    upstream: ['transform'],
    xcom: transformed(key),
  });
}

describe('snowflake.load (COPY INTO from s3rver through the real driver)', () => {
  it('creates the table from the upstream columns and loads the exact rows', async () => {
    const { ctx, logs, transcript } = loadContext({ table: 'raw.sales', createTable: { columns: { amount: 'VARCHAR(20)', sold_at: 'DATE' } } });
    const result = (await snowflakeLoadOperator.execute(ctx)) as LoadResult;
    expect(result).toEqual({
      table: 'raw.sales',
      files: [{ file: 's3://sales/transformed/run-1/sales.csv', status: 'LOADED', rowsParsed: 3, rowsLoaded: 3, errorsSeen: 0 }],
      fileCount: 1,
      rowsLoaded: 3,
      rowsParsed: 3,
    });
    const rows = await sql.execute('select order_id, amount, to_varchar(sold_at) as sold_at from raw.sales order by order_id');
    expect(rows).toEqual([
      { ORDER_ID: '1', AMOUNT: '10.50', SOLD_AT: '2026-01-01' },
      { ORDER_ID: '2', AMOUNT: '1,000.00', SOLD_AT: '2026-01-01' },
      { ORDER_ID: '3', AMOUNT: '7', SOLD_AT: '2026-01-02' },
    ]);
    const messages = logs.map((l) => l.message);
    expect(messages).toContain('CREATE TABLE IF NOT EXISTS "RAW"."SALES" ("ORDER_ID" VARCHAR, "AMOUNT" VARCHAR(20), "SOLD_AT" DATE)');
    expect(
      messages.some((m) => m.startsWith(`COPY INTO "RAW"."SALES" FROM 's3://sales/transformed/run-1/' FILES = ('sales.csv') CREDENTIALS=([redacted])`)),
    ).toBe(true);
    expect(messages).toContain('COPY INTO raw.sales: 3 rows loaded of 3 parsed from 1 file(s)');
    expect(transcript()).not.toContain(S3_SECRET);
  });

  it('loads each row once when the try is retried (COPY load metadata)', async () => {
    const { ctx, logs } = loadContext({ table: 'raw.sales', createTable: true }, 'transformed/run-1/sales.csv', 2);
    await expect(snowflakeLoadOperator.execute(ctx)).resolves.toEqual({ table: 'raw.sales', files: [], fileCount: 0, rowsLoaded: 0, rowsParsed: 0 });
    expect(logs.at(-1)?.message).toMatch(/no new files \(every file was already loaded/);
    expect(await sql.execute('select count(*) as N from raw.sales')).toEqual([{ N: 3 }]);
  });

  it('leaves nothing behind when a try fails mid-way, so the retry loads every file exactly once', async () => {
    await sql.execute('create table public.batch (id number, name varchar)');
    await stack.s3.put('sales', 'batch/a.csv', 'id,name\n1,a\n2,b\n');
    await stack.s3.put('sales', 'batch/b.csv', 'id,name\n3,c\nnot-a-number,d\n');
    const params = { table: 'batch', s3Connection: 'lake', source: { bucket: 'sales', prefix: 'batch/' }, fileFormat: { type: 'csv', skipHeader: 1 } };
    const first = makeContext({ params, connections: stack.connections, defaultConnection: 'sf' });
    const err = (await snowflakeLoadOperator.execute(first.ctx).catch((e: unknown) => e)) as OperatorError;
    expect(err).toBeInstanceOf(OperatorError);
    expect(err.message).toMatch(/^COPY INTO batch failed: Snowflake error 100038 \(22018\): Numeric value 'not-a-number' is not recognized/);
    expect(err.retryable).toBe(false);
    expect(await sql.execute('select count(*) as N from public.batch')).toEqual([{ N: 0 }]);

    await stack.s3.put('sales', 'batch/b.csv', 'id,name\n3,c\n4,d\n');
    const retry = makeContext({ params, connections: stack.connections, defaultConnection: 'sf', tryNumber: 2 });
    await expect(snowflakeLoadOperator.execute(retry.ctx)).resolves.toMatchObject({ fileCount: 2, rowsLoaded: 4 });
    const third = makeContext({ params, connections: stack.connections, defaultConnection: 'sf', tryNumber: 3 });
    await expect(snowflakeLoadOperator.execute(third.ctx)).resolves.toMatchObject({ fileCount: 0, rowsLoaded: 0 });
    expect(await sql.execute('select id, name from public.batch order by id')).toEqual([
      { ID: 1, NAME: 'a' },
      { ID: 2, NAME: 'b' },
      { ID: 3, NAME: 'c' },
      { ID: 4, NAME: 'd' },
    ]);
  });

  it('fails for good, with a clean message and no secret, when S3 rejects the credentials', async () => {
    await stack.s3.put('sales', 'transformed/run-2/sales.csv', CSV);
    const { ctx, transcript } = makeContext({
      params: { table: 'raw.sales', s3Connection: 'lake_bad' },
      connections: stack.connections,
      defaultConnection: 'sf',
      upstream: ['transform'],
      xcom: transformed('transformed/run-2/sales.csv'),
    });
    const err = (await snowflakeLoadOperator.execute(ctx).catch((e: unknown) => e)) as OperatorError;
    expect(err).toBeInstanceOf(OperatorError);
    expect(err.message).toMatch(/^COPY INTO raw\.sales failed: Snowflake error 091003 \(22000\): Failure using stage area.*InvalidAccessKeyId/);
    expect(err.retryable).toBe(false);
    for (const secret of ['sup3r-s3cret-value', 'AKIA-NOT-VALID']) {
      expect(err.message).not.toContain(secret);
      expect(transcript()).not.toContain(secret);
    }
  });

  it('rejects a missing table and a missing source as configuration errors', async () => {
    const missing = makeContext({
      params: { table: 'nope.missing', s3Connection: 'lake', source: 's3://sales/transformed/run-1/sales.csv' },
      connections: stack.connections,
      defaultConnection: 'sf',
    });
    const err = (await snowflakeLoadOperator.execute(missing.ctx).catch((e: unknown) => e)) as OperatorError;
    expect(err.message).toMatch(/^COPY INTO nope\.missing failed: Snowflake error 002003 \(42S02\)/);
    expect(err.retryable).toBe(false);

    const noSource = makeContext({ params: { table: 't' }, connections: stack.connections, defaultConnection: 'sf' });
    await expect(snowflakeLoadOperator.execute(noSource.ctx)).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/has no source/) });
  });
});
