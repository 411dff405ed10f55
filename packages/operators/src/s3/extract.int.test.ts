import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OperatorError, type OperatorContext } from '../operator.js';
import { s3ExtractOperator } from './extract.operator.js';
import { startTestS3, testContext, type TestS3 } from './test-support.js';

let s3: TestS3;

const SALES = 'order_id,amount,sold_at,region\n1,10.50,2026-01-01,us\n2,"1,000.00",2026-01-01,eu\n3,7,2026-01-02,"multi\nline"\n\n';

beforeAll(async () => {
  s3 = await startTestS3(['sales']);
  await s3.put('sales', 'incoming/sales_data_1.csv', SALES);
  await s3.put('sales', 'incoming/sales_data_2.csv', '\uFEFForder_id,amount,sold_at,region\r\n4,1,2026-01-03,us\r\n');
  await s3.put('sales', 'incoming/no_amount.csv', 'order_id,sold_at\n1,2026-01-01\n');
  await s3.put('sales', 'incoming/other_cols.csv', 'order_id,amount,sold_at\n1,2,2026-01-01\n');
  await s3.put(
    'sales',
    'incoming/sales.jsonl',
    '{"order_id":1,"amount":10.5,"sold_at":"2026-01-01"}\n\n{"order_id":2,"amount":3}\n{"order_id":3,"amount":null,"tags":["a"]}\n',
  );
  await s3.put('sales', 'incoming/bad.jsonl', '{"order_id":1}\n{"order_id":\n');
  await s3.put('sales', 'incoming/ragged.csv', 'a,b\n1,2\n3\n');
  await s3.put('sales', 'incoming/empty.csv', '');
  await s3.put('sales', 'incoming/semicolon.csv', 'order_id;amount\n1;2,5\n2;3\n');
});

afterAll(async () => {
  await s3?.close();
});

function extract(params: Record<string, unknown>, extra: Partial<OperatorContext> = {}) {
  return testContext({ taskId: 'extract', params: { format: 'csv', ...params }, connections: [s3.connection(), s3.connection('sales_s3')], ...extra });
}

const fromSensor = (keys: string[]): Partial<OperatorContext> => ({
  upstream: ['wait_for_sales_file'],
  xcom: { wait_for_sales_file: { keys, return_value: { bucket: 'sales', keys, connection: 'sales_s3' } } },
});

async function failure(promise: Promise<unknown>): Promise<OperatorError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OperatorError)) throw new Error(`expected an OperatorError, got ${String(err)}`);
  return err;
}

