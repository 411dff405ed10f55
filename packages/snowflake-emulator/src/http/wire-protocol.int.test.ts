import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type SnowflakeEmulator, startSnowflakeEmulator } from '../index.js';
import { connect } from '../test-support/sdk-client.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response shapes are asserted field by field below
type Body = { success: boolean; code: string | null; message: string | null; data: Record<string, any> };

/** Speaks the REST protocol directly, to pin the exact shapes snowflake-sdk depends on. */
async function post(url: string, body: unknown, token?: string, gzip = false): Promise<Body> {
  const json = Buffer.from(JSON.stringify(body));
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      ...(token ? { Authorization: `Snowflake Token="${token}"` } : {}),
    },
    body: gzip ? gzipSync(json) : json,
  });
  return (await res.json()) as Body;
}

describe('Snowflake REST wire protocol', () => {
  let emulator: SnowflakeEmulator;
  let token: string;

  beforeAll(async () => {
    emulator = await startSnowflakeEmulator({ resultChunkRows: 10_000 });
    const login = await post(
      `${emulator.url}/session/v1/login-request?databaseName=wire`,
      { data: { ACCOUNT_NAME: 'tower', LOGIN_NAME: 'anyone', PASSWORD: 'x' } },
      undefined,
      true,
    );
    expect(login.success).toBe(true);
    token = login.data.token;
  });
  afterAll(() => emulator.close());

  const query = (sqlText: string, extra: Record<string, unknown> = {}) =>
    post(`${emulator.url}/queries/v1/query-request?requestId=r1`, { sqlText, ...extra }, token);

  it('returns the first chunk inline and the rest as chunk URLs serving "[..],[..]" text', async () => {
    const res = await query("SELECT range AS n, 'row-' || range AS s FROM range(25000)");
    const { data } = res;
    expect(data.rowtype.map((c: { name: string; type: string; precision: number; scale: number }) => [c.name, c.type, c.precision, c.scale])).toEqual([
      ['N', 'fixed', 38, 0],
      ['S', 'text', null, null],
    ]);
    expect([data.total, data.returned, data.rowset.length]).toEqual([25000, 25000, 10000]);
    expect(data.chunks.map((c: { rowCount: number }) => c.rowCount)).toEqual([10000, 5000]);
    const text = await (await fetch(data.chunks[1].url)).text();
    expect(text.startsWith('[')).toBe(true);
    const rows = JSON.parse(`[${text}]`);
    expect(rows[0]).toEqual(['20000', 'row-20000']);
    expect(rows).toHaveLength(5000);
  });

  it('encodes dates as days and timestamps as epoch seconds with nine fraction digits', async () => {
    const { data } = await query(
      "SELECT DATE '2024-01-02' AS d, TIMESTAMP '1969-12-31 23:59:59.5' AS ts, TRUE AS b, 1.25::NUMBER(5,2) AS x, X'0aff'::BINARY AS bin",
    );
    expect(data.rowtype.map((c: { type: string }) => c.type)).toEqual(['date', 'timestamp_ntz', 'boolean', 'fixed', 'binary']);
    expect(data.rowset).toEqual([['19724', '-0.500000000', '1', '1.25', '0AFF']]);
    expect(data.statementTypeId).toBe(0x1000);
    expect(data.queryId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown session token with "session gone" (390111)', async () => {
    const res = await post(`${emulator.url}/queries/v1/query-request`, { sqlText: 'select 1' }, 'not-a-token');
    expect([res.success, res.code]).toEqual([false, '390111']);
  });

  it('runs asyncExec queries that the SDK polls and fetches by query id', async () => {
    const client = await connect(emulator.url);
    const queryId = await new Promise<string>((resolve, reject) =>
      client.connection.execute({
        sqlText: 'SELECT 40 + 2 AS ANSWER',
        asyncExec: true,
        complete: (err, stmt) => (err ? reject(err) : resolve(stmt.getQueryId())),
      }),
    );
    const statement = await client.connection.getResultsFromQueryId({ queryId });
    const rows: unknown[] = [];
    await new Promise<void>((resolve, reject) =>
      statement
        .streamRows()
        .on('data', (r: unknown) => rows.push(r))
        .on('end', resolve)
        .on('error', reject),
    );
    expect(rows).toEqual([{ ANSWER: 42 }]);
    expect(await client.connection.getQueryStatus(queryId)).toBe('SUCCESS');
    await client.close();
  });
});

describe('persistence with a data directory', () => {
  it('keeps databases and tables across restarts, and DROP DATABASE removes the file-backed database', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sf-emulator-data-'));
    try {
      let emulator = await startSnowflakeEmulator({ dataDir });
      let client = await connect(emulator.url);
      await client.query('CREATE DATABASE keep');
      await client.query('CREATE TABLE keep.public.notes (id INT, body STRING)');
      await client.query("INSERT INTO keep.public.notes VALUES (1, 'survives')");
      await client.close();
      await emulator.close();

      emulator = await startSnowflakeEmulator({ dataDir });
      client = await connect(emulator.url);
      expect(await client.query('SELECT * FROM keep.public.notes')).toEqual([{ ID: 1, BODY: 'survives' }]);
      await client.query('DROP DATABASE keep');
      expect((await client.query('SHOW DATABASES')).map((d) => d.name)).not.toContain('KEEP');
      await client.close();
      await emulator.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
