import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OperatorError, type OperatorContext } from '../operator.js';
import { startTestS3, testContext, type TestS3 } from '../s3/test-support.js';
import { transformRecordsOperator } from './transform.operator.js';

let s3: TestS3;

const SALES = [
  'order_id,amount,sold_at,region,customer',
  '1,10.50,2026-01-01,us,"Smith, Ann"',
  '2,-3,2026-01-01,eu,Bob',
  '3,0,2026-01-02,us,',
  '4,99.99,2026-01-02T10:00:00Z,jp,"Say ""hi"""',
  '5,12,2026-01-03,eu,"multi',
  'line"',
  '',
].join('\n');

const STEPS = [
  { select: ['order_id', 'amount', 'sold_at', 'region', 'customer'] },
  { rename: { sold_at: 'sold_on', customer: 'customer_name' } },
  { cast: { order_id: 'int', amount: 'decimal', sold_on: 'date' } },
  { filter: 'amount > 0' },
  { derive: { amount_cents: 'round(amount * 100)', region: 'upper(region)', big: 'amount >= 50', note: "coalesce(customer_name, 'n/a') || '!'" } },
];

beforeAll(async () => {
  s3 = await startTestS3(['sales', 'warehouse']);
  await s3.put('sales', 'incoming/sales_data_1.csv', SALES);
  await s3.put('sales', 'incoming/sales_data_2.csv', 'order_id,amount,sold_at,region,customer\n6,1,2026-01-04,us,Zed\n');
  await s3.put('sales', 'incoming/bad_amount.csv', 'order_id,amount,sold_at,region,customer\n1,5,2026-01-01,us,A\n2,abc,2026-01-01,us,B\n');
  await s3.put('sales', 'incoming/sales.jsonl', '{"id":1,"amount":2.5,"tags":["a","b"],"ok":true}\n{"id":2,"amount":null,"ok":false}\n');
});

afterAll(async () => {
  await s3?.close();
});

const fromExtract = (keys: string[]): Partial<OperatorContext> => ({
  upstream: ['extract'],
  xcom: { extract: { rowCount: 5, return_value: { bucket: 'sales', keys, format: 'csv', delimiter: ',', columns: [], rowCount: 5, connection: 'sales_s3' } } },
});

function transform(params: Record<string, unknown>, extra: Partial<OperatorContext> = {}) {
  return testContext({
    taskId: 'transform',
    runId: 'scheduled__2026-01-03T08:00:00+00:00',
    params: { steps: STEPS, ...params },
    connections: [s3.connection('sales_s3')],
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<OperatorError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof OperatorError)) throw new Error(`expected an OperatorError, got ${String(err)}`);
  return err;
}

const OUTPUT_KEY = 'tower/daily_sales_pipeline/scheduled__2026-01-03T08:00:00+00:00/transform/part-00000.csv';
const EXPECTED = [
  'order_id,amount,sold_on,region,customer_name,amount_cents,big,note',
  '1,10.5,2026-01-01,US,"Smith, Ann",1050,false,"Smith, Ann!"',
  '4,99.99,2026-01-02,JP,"Say ""hi""",9999,true,"Say ""hi""!"',
  '5,12,2026-01-03,EU,"multi\nline",1200,false,"multi\nline!"',
  '',
].join('\n');

