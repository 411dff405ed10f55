import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectSnowflake, testSnowflakeConnection } from './client.js';
import { SnowflakeOperatorError } from './errors.js';
import { SF_PASSWORD, startSnowflakeStack, type SnowflakeStack } from './test-support.spec.js';

let stack: SnowflakeStack;
beforeAll(async () => {
  stack = await startSnowflakeStack([]);
});
afterAll(async () => {
  await stack?.close();
});

describe('connectSnowflake (real snowflake-sdk ↔ emulator)', () => {
  it('logs in with a password and runs statements with binds', async () => {
    const session = await connectSnowflake(stack.connections.sf);
    try {
      expect(await session.execute('select ? as A, ? as B', [1, 'x'])).toEqual([{ A: 1, B: 'x' }]);
      const head = await session.executeHead('select seq4() as N from table(generator(rowcount => 250))', undefined, 3);
      expect(head).toEqual({ rows: [{ N: 0 }, { N: 1 }, { N: 2 }], rowCount: 250 });
    } finally {
      await session.close();
    }
  });

  it('logs in with a key pair (SNOWFLAKE_JWT)', async () => {
    const session = await connectSnowflake(stack.connections.sf_key);
    try {
      expect(await session.execute('select current_user() as U')).toEqual([{ U: 'LOADER' }]);
    } finally {
      await session.close();
    }
  });

  it('maps a failing statement to a non-retryable error with code and SQL state', async () => {
    const session = await connectSnowflake(stack.connections.sf);
    try {
      const err = (await session.execute('select * from no_such_table', undefined, { label: 'probe' }).catch((e: unknown) => e)) as SnowflakeOperatorError;
      expect(err).toBeInstanceOf(SnowflakeOperatorError);
      expect(err.message).toMatch(/^probe failed: Snowflake error 002003 \(42S02\): .*NO_SUCH_TABLE/);
      expect([err.code, err.sqlState, err.retryable]).toEqual(['002003', '42S02', false]);
    } finally {
      await session.close();
    }
  });

  it('stops at once with the abort reason when the try is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('execution timeout'));
    await expect(connectSnowflake(stack.connections.sf, { signal: controller.signal })).rejects.toThrow('execution timeout');
    const live = new AbortController();
    const session = await connectSnowflake(stack.connections.sf, { signal: live.signal });
    try {
      live.abort(new Error('worker shutting down'));
      await expect(session.execute('select 1')).rejects.toThrow('worker shutting down');
    } finally {
      await session.close();
    }
  });

  it('rejects a wrong password with a clean, non-retryable error', async () => {
    const err = (await connectSnowflake(stack.connections.sf_bad).catch((e: unknown) => e)) as SnowflakeOperatorError;
    expect(err.message).toMatch(/^Snowflake login to sf_bad as tower failed: Snowflake error 390100/);
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain('wrong-pw');
  });
});

describe('testSnowflakeConnection', () => {
  it('is ok for a valid connection (password and key pair)', async () => {
    await expect(testSnowflakeConnection(stack.connections.sf)).resolves.toEqual({ ok: true, message: 'logged in to Snowflake account tower as tower' });
    await expect(testSnowflakeConnection(stack.connections.sf_key)).resolves.toMatchObject({ ok: true });
  });

  it('reports a wrong password without throwing or echoing the secret', async () => {
    const r = await testSnowflakeConnection(stack.connections.sf_bad);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/390100/);
    expect(r.message).not.toContain('wrong-pw');
    expect(r.message).not.toContain(SF_PASSWORD);
  });

  it('reports an unreachable service and a connection without secrets', async () => {
    const down = { ...stack.connections.sf, config: { ...stack.connections.sf.config, accessUrl: 'http://127.0.0.1:9' } };
    await expect(testSnowflakeConnection(down, { timeoutMs: 2_000 })).resolves.toEqual({ ok: false, message: 'Snowflake login to sf timed out after 2000 ms' });
    const noSecret = { ...stack.connections.sf, secrets: {} };
    await expect(testSnowflakeConnection(noSecret)).resolves.toEqual({
      ok: false,
      message: 'snowflake connection sf has neither a password nor a privateKey secret',
    });
  });
});