describe('s3.extract', () => {
  it("reads the upstream sensor's objects with its connection, checks the header and counts rows", async () => {
    const { ctx, xcom, logs } = extract(
      { requiredColumns: ['order_id', 'amount', 'sold_at'] },
      fromSensor(['incoming/sales_data_1.csv', 'incoming/sales_data_2.csv']),
    );
    await expect(s3ExtractOperator.execute(ctx)).resolves.toEqual({
      bucket: 'sales',
      keys: ['incoming/sales_data_1.csv', 'incoming/sales_data_2.csv'],
      format: 'csv',
      delimiter: ',',
      columns: ['order_id', 'amount', 'sold_at', 'region'],
      rowCount: 4,
      connection: 'sales_s3',
    });
    expect(xcom).toEqual({ rowCount: 4 });
    expect(logs.map((l) => l.message)).toContain('s3://sales/incoming/sales_data_1.csv: 3 row(s), columns order_id, amount, sold_at, region');
  });

  it('fails for good naming the missing required columns', async () => {
    const { ctx } = extract(
      { requiredColumns: ['order_id', 'amount', 'sold_at', 'region'] },
      fromSensor(['incoming/sales_data_1.csv', 'incoming/no_amount.csv']),
    );
    const err = await failure(s3ExtractOperator.execute(ctx));
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('task extract: s3://sales/incoming/no_amount.csv lacks required column(s) amount, region (columns: order_id, sold_at)');
  });

  it('fails when objects of one input have different headers', async () => {
    const { ctx } = extract({}, fromSensor(['incoming/sales_data_1.csv', 'incoming/other_cols.csv']));
    const err = await failure(s3ExtractOperator.execute(ctx));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(
      's3://sales/incoming/other_cols.csv has columns order_id, amount, sold_at but s3://sales/incoming/sales_data_1.csv has order_id, amount, sold_at, region',
    );
  });

  it('counts JSONL records, taking the columns from the first one', async () => {
    const { ctx } = extract({ format: 'jsonl', bucket: 'sales', key: 'incoming/sales.jsonl', requiredColumns: ['order_id'], connection: 'test_s3' });
    await expect(s3ExtractOperator.execute(ctx)).resolves.toEqual({
      bucket: 'sales',
      keys: ['incoming/sales.jsonl'],
      format: 'jsonl',
      delimiter: ',',
      columns: ['order_id', 'amount', 'sold_at'],
      rowCount: 3,
      connection: 'test_s3',
    });
    const missing = extract({ format: 'jsonl', bucket: 'sales', key: 'incoming/sales.jsonl', requiredColumns: ['region'], connection: 'test_s3' });
    expect((await failure(s3ExtractOperator.execute(missing.ctx))).message).toContain('lacks required column(s) region');
  });

  it('reports malformed data with its line, non-retryably', async () => {
    const bad = extract({ format: 'jsonl', bucket: 'sales', key: 'incoming/bad.jsonl', connection: 'test_s3' });
    const err = await failure(s3ExtractOperator.execute(bad.ctx));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/^s3:\/\/sales\/incoming\/bad\.jsonl: line 2 is not valid JSON/);
    const ragged = extract({ bucket: 'sales', key: 'incoming/ragged.csv', connection: 'test_s3' });
    const err2 = await failure(s3ExtractOperator.execute(ragged.ctx));
    expect(err2.retryable).toBe(false);
    expect(err2.message).toMatch(/^s3:\/\/sales\/incoming\/ragged\.csv: invalid CSV: .*line 3/);
    const empty = extract({ bucket: 'sales', key: 'incoming/empty.csv', connection: 'test_s3' });
    expect((await failure(s3ExtractOperator.execute(empty.ctx))).message).toBe('s3://sales/incoming/empty.csv: is empty: a CSV object needs a header line');
  });

  it('honours a delimiter', async () => {
    const { ctx } = extract({ bucket: 'sales', key: 'incoming/semicolon.csv', delimiter: ';', connection: 'test_s3' });
    await expect(s3ExtractOperator.execute(ctx)).resolves.toMatchObject({ columns: ['order_id', 'amount'], rowCount: 2, delimiter: ';' });
  });

  it('reads the object that triggered the run when nothing else names one', async () => {
    const triggerObject = { connection: 'sales_s3', bucket: 'sales', key: 'incoming/sales_data_2.csv', etag: 'x', size: 1 };
    const { ctx } = extract({}, { triggerObject });
    await expect(s3ExtractOperator.execute(ctx)).resolves.toMatchObject({ keys: ['incoming/sales_data_2.csv'], rowCount: 1, connection: 'sales_s3' });
  });

  it('says clearly when there is no input, or the object is missing', async () => {
    const none = extract({}, { upstream: ['start'], xcom: { start: { return_value: { status: 200 } } } });
    const err = await failure(s3ExtractOperator.execute(none.ctx));
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(
      'task extract: no input objects: set with.bucket and with.key, depend on an s3.keySensor / s3.extract, or start the run from an S3 file trigger (none of the upstream tasks (start) returned { bucket, keys })',
    );
    const gone = extract({ bucket: 'sales', key: 'incoming/gone.csv', connection: 'test_s3' });
    expect((await failure(s3ExtractOperator.execute(gone.ctx))).message).toMatch(/^reading s3:\/\/sales\/incoming\/gone\.csv failed: NoSuchKey/);
  });
});
