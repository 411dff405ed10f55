import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OperatorError } from '../operator.js';
import { connectSnowflake } from '../snowflake/client.js';
import { makeContext, startSnowflakeStack, type SnowflakeStack } from '../snowflake/test-support.spec.js';
import { qualityCheckOperator, type QualityResult } from './quality-check.operator.js';

let stack: SnowflakeStack;
beforeAll(async () => {
  stack = await startSnowflakeStack([]);
  const session = await connectSnowflake(stack.connections.sf);
  try {
    await session.execute('create schema raw');
    await session.execute('create table raw.sales (order_id number, status varchar, amount number(10,2))');
    await session.execute("insert into raw.sales values (1, 'new', 10), (2, 'paid', 20), (3, 'paid', null), (3, 'refunded', 5), (null, 'weird', 1)");
    await session.execute('create table raw.empty (id number)');
  } finally {
    await session.close();
  }
});
afterAll(async () => {
  await stack?.close();
});

function run(checks: unknown[], table = 'raw.sales') {
  const t = makeContext({ params: { table, checks }, connections: stack.connections, defaultConnection: 'sf', taskId: 'quality_checks' });
  return { ...t, result: () => qualityCheckOperator.execute(t.ctx) as Promise<QualityResult> };
}

describe('quality.check (real driver ↔ emulator)', () => {
  it('passes every check type on good data, one log line per check', async () => {
    const { result, logs, pushed } = run([
      { type: 'rowCount', min: 5, max: 5 },
      { type: 'notNull', columns: ['status'] },
      { type: 'unique', columns: ['order_id', 'status'] },
      { type: 'acceptedValues', column: 'status', values: ['new', 'paid', 'refunded', 'weird'] },
      { type: 'customSql', sql: 'select * from raw.sales where amount < 0', name: 'no negative amounts' },
    ]);
    const r = await result();
    expect(r).toEqual({
      passed: true,
      failed: 0,
      warned: 0,
      results: [
        { name: 'rowCount', type: 'rowCount', severity: 'fail', passed: true, observed: 5, message: 'raw.sales has 5 row(s), expected in [5, 5]' },
        { name: 'notNull(status)', type: 'notNull', severity: 'fail', passed: true, observed: 0, message: '0 row(s) with NULL in status of raw.sales' },
        {
          name: 'unique(order_id, status)',
          type: 'unique',
          severity: 'fail',
          passed: true,
          observed: 0,
          message: '0 duplicated value(s) of (order_id, status) in raw.sales',
        },
        { name: 'acceptedValues(status)', type: 'acceptedValues', severity: 'fail', passed: true, observed: 0, message: expect.any(String) },
        { name: 'no negative amounts', type: 'customSql', severity: 'fail', passed: true, observed: 0, message: 'query returned 0 row(s), expected none' },
      ],
    });
    expect(pushed.results).toEqual(r.results);
    expect(logs.filter((l) => l.message.startsWith('check '))).toHaveLength(5);
    expect(logs.at(-1)?.message).toBe('5 check(s): 5 passed, 0 failed, 0 warned');
  });

  it('fails each check type on bad data (severity fail), without retry, listing the failures', async () => {
    const { result, logs, pushed } = run([
      { type: 'rowCount', table: 'raw.empty' },
      { type: 'notNull', columns: ['order_id', 'amount'] },
      { type: 'unique', column: 'order_id' },
      { type: 'acceptedValues', column: 'status', values: ['new', 'paid'] },
      { type: 'customSql', sql: 'select order_id, amount from raw.sales where amount is null or amount < 10 order by amount', name: 'small amounts' },
    ]);
    const err = (await result().catch((e: unknown) => e)) as OperatorError;
    expect(err).toBeInstanceOf(OperatorError);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(
      /^5 quality check\(s\) failed: rowCount\(raw\.empty\): raw\.empty has 0 row\(s\), expected >= 1; notNull\(order_id, amount\): 2 row\(s\) with NULL/,
    );
    const results = pushed.results as QualityResult['results'];
    expect(results.map((r) => [r.name, r.passed, r.observed])).toEqual([
      ['rowCount(raw.empty)', false, 0],
      ['notNull(order_id, amount)', false, 2],
      ['unique(order_id)', false, 1],
      ['acceptedValues(status)', false, 2],
      ['small amounts', false, 3],
    ]);
    expect(results[4].message).toMatch(/^query returned 3 row\(s\), expected none; first rows: \[\{"ORDER_ID":null,"AMOUNT":1\},\{"ORDER_ID":3,"AMOUNT":5\},/);
    expect(logs.filter((l) => l.level === 'error')).toHaveLength(5);
  });

  it('succeeds with warnings when only warn checks fail', async () => {
    const { result, logs } = run([
      { type: 'rowCount', min: 1 },
      { type: 'unique', column: 'order_id', severity: 'warn' },
      { type: 'acceptedValues', column: 'status', values: ['new', 'paid', 'refunded'], severity: 'warn' },
    ]);
    const r = await result();
    expect([r.passed, r.failed, r.warned]).toEqual([true, 0, 2]);
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'check unique(order_id) (unique) WARNING: 1 duplicated value(s) of (order_id) in raw.sales',
      'check acceptedValues(status) (acceptedValues) WARNING: 1 row(s) of raw.sales with status not in ["new", "paid", "refunded"]',
    ]);
  });

  it("reports a check that cannot run (missing column) as failed with Snowflake's error", async () => {
    const { result, pushed } = run([{ type: 'notNull', column: 'no_such_column' }]);
    await expect(result()).rejects.toMatchObject({ retryable: false });
    expect((pushed.results as QualityResult['results'])[0]).toMatchObject({
      passed: false,
      observed: null,
      message: expect.stringMatching(/Snowflake error 000904/),
    });
  });

  it('rejects an invalid check before connecting', async () => {
    await expect(run([{ type: 'notNull' }]).result()).rejects.toMatchObject({
      retryable: false,
      message: 'checks[0] (notNull) needs column (a name) or columns (a list of names)',
    });
  });
});
