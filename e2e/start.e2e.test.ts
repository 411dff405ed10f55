import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '@tower/db';
import { GqlClient } from './support/graphql.js';
import { freePort, ROOT, waitFor } from './support/stack.js';

describe('npm start', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('brings up API, scheduler, worker and web, prints the URLs and a demo login, and stops cleanly on Ctrl-C', async () => {
    const db = await createTestDatabase('start');
    cleanups.push(() => db.drop());
    const [apiPort, webPort, s3Port, sfPort, smtpPort, hookPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tower-start-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    // What `npm start` runs, from an environment without npm's variables of this test run. (Spawning
    // npm itself here would put a non-interactive npm between the test's Ctrl-C and the script.)
    const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], {
      cwd: ROOT,
      env: {
        ...cleanEnv,
        DATABASE_URL: db.url,
        API_PORT: String(apiPort),
        WEB_PORT: String(webPort),
        TOWER_DEMO_S3_PORT: String(s3Port),
        TOWER_DEMO_SNOWFLAKE_PORT: String(sfPort),
        TOWER_DEMO_SMTP_PORT: String(smtpPort),
        TOWER_DEMO_WEBHOOK_PORT: String(hookPort),
        TOWER_DATA_DIR: dataDir,
        FILE_TRIGGER_POLL_MS: '1000',
        REDIS_PREFIX: `tower-test-start-${process.pid}`,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a failed test kills npm start's children too, not just start.mjs.
      detached: true,
    });
    cleanups.push(async () => {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
    });
    let output = '';
    let exited = false;
    child.stdout.on('data', (d) => (output += d.toString()));
    child.stderr.on('data', (d) => (output += d.toString()));
    child.on('exit', (code, signal) => {
      exited = true;
      output += `\n[start.mjs exited: ${code ?? signal}]`;
    });

    await waitFor(async () => output.includes('Tower is running.') || exited, 150_000, 'the start banner', 250).catch((err: Error) => {
      throw new Error(`${err.message}\n--- npm start output ---\n${output.slice(-4000)}`);
    });
    if (!output.includes('Tower is running.')) throw new Error(`npm start stopped before it was up:\n${output.slice(-4000)}`);
    expect(output).toContain(`http://localhost:${webPort}`);
    expect(output).toContain(`http://localhost:${apiPort}/graphql`);
    const login = /Login\s+(\S+@\S+)\s+\/\s+(\S+)/.exec(output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), ''));
    expect(login).not.toBeNull();

    // the demo login works against /graphql and the demo DAG is there
    const api = new GqlClient(`http://127.0.0.1:${apiPort}/graphql`);
    const auth = await api.request<{ login: { token: string } }>(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, {
      e: login![1],
      p: login![2],
    });
    api.token = auth.login.token;
    const dags = await api.request<{ dags: { edges: Array<{ node: { dagId: string } }> } }>(`query { dags { edges { node { dagId } } } }`);
    expect(dags.dags.edges.map((e) => e.node.dagId)).toEqual(expect.arrayContaining(['hello_tower', 'daily_sales_pipeline']));

    // the demo connections reach the local S3, Snowflake emulator and catchers
    const conns = await api.request<{ connections: { edges: Array<{ node: { id: string; connId: string } }> } }>(
      '{ connections { edges { node { id connId } } } }',
    );
    expect(conns.connections.edges.map((e) => e.node.connId).sort()).toEqual(['ops_email', 'ops_webhook', 'sales_s3', 'sales_snowflake']);
    for (const { node } of conns.connections.edges) {
      const { testConnection } = await api.request<{ testConnection: { ok: boolean; message: string } }>(
        'mutation($id:ID!){ testConnection(id:$id){ ok message } }',
        { id: node.id },
      );
      expect({ connId: node.connId, ...testConnection }).toMatchObject({ connId: node.connId, ok: true });
    }

    // `npm run demo:drop-file` drops a file: the whole daily_sales_pipeline runs against the emulators
    const drop = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'demo-drop-file.mjs'), '--rows', '30'], {
      cwd: ROOT,
      env: { ...cleanEnv, TOWER_DEMO_S3_ENDPOINT: `http://127.0.0.1:${s3Port}` },
    });
    expect(drop.stdout).toMatch(/Dropped s3:\/\/sales\/incoming\/sales_data_/);
    const RUNS = '{ dagRuns(dagId: "daily_sales_pipeline") { edges { node { id runType state } } } }';
    type Runs = { dagRuns: { edges: Array<{ node: { id: string; runType: string; state: string } }> } };
    const run = await waitFor(
      async () => {
        const runs = (await api.request<Runs>(RUNS)).dagRuns.edges.map((e) => e.node);
        return runs.find((r) => r.runType === 'triggered' && ['success', 'failed'].includes(r.state));
      },
      90_000,
      'the demo pipeline run',
      500,
    );
    expect(run.state).toBe('success');
    // the web app's "Drop a sample file" button does the same through its route
    const dropped = await fetch(`http://127.0.0.1:${webPort}/api/demo/drop-file`, { method: 'POST', headers: { authorization: `Bearer ${api.token}` } });
    expect(dropped.status).toBe(200);
    expect(((await dropped.json()) as { message: string }).message).toMatch(/Dropped/);
    const unauthorized = await fetch(`http://127.0.0.1:${webPort}/api/demo/drop-file`, { method: 'POST' });
    expect(unauthorized.status).toBe(401);

    // the web app serves its login page
    const page = await fetch(`http://127.0.0.1:${webPort}/login`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/Tower/);

    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => {
      if (exited) resolve(child.exitCode);
      else child.once('exit', (c) => resolve(c));
    });
    expect(code).toBe(0);
    expect(output).toContain('Stopped.');
    // every port is free again
    await expect(fetch(`http://127.0.0.1:${apiPort}/health`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${webPort}/login`)).rejects.toThrow();
  });
});