describe('transform.records', () => {
  it("streams the upstream extract's objects through select/rename/cast/filter/derive into the run's output key", async () => {
    const { ctx, xcom, logs } = transform({}, fromExtract(['incoming/sales_data_1.csv']));
    const out = await transformRecordsOperator.execute(ctx);
    expect(out).toEqual({
      bucket: 'sales',
      key: OUTPUT_KEY,
      keys: [OUTPUT_KEY],
      format: 'csv',
      delimiter: ',',
      rowsIn: 5,
      rowsOut: 3,
      columns: ['order_id', 'amount', 'sold_on', 'region', 'customer_name', 'amount_cents', 'big', 'note'],
      connection: 'sales_s3',
    });
    expect(xcom).toEqual({ rowsOut: 3 });
    expect(await s3.get('sales', OUTPUT_KEY)).toBe(EXPECTED);
    expect(logs.map((l) => l.message).join('\n')).toMatch(/wrote 3 of 5 row\(s\), 0\.0 MiB in 1 part\(s\)/);
    // A retry of the same run writes the same object again rather than a second one.
    await transformRecordsOperator.execute(transform({}, fromExtract(['incoming/sales_data_1.csv'])).ctx);
    expect(await s3.get('sales', OUTPUT_KEY)).toBe(EXPECTED);
  });

  it('concatenates several input objects under one header', async () => {
    const { ctx } = transform(
      { output: { bucket: 'warehouse', key: 'sales/all.csv' }, steps: [{ select: ['order_id', 'customer'] }] },
      fromExtract(['incoming/sales_data_1.csv', 'incoming/sales_data_2.csv']),
    );
    await expect(transformRecordsOperator.execute(ctx)).resolves.toMatchObject({ bucket: 'warehouse', key: 'sales/all.csv', rowsIn: 6, rowsOut: 6 });
    expect(await s3.get('warehouse', 'sales/all.csv')).toBe('order_id,customer\n1,"Smith, Ann"\n2,Bob\n3,\n4,"Say ""hi"""\n5,"multi\nline"\n6,Zed\n');
  });

  it('reads JSONL from an explicit input and writes CSV', async () => {
    const { ctx } = transform({
      connection: 'sales_s3',
      format: 'jsonl',
      input: { bucket: 'sales', key: 'incoming/sales.jsonl' },
      output: { key: 'out/from-jsonl.csv' },
      steps: [{ derive: { doubled: 'amount * 2' } }],
    });
    await expect(transformRecordsOperator.execute(ctx)).resolves.toMatchObject({
      bucket: 'sales',
      key: 'out/from-jsonl.csv',
      rowsIn: 2,
      rowsOut: 2,
      columns: ['id', 'amount', 'tags', 'ok', 'doubled'],
    });
    expect(await s3.get('sales', 'out/from-jsonl.csv')).toBe('id,amount,tags,ok,doubled\n1,2.5,"[""a"",""b""]",true,5\n2,,,false,\n');
  });

  it('fails for good on a value that does not cast, naming object, row, step and column', async () => {
    const { ctx } = transform({ output: { key: 'out/never.csv' }, steps: [{ cast: { amount: 'number' } }] }, fromExtract(['incoming/bad_amount.csv']));
    const err = await failure(transformRecordsOperator.execute(ctx));
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('task transform: s3://sales/incoming/bad_amount.csv row 2: with.steps[0] (cast): column amount: "abc" is not a number');
    await expect(s3.get('sales', 'out/never.csv')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('fails for good before writing on a bad step or an unknown column', async () => {
    const unknown = transform({ steps: [{ filter: 'amout > 0' }] }, fromExtract(['incoming/sales_data_1.csv']));
    const err = await failure(transformRecordsOperator.execute(unknown.ctx));
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('task transform: with.steps[0] (filter): unknown column "amout" (columns: order_id, amount, sold_at, region, customer)');
    const syntax = transform({ steps: [{ derive: { x: 'amount +* 2' } }] }, fromExtract(['incoming/sales_data_1.csv']));
    expect((await failure(transformRecordsOperator.execute(syntax.ctx))).message).toBe(
      'task transform: with.steps[0] (derive): column x: unexpected "*" at position 9',
    );
  });

  it('says clearly when there is no input and refuses to overwrite its input', async () => {
    const none = transform({ connection: 'sales_s3' });
    expect((await failure(transformRecordsOperator.execute(none.ctx))).message).toMatch(/^task transform: no input objects: /);
    const same = transform({
      input: { bucket: 'sales', key: 'incoming/sales_data_2.csv' },
      output: { key: 'incoming/sales_data_2.csv' },
      connection: 'sales_s3',
    });
    expect((await failure(transformRecordsOperator.execute(same.ctx))).message).toBe(
      'task transform: the output s3://sales/incoming/sales_data_2.csv is also an input',
    );
  });

  it('writes an output larger than a part as a multipart upload with every row', async () => {
    const rows = 70_000;
    const lines = ['order_id,amount,sold_at,region,customer'];
    const expected = ['order_id,amount,region,amount_x2,customer,label'];
    for (let i = 1; i <= rows; i++) {
      const amount = ((i * 37) % 10_000) / 100;
      const customer = `customer number ${i} with a fairly long name to fill the row`;
      lines.push(`${i},${amount},2026-01-${String((i % 28) + 1).padStart(2, '0')},${i % 2 ? 'us' : 'eu'},${customer}`);
      if (amount > 0) expected.push(`${i},${amount},${i % 2 ? 'US' : 'EU'},${Math.round(amount * 200) / 100},${customer},${i}/${customer.toUpperCase()}`);
    }
    await s3.put('sales', 'incoming/big.csv', `${lines.join('\n')}\n`);
    const steps = [
      { cast: { amount: 'number' } },
      { filter: { column: 'amount', op: '>', value: 0 } },
      { derive: { region: 'upper(region)', amount_x2: 'round(amount * 2, 2)', label: "order_id || '/' || upper(customer)" } },
      { select: ['order_id', 'amount', 'region', 'amount_x2', 'customer', 'label'] },
    ];
    const { ctx, logs } = transform({ steps, output: { key: 'out/big.csv' } }, fromExtract(['incoming/big.csv']));
    const out = (await transformRecordsOperator.execute(ctx)) as { rowsIn: number; rowsOut: number };
    expect(out).toMatchObject({ rowsIn: rows, rowsOut: expected.length - 1 });
    const body = await s3.get('sales', 'out/big.csv');
    expect(body.length).toBeGreaterThan(8 * 1024 * 1024);
    expect(body === `${expected.join('\n')}\n`).toBe(true);
    expect(logs.map((l) => l.message).join('\n')).toMatch(/in 2 part\(s\)/);
  });
});
