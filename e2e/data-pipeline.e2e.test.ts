import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateSalesCsv, salesPipelineSpec } from '../scripts/lib/sales-pipeline.mjs';
import { startDataServices, S3_KEY, S3_SECRET, SF_PASSWORD, SF_USER, WEBHOOK_SECRET, type DataServices } from './support/data-services.js';
import { signUp, type GqlClient } from './support/graphql.js';
import { ARTIFACTS, ROOT, startStack, waitFor, type Stack } from './support/stack.js';

const OLD_KEYS = `old:${Buffer.alloc(32, 11).toString('base64')}`;
const NEW_KEY = `new:${Buffer.alloc(32, 12).toString('base64')}`;
const SECRETS = [S3_SECRET, SF_PASSWORD, WEBHOOK_SECRET];
const BUCKET = 'sales';
const TABLE = 'SALES';

interface RunNode {
  id: string;
  runType: string;
  state: string;
  taskInstances: Array<{ taskId: string; state: string; tryNumber: number }>;
}

const RUNS = `query($d:String!){ dagRuns(dagId:$d, first: 50){ edges { node { id runType state taskInstances { taskId state tryNumber } } } } }`;
const CONNECTION_FIELDS = 'id connId type config secretFields hasPassword keyId';

function connectionInputs(services: DataServices) {
  return [
    {
      connId: 'sales_s3',
      type: 's3',
      config: { endpoint: services.s3Endpoint, forcePathStyle: true, accessKeyId: S3_KEY, bucket: BUCKET },
      secrets: { secretAccessKey: S3_SECRET },
    },
    {
      connId: 'sales_snowflake',
      type: 'snowflake',
      config: { account: 'tower', user: SF_USER, database: 'ANALYTICS', schema: 'RAW', accessUrl: services.snowflakeUrl },
      secrets: { password: SF_PASSWORD },
    },
    {
      connId: 'ops_email',
      type: 'smtp',
      config: { host: '127.0.0.1', port: services.smtpPort, secure: false, from: 'tower@example.test', to: ['data@example.test'] },
    },
    { connId: 'ops_webhook', type: 'http', config: { baseUrl: services.webhookUrl }, secrets: { signingSecret: WEBHOOK_SECRET } },
  ];
}

/**
 * The reference pipeline (docs/operators.md) for real: a file lands in the tenant's S3 (s3rver),
 * the file trigger starts a run, the worker extracts, transforms, loads into Snowflake
 * (snowflake-sdk → Tower's emulator), checks quality and notifies over real SMTP and HTTP — with
 * the tenant's encrypted connections.
 */
