import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OperatorError } from '../operator.js';
import { snowflakeSqlOperator, type SqlResult } from './sql.operator.js';
import { makeContext, startSnowflakeStack, type SnowflakeStack } from './test-support.spec.js';

let stack: SnowflakeStack;
beforeAll(async () => {
  stack = await startSnowflakeStack([]);
});
afterAll(async () => {
  await stack?.close();
});

const run = (params: Record<string, unknown>) => {
  const t = makeContext({ params, connections: stack.connections, taskId: 'sql' });
  return { ...t, result: () => snowflakeSqlOperator.execute(t.ctx) as Promise<SqlResult> };
};

describe('snowflake.sql (real driver ↔ emulator)', () => {
  it('runs statements in order with positional binds and returns the last statement rows', async () => {
    const { result, logs } = run({
      connection: 'sf',
      sql: [
        'create table people (id number, name varchar, active boolean)',
        'insert into people values (?, ?, ?), (:4, :5, :6)',
        "select id, name, active from people where name <> '?' and id >= ? order by id",
      ],
      binds: [1, "O'Brien", true, 2, 'Zoë', false],
    });
    await expect(result()).resolves.toEqual({
      statements: 3,
      rows: [
        { ID: 1, NAME: "O'Brien", ACTIVE: true },
        { ID: 2, NAME: 'Zoë', ACTIVE: false },
      ],
      rowCount: 2,
    });
    expect(logs.map((l) => l.message)).toContain('statement 2 of 3: insert into people values (?, ?, ?), (:4, :5, :6) (6 binds)');
  });

  it('binds an object by :name (leaving casts and variant paths alone)', async () => {
    const { result } = run({
      connection: 'sf',
      sql: 'select :name as NAME, :n::int + 1 as NEXT, parse_json(\'{"name":1}\'):name as PATH',
      binds: { name: 'sales', n: '41' },
    });
    await expect(result()).resolves.toMatchObject({ rows: [{ NAME: 'sales', NEXT: 42, PATH: 1 }], rowCount: 1 });
  });

  it('keeps at most 100 rows of a large result in the XCom and reports the full count', async () => {
    const { result } = run({ connection: 'sf', sql: "select seq4() as N, repeat('x', 100) as PAD from table(generator(rowcount => 5000))" });
    const r = await result();
    expect(r.rows).toHaveLength(100);
    expect(r.rowCount).toBe(5000);
    expect(r.rows[99]).toEqual({ N: 99, PAD: 'x'.repeat(100) });
    expect(Buffer.byteLength(JSON.stringify(r))).toBeLessThan(64 * 1024);
  });

  it('trims rows further when 100 rows would exceed the XCom budget', async () => {
    const { result, logs } = run({ connection: 'sf', sql: "select seq4() as N, repeat('y', 2000) as PAD from table(generator(rowcount => 100))" });
    const r = await result();
    expect(r.truncated).toBe(true);
    expect(r.rows.length).toBeLessThan(100);
    expect(r.rowCount).toBe(100);
    expect(Buffer.byteLength(JSON.stringify(r))).toBeLessThan(64 * 1024);
    expect(logs.some((l) => l.level === 'warn')).toBe(true);
  });

  it('fails for good on a syntax error, naming the statement', async () => {
    const { result } = run({ connection: 'sf', sql: ['select 1', 'selec oops'] });
    const err = (await result().catch((e: unknown) => e)) as OperatorError;
    expect(err).toBeInstanceOf(OperatorError);
    expect(err.message).toMatch(/^statement 2 of 2 failed: Snowflake error 001003 \(42000\)/);
    expect(err.retryable).toBe(false);
  });

  it('rejects bad binds before connecting', async () => {
    await expect(run({ connection: 'sf', sql: 'select ?', binds: [{ a: 1 }] }).result()).rejects.toMatchObject({
      retryable: false,
      message: 'statement 1: binds[0] must be a string, a finite number, a boolean or null',
    });
    await expect(run({ sql: 'select 1' }).result()).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/names no Snowflake connection/),
    });
  });
});