describe('daily_sales_pipeline end to end', () => {
  let services: DataServices;
  let stack: Stack;
  let a: GqlClient;
  let b: GqlClient;
  const ids: Record<string, string> = {};

  const runs = async (): Promise<RunNode[]> =>
    (await a.request<{ dagRuns: { edges: Array<{ node: RunNode }> } }>(RUNS, { d: 'daily_sales_pipeline' })).dagRuns.edges.map((e) => e.node);
  const finishedRun = (id: string) =>
    waitFor(async () => (await runs()).find((r) => r.id === id && ['success', 'failed'].includes(r.state)), 120_000, `run ${id} to finish`, 250);
  const newRun = (known: number) => waitFor(async () => ((await runs()).length > known ? (await runs())[0] : null), 30_000, 'a file-triggered run', 200);
  const loaded = async () =>
    (await services.sql(`select ORDER_ID, AMOUNT, QUANTITY, TOTAL, REGION from ${TABLE} order by ORDER_ID`)).map((r) => ({
      order_id: Number(r.ORDER_ID),
      amount: Number(r.AMOUNT),
      quantity: Number(r.QUANTITY),
      total: Number(r.TOTAL),
      region: r.REGION,
    }));

  beforeAll(async () => {
    services = await startDataServices([BUCKET]);
    stack = await startStack({
      name: 'data',
      env: { FILE_TRIGGER_POLL_MS: '300', TOWER_ENCRYPTION_KEYS: OLD_KEYS, ZOMBIE_AFTER_MS: '4000', HEARTBEAT_MS: '1000' },
    });
    a = (await signUp(stack.apiUrl, 'sales-a')).client;
    b = (await signUp(stack.apiUrl, 'sales-b')).client;
  });

  afterAll(async () => {
    await stack?.stop();
    await services?.close();
  });

  it('stores connections with write-only secrets and really tests them', async () => {
    for (const input of connectionInputs(services)) {
      const created = await a.request<{ createConnection: Record<string, unknown> }>(
        `mutation($i:CreateConnectionInput!){ createConnection(input:$i){ ${CONNECTION_FIELDS} } }`,
        { i: input },
      );
      ids[input.connId] = created.createConnection.id as string;
      for (const secret of SECRETS) expect(JSON.stringify(created)).not.toContain(secret);
    }
    const listed = await a.request<{
      connections: { edges: Array<{ node: { connId: string; hasPassword: boolean; secretFields: string[]; keyId: string | null } }> };
    }>(`{ connections { edges { node { ${CONNECTION_FIELDS} } } } }`);
    for (const secret of SECRETS) expect(JSON.stringify(listed)).not.toContain(secret);
    const byId = Object.fromEntries(listed.connections.edges.map((e) => [e.node.connId, e.node]));
    expect(byId.sales_snowflake).toMatchObject({ hasPassword: true, secretFields: ['password'], keyId: 'old' });
    expect(byId.sales_s3).toMatchObject({ hasPassword: true, secretFields: ['secretAccessKey'] });
    expect(byId.ops_email).toMatchObject({ hasPassword: false, secretFields: [], keyId: null });

    for (const connId of Object.keys(ids)) {
      const { testConnection } = await a.request<{ testConnection: { ok: boolean; message: string } }>(
        'mutation($id:ID!){ testConnection(id:$id){ ok message } }',
        { id: ids[connId] },
      );
      expect({ connId, result: testConnection.ok ? 'ok' : testConnection.message }).toEqual({ connId, result: 'ok' });
    }
    // A wrong password fails the test with a clear message that does not echo it.
    const bad = await a.request<{ createConnection: { id: string } }>('mutation($i:CreateConnectionInput!){ createConnection(input:$i){ id } }', {
      i: {
        connId: 'wrong_sf',
        type: 'snowflake',
        config: { account: 'tower', user: SF_USER, accessUrl: services.snowflakeUrl },
        secrets: { password: 'not-the-password-123' },
      },
    });
    const failed = await a.request<{ testConnection: { ok: boolean; message: string } }>('mutation($id:ID!){ testConnection(id:$id){ ok message } }', {
      id: bad.createConnection.id,
    });
    expect(failed.testConnection.ok).toBe(false);
    expect(failed.testConnection.message).not.toContain('not-the-password-123');
    await a.request('mutation($id:ID!){ deleteConnection(id:$id){ id } }', { id: bad.createConnection.id });
  });

  it("keeps tenant B away from tenant A's connections, by id and by name", async () => {
    const listed = await b.request<{ connections: { totalCount: number } }>('{ connections { totalCount } }');
    expect(listed.connections.totalCount).toBe(0);
    for (const query of [
      'mutation($id:ID!){ testConnection(id:$id){ ok } }',
      'query($id:ID!){ connection(id:$id){ id } }',
      'mutation($id:ID!){ deleteConnection(id:$id){ id } }',
    ]) {
      const res = await b.raw(query, { id: ids.sales_snowflake });
      expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    const byName = await b.raw('mutation($s:JSON!){ upsertDag(spec:$s){ dagId } }', { s: salesPipelineSpec() });
    expect(byName.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const errors = (byName.errors?.[0]?.extensions?.details as { errors: Array<{ path: string; message: string }> }).errors;
    expect(errors).toContainEqual({ path: 'tasks[0].connection', message: 'unknown connection "sales_s3"' });
    expect(errors).toContainEqual({ path: 'triggers[0].connection', message: 'unknown connection "sales_s3"' });
    const byId = await b.raw('mutation($s:JSON!){ upsertDag(spec:$s){ dagId } }', {
      s: { dagId: 'steal', tasks: [{ taskId: 'q', type: 'snowflake.sql', with: { connection: ids.sales_snowflake, sql: 'select 1' } }] },
    });
    expect(byId.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { errors: [{ path: 'tasks[0].with.connection', message: `unknown connection "${ids.sales_snowflake}"` }] },
    });
    expect(await stack.prisma.dag.count({ where: { dagId: 'steal' } })).toBe(0);
  });

  const file1 = generateSalesCsv({ rows: 40, firstId: 1000, seed: 1 });
  const file2 = generateSalesCsv({ rows: 25, firstId: 5000, seed: 2, date: '2026-12-01' });

  it('a new file starts one run; the six tasks succeed and Snowflake holds exactly the transformed rows', async () => {
    await a.request('mutation($s:JSON!){ upsertDag(spec:$s){ dagId } }', {
      s: salesPipelineSpec({ pokeIntervalSeconds: 1, timeoutSeconds: 120, retryDelaySeconds: 1, table: TABLE }),
    });
    await services.put(BUCKET, 'incoming/sales_data_2026-11-30.csv', file1.csv);
    const run = await newRun(0);
    expect(run.runType).toBe('triggered');
    const done = await finishedRun(run.id);
    expect(Object.fromEntries(done.taskInstances.map((t) => [t.taskId, t.state]))).toEqual({
      wait_for_sales_file: 'success',
      extract: 'success',
      transform: 'success',
      load: 'success',
      quality_checks: 'success',
      notify: 'success',
    });
    expect(done.state).toBe('success');
    expect(await loaded()).toEqual(file1.expected);
    // The object is in the run's params, and the extract counted its rows.
    const row = await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(row.params).toMatchObject({ s3_object: { bucket: BUCKET, key: 'incoming/sales_data_2026-11-30.csv' } });
    const extract = await a.request<{ dagRun: { taskInstances: Array<{ taskId: string; id: string }> } }>(
      'query($id:ID!){ dagRun(id:$id){ taskInstances { id taskId } } }',
      { id: run.id },
    );
    const extractTi = extract.dagRun.taskInstances.find((t) => t.taskId === 'extract')!;
    const xcom = await a.request<{ xcom: Array<{ key: string; value: unknown }> }>('query($id:ID!){ xcom(taskInstanceId:$id){ key value } }', {
      id: extractTi.id,
    });
    expect(xcom.xcom.find((x) => x.key === 'rowCount')?.value).toBe(40);

    await waitFor(async () => services.mail.length >= 1 && services.webhooks.length >= 1, 10_000, 'the success notifications');
    expect(services.mail[0].raw).toMatch(/Subject: .*daily_sales_pipeline/);
    expect(services.webhooks[0]).toMatchObject({ path: '/hooks/tower', signatureValid: true, json: { dagId: 'daily_sales_pipeline', status: 'success' } });
  });

  it('the same object again starts no run; a different object starts exactly one', async () => {
    await services.put(BUCKET, 'incoming/sales_data_2026-11-30.csv', file1.csv); // same bytes → same ETag
    await new Promise((r) => setTimeout(r, 2_000)); // several trigger polls
    expect(await runs()).toHaveLength(1);
    await services.put(BUCKET, 'incoming/sales_data_2026-12-01.csv', file2.csv);
    const run = await newRun(1);
    expect((await finishedRun(run.id)).state).toBe('success');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await runs()).toHaveLength(2);
    expect(await loaded()).toEqual([...file1.expected, ...file2.expected]);
    expect(await stack.prisma.s3TriggerObject.count()).toBe(2);
  });

  it('a file that breaks a quality check fails quality_checks and the run, and the failure is notified by mail and webhook', async () => {
    const mails = services.mail.length;
    const hooks = services.webhooks.length;
    const bad = generateSalesCsv({ rows: 10, firstId: 9000, seed: 3, badRegion: true });
    await services.put(BUCKET, 'incoming/sales_data_bad.csv', bad.csv);
    const run = await newRun(2);
    const done = await finishedRun(run.id);
    const states = Object.fromEntries(done.taskInstances.map((t) => [t.taskId, t.state]));
    expect(states).toMatchObject({ load: 'success', quality_checks: 'failed', notify: 'failed' });
    expect(done.taskInstances.find((t) => t.taskId === 'quality_checks')!.tryNumber).toBe(1); // data problems are not retried
    expect(done.state).toBe('failed');
    await waitFor(async () => services.mail.length > mails && services.webhooks.length > hooks, 10_000, 'the failure notifications');
    expect(services.mail.at(-1)!.raw).toMatch(/fail/i);
    expect(services.webhooks.at(-1)).toMatchObject({ signatureValid: true, json: { status: 'failure' } });
  });

  it('snowflake.load whose worker is killed mid-COPY is retried and loads each row exactly once', async () => {
    const rows = 200_000;
    const lines = ['order_id,amount'];
    for (let i = 1; i <= rows; i++) lines.push(`${i},${(i % 997) + 0.5}`);
    await services.put(BUCKET, 'big/orders.csv', `${lines.join('\n')}\n`);
    await a.request('mutation($s:JSON!){ upsertDag(spec:$s){ dagId } }', {
      s: {
        dagId: 'load_once',
        tasks: [
          {
            taskId: 'load',
            type: 'snowflake.load',
            retries: 2,
            retryDelaySeconds: 1,
            with: {
              connection: 'sales_snowflake',
              s3Connection: 'sales_s3',
              table: 'ORDERS_ONCE',
              source: { bucket: BUCKET, key: 'big/orders.csv' },
              createTable: {
                columns: [
                  { name: 'ORDER_ID', type: 'NUMBER(38,0)' },
                  { name: 'AMOUNT', type: 'NUMBER(12,2)' },
                ],
              },
              fileFormat: { type: 'csv', skipHeader: 1 },
            },
          },
        ],
      },
    });
    const { triggerDagRun } = await a.request<{ triggerDagRun: { id: string } }>('mutation{ triggerDagRun(dagId: "load_once"){ id } }');
    // The COPY statement is on its way to Snowflake: kill the worker without a chance to finish the try.
    await waitFor(
      async () =>
        (await stack.prisma.taskLog.findFirst({ where: { taskInstance: { dagRunId: triggerDagRun.id }, message: { contains: 'COPY INTO' } } })) !== null,
      60_000,
      'the COPY to start',
      20,
    );
    const worker = stack.processes.find((p) => p.name.startsWith('worker'))!;
    await worker.kill9();
    stack.processes.splice(stack.processes.indexOf(worker), 1);
    await stack.startProcess('worker');
    const done = await waitFor(
      async () => {
        const { dagRun } = await a.request<{ dagRun: RunNode }>(
          'query($id:ID!){ dagRun(id:$id){ id runType state taskInstances { taskId state tryNumber } } }',
          { id: triggerDagRun.id },
        );
        return ['success', 'failed'].includes(dagRun.state) ? dagRun : null;
      },
      90_000,
      'the load run',
      250,
    );
    expect(done.state).toBe('success');
    const load = done.taskInstances.find((t) => t.taskId === 'load')!;
    const attempts = await stack.prisma.taskTry.findMany({ where: { taskInstance: { dagRunId: triggerDagRun.id } }, orderBy: { tryNumber: 'asc' } });
    // The killed try was reaped as a zombie and retried; the last try succeeded.
    expect(attempts[0]).toMatchObject({ tryNumber: 1, state: 'failed', error: expect.stringContaining('zombie') });
    expect(attempts.at(-1)).toMatchObject({ tryNumber: load.tryNumber, state: 'success' });
    expect(load.tryNumber).toBeGreaterThanOrEqual(2);
    const [count] = await services.sql('select count(*) as N, count(distinct ORDER_ID) as D from ORDERS_ONCE');
    expect({ n: Number(count.N), distinct: Number(count.D) }).toEqual({ n: rows, distinct: rows });
  });

  it('after rotating the encryption key every connection still works, and the old key can be retired', async () => {
    // An alert channel's secret is sealed with the same keys and rotated with the connections.
    const channel = await a.request<{ createAlertChannel: { id: string } }>(
      `mutation { createAlertChannel(input: { name: "rotated", type: WEBHOOK, config: { url: "http://127.0.0.1:1/" }, secrets: { signingSecret: "whsec-rotate" } }) { id } }`,
    );
    const rotate = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'rotate-keys.mjs')], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: stack.databaseUrl, TOWER_ENCRYPTION_KEYS: `${NEW_KEY},${OLD_KEYS}`, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    expect(rotate.status).toBe(0);
    expect(JSON.parse(rotate.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      currentKey: 'new',
      reencrypted: 3,
      leftUnderOldKeys: 0,
      alertChannelsReencrypted: 1,
      alertChannelsLeftUnderOldKeys: 0,
    });
    // Restart every process with only the new key.
    for (const proc of [...stack.processes]) await proc.stop();
    stack.processes.length = 0;
    await stack.startProcess('api', { TOWER_ENCRYPTION_KEYS: NEW_KEY });
    await stack.startProcess('scheduler', { TOWER_ENCRYPTION_KEYS: NEW_KEY });
    await stack.startProcess('worker', { TOWER_ENCRYPTION_KEYS: NEW_KEY });
    for (const connId of Object.keys(ids)) {
      const { testConnection } = await a.request<{ testConnection: { ok: boolean; message: string } }>(
        'mutation($id:ID!){ testConnection(id:$id){ ok message } }',
        { id: ids[connId] },
      );
      expect({ connId, result: testConnection.ok ? 'ok' : testConnection.message }).toEqual({ connId, result: 'ok' });
    }
    // The channel's secret opens under the new key alone (the send itself finds nothing listening).
    const tested = await a.raw<{ testAlertChannel: { ok: boolean; statusCode: number | null } }>(
      'mutation($id:ID!){ testAlertChannel(id:$id){ ok statusCode } }',
      {
        id: channel.createAlertChannel.id,
      },
    );
    expect(tested).toEqual({ data: { testAlertChannel: { ok: false, statusCode: null } } });
    const file3 = generateSalesCsv({ rows: 5, firstId: 20_000, seed: 4 });
    await services.put(BUCKET, 'incoming/sales_data_after_rotation.csv', file3.csv);
    const run = await newRun(3);
    const done = await finishedRun(run.id);
    expect(done.taskInstances.find((t) => t.taskId === 'load')!.state).toBe('success');
  });

  it('no secret appears in any process log, task log, XCom or audit entry', async () => {
    const logs = readdirSync(ARTIFACTS)
      .filter((f) => f.startsWith('data-'))
      .map((f) => readFileSync(path.join(ARTIFACTS, f), 'utf8'))
      .join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    const taskLogs = (await stack.prisma.taskLog.findMany({ select: { message: true } })).map((l) => l.message).join('\n');
    expect(taskLogs).toMatch(/COPY INTO/i);
    const xcoms = JSON.stringify(await stack.prisma.xCom.findMany({ select: { value: true } }));
    const audit = JSON.stringify(await stack.prisma.auditLog.findMany(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    const tries = JSON.stringify(await stack.prisma.taskTry.findMany({ select: { error: true } }));
    for (const secret of SECRETS) {
      for (const [where, text] of Object.entries({ logs, taskLogs, xcoms, audit, tries }))
        expect({ where, leaked: text.includes(secret) }).toEqual({ where, leaked: false });
    }
  });
});
