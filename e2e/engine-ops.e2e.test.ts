import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp, type GqlClient } from './support/graphql.js';
import { getRun, runFinished, type RunView as RunNode } from './support/runs.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

/** One request the test's HTTP server received. */
interface Seen {
  path: string;
  body: string;
  at: number;
  /** The client went away before the response was sent (the try was stopped). */
  aborted: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Engine scope items through the real API, scheduler and worker processes: marking a task failed
 * with its downstream effects, the 64 KiB XCom limit, XCom values templated into a downstream
 * task before each try, DAG versions frozen per run, and executionTimeoutSeconds with a retry.
 * A local HTTP server stands in for the outside world (http.request is the operator whose
 * return value, the response, becomes XCom).
 */
describe('engine operations (real processes): mark failed, XCom limit and templating, versions, timeout + retry', () => {
  let stack: Stack;
  let server: http.Server;
  let base: string;
  const seen: Seen[] = [];
  const counts = new Map<string, number>();
  /** Responses to /gate, held until the test sends them. */
  const held: Array<() => void> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        const path = (req.url ?? '').split('?')[0];
        const entry: Seen = { path, body, at: Date.now(), aborted: false };
        seen.push(entry);
        const n = (counts.get(path) ?? 0) + 1;
        counts.set(path, n);
        res.on('close', () => {
          if (!res.writableFinished) entry.aborted = true;
        });
        const json = (value: unknown) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        switch (path) {
          case '/big':
            // 20,000 control characters: 20,000 chars of text, but 6 bytes each once JSON-escaped
            // (\u0001), so the return value { status, body } is ~120 KB of XCom.
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('\u0001'.repeat(20_000));
            return;
          case '/small':
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('a'.repeat(30_000));
            return;
          case '/produce':
            return json({ token: `tok-${n}` });
          case '/consume':
            return json({ echo: body ? JSON.parse(body) : null });
          case '/v1':
          case '/v2':
            return json({ version: path.slice(1) });
          case '/gate':
            // answered when the test says so: a task that runs exactly as long as the test needs
            held.push(() => json({ released: true }));
            return;
          case '/hang-then-ok':
            // the first call never answers (the try must time out); later calls answer at once
            if (n === 1) return;
            return json({ ok: true, call: n });
          default:
            res.writeHead(404);
            res.end();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    stack = await startStack({ name: 'engine-ops', env: { SCHEDULER_TICK_MS: '100', HEARTBEAT_MS: '500', ZOMBIE_AFTER_MS: '5000' } });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  const upsert = (api: GqlClient, spec: Record<string, unknown>) =>
    api
      .request<{ upsertDag: { dagId: string; latestVersion: number } }>('mutation($s:JSON!){ upsertDag(spec:$s){ dagId latestVersion } }', { s: spec })
      .then((d) => d.upsertDag);
  const trigger = (api: GqlClient, dagId: string) =>
    api
      .request<{ triggerDagRun: { id: string; dagVersion: number } }>('mutation($d:String!){ triggerDagRun(dagId:$d){ id dagVersion } }', { d: dagId })
      .then((d) => d.triggerDagRun);
  const finished = runFinished;
  const states = (run: RunNode) => Object.fromEntries(run.taskInstances.map((t) => [t.taskId, t.state]));
  const ti = (run: RunNode, taskId: string) => run.taskInstances.find((t) => t.taskId === taskId)!;
  const xcomOf = (api: GqlClient, taskInstanceId: string) =>
    api
      .request<{ xcom: Array<{ key: string; value: unknown; tryNumber: number }> }>('query($t:ID!){ xcom(taskInstanceId:$t){ key value tryNumber } }', {
        t: taskInstanceId,
      })
      .then((d) => d.xcom);
  const taskLog = (api: GqlClient, taskInstanceId: string, tryNumber: number) =>
    api
      .request<{ taskLog: Array<{ message: string; level: string }> }>('query($t:ID!,$n:Int){ taskLog(taskInstanceId:$t, tryNumber:$n){ message level } }', {
        t: taskInstanceId,
        n: tryNumber,
      })
      .then((d) => d.taskLog);

  it('markTaskInstance(failed) on a running task: the try is stopped, not retried; all_success downstream is upstream_failed and the run fails', async () => {
    const { client: api } = await signUp(stack.apiUrl, 'markfail');
    await upsert(api, {
      dagId: 'mark_failed',
      tasks: [
        // retries left on purpose: a task marked failed by hand must stay failed
        { taskId: 'slow', type: 'noop', retries: 2, retryDelaySeconds: 1, with: { durationMs: 60_000 } },
        { taskId: 'after', type: 'noop', dependsOn: ['slow'] },
        { taskId: 'cleanup', type: 'noop', dependsOn: ['slow'], triggerRule: 'all_done' },
        { taskId: 'alert', type: 'noop', dependsOn: ['slow'], triggerRule: 'one_failed' },
      ],
    });
    const run = await trigger(api, 'mark_failed');
    const slow = await waitFor(
      async () => {
        const t = ti(await getRun(api, run.id), 'slow');
        return t.state === 'running' ? t : null;
      },
      20_000,
      'slow to run',
    );

    const markedAt = Date.now();
    const { markTaskInstance } = await api.request<{ markTaskInstance: { taskId: string; state: string } }>(
      'mutation($id:ID!){ markTaskInstance(id:$id, state: failed){ taskId state } }',
      { id: slow.id },
    );
    expect(markTaskInstance).toEqual({ taskId: 'slow', state: 'failed' });

    const done = await finished(api, run.id, 20_000);
    expect(done.state).toBe('failed');
    expect(states(done)).toEqual({ slow: 'failed', after: 'upstream_failed', cleanup: 'success', alert: 'success' });
    expect(ti(done, 'after').tryNumber).toBe(0); // never ran

    // The worker stopped the try well before its 60 s.
    const stopped = await waitFor(
      () => stack.prisma.taskTry.findFirst({ where: { taskInstanceId: slow.id, endedAt: { not: null } } }),
      10_000,
      'the marked try to end',
    );
    // (10 s: the stop notice, the abort and the try's end across processes on a loaded machine)
    expect(stopped.endedAt!.getTime() - markedAt).toBeLessThan(10_000);

    // Past the retry delay: still failed, one try, the run still failed (no retry, no overwrite by the worker).
    await sleep(2_500);
    const later = await getRun(api, run.id);
    expect(later.state).toBe('failed');
    expect(ti(later, 'slow')).toMatchObject({ state: 'failed', tryNumber: 1 });
    expect(await stack.prisma.taskTry.count({ where: { taskInstanceId: slow.id } })).toBe(1);
    expect(await stack.prisma.taskInstance.count({ where: { dagRunId: run.id, state: { in: ['running', 'queued', 'scheduled', 'up_for_retry'] } } })).toBe(0);
  });

  it('a try whose XCom is over 64 KiB fails with an error telling the user to write the data to S3; a value under the limit is stored', async () => {
    const { client: api } = await signUp(stack.apiUrl, 'xcomlimit');
    await upsert(api, {
      dagId: 'xcom_limit',
      tasks: [
        { taskId: 'small', type: 'http.request', with: { url: `${base}/small` } },
        { taskId: 'big', type: 'http.request', with: { url: `${base}/big` } },
      ],
    });
    const run = await trigger(api, 'xcom_limit');
    const done = await finished(api, run.id);
    expect(states(done)).toEqual({ small: 'success', big: 'failed' });
    expect(done.state).toBe('failed');

    const big = ti(done, 'big');
    const tries = await stack.prisma.taskTry.findMany({ where: { taskInstanceId: big.id }, orderBy: { tryNumber: 'asc' } });
    expect(tries.map((t) => t.state)).toEqual(['failed']);
    expect(tries[0].error).toMatch(/return_value/);
    expect(tries[0].error).toMatch(/64 KiB/);
    expect(tries[0].error).toMatch(/S3/);
    // the user sees it in the task log too, and nothing oversized was stored
    expect((await taskLog(api, big.id, 1)).some((l) => l.level === 'error' && /64 KiB/.test(l.message) && /S3/.test(l.message))).toBe(true);
    expect(await xcomOf(api, big.id)).toEqual([]);
    expect(await stack.prisma.xCom.count({ where: { taskInstanceId: big.id } })).toBe(0);

    // ~30 KB is under the limit: stored whole
    const small = await xcomOf(api, ti(done, 'small').id);
    expect(small).toHaveLength(1);
    expect(small[0].key).toBe('return_value');
    expect((small[0].value as { status: number; body: string }).status).toBe(200);
    expect((small[0].value as { status: number; body: string }).body).toHaveLength(30_000);
  });

  it("a downstream task's templated field renders the upstream task's XCom, again before each try (after a clear it sees the new value)", async () => {
    const { client: api } = await signUp(stack.apiUrl, 'xcomtpl');
    await upsert(api, {
      dagId: 'xcom_template',
      tasks: [
        { taskId: 'produce', type: 'http.request', with: { url: `${base}/produce` } },
        {
          taskId: 'consume',
          type: 'http.request',
          dependsOn: ['produce'],
          with: { url: `${base}/consume`, method: 'POST', body: { got: '{{ xcom.produce }}', task: '{{ task_id }}' } },
        },
      ],
    });
    const run = await trigger(api, 'xcom_template');
    const done = await finished(api, run.id);
    expect(done.state).toBe('success');
    const consume = ti(done, 'consume');

    // What the downstream task sent: the upstream return value ({ status, body }) rendered as JSON.
    const sent = () => seen.filter((s) => s.path === '/consume').map((s) => JSON.parse(s.body) as { got: string; task: string });
    expect(sent()).toHaveLength(1);
    expect(JSON.parse(sent()[0].got)).toEqual({ status: 200, body: { token: 'tok-1' } });
    expect(sent()[0].task).toBe('consume');
    // and what it stored: its own XCom echoes the rendered value
    const x1 = await xcomOf(api, consume.id);
    expect(JSON.parse((x1[0].value as { body: { echo: { got: string } } }).body.echo.got)).toEqual({ status: 200, body: { token: 'tok-1' } });

    // Clear the upstream with its downstream: produce returns tok-2 on its second try, and
    // consume's second try is rendered afresh with it.
    await api.request('mutation($r:ID!){ clearTaskInstances(runId:$r, taskIds:["produce"], includeDownstream:true){ taskId } }', { r: run.id });
    const again = await waitFor(
      async () => {
        const r = await getRun(api, run.id);
        return r.state === 'success' && ti(r, 'consume').tryNumber === 2 ? r : null;
      },
      30_000,
      'the cleared run to succeed again',
    );
    expect(ti(again, 'produce').tryNumber).toBe(2);
    expect(sent()).toHaveLength(2);
    expect(JSON.parse(sent()[1].got)).toEqual({ status: 200, body: { token: 'tok-2' } });
    const x2 = await xcomOf(api, consume.id);
    expect(x2).toHaveLength(1);
    expect(x2[0].tryNumber).toBe(2);
    expect(JSON.parse((x2[0].value as { body: { echo: { got: string } } }).body.echo.got).body.token).toBe('tok-2');
    // the log of try 2 shows the request it made
    expect((await taskLog(api, consume.id, 2)).some((l) => l.message.includes(`POST ${base}/consume`))).toBe(true);
  });

  it('a run keeps the DAG version it was created with when the DAG is upserted to version 2 mid-run', async () => {
    const { client: api } = await signUp(stack.apiUrl, 'versions');
    const v1 = await upsert(api, {
      dagId: 'evolving',
      tasks: [
        // runs until the test releases its request (after the upsert below)
        { taskId: 'first', type: 'http.request', with: { url: `${base}/gate` } },
        { taskId: 'second', type: 'http.request', dependsOn: ['first'], with: { url: `${base}/v1` } },
      ],
    });
    expect(v1.latestVersion).toBe(1);
    const run = await trigger(api, 'evolving');
    expect(run.dagVersion).toBe(1);
    await waitFor(async () => ti(await getRun(api, run.id), 'first').state === 'running', 20_000, 'first to run');

    // Version 2 while the run is in its first task: the second task changes, a third appears.
    const v2 = await upsert(api, {
      dagId: 'evolving',
      tasks: [
        { taskId: 'first', type: 'noop', with: { durationMs: 100 } },
        { taskId: 'second', type: 'http.request', dependsOn: ['first'], with: { url: `${base}/v2` } },
        { taskId: 'third', type: 'noop', dependsOn: ['second'] },
      ],
    });
    expect(v2.latestVersion).toBe(2);
    expect(ti(await getRun(api, run.id), 'first').state).toBe('running'); // really mid-run
    await waitFor(async () => held.length > 0, 20_000, "first's request");
    held.splice(0).forEach((release) => release());

    const done = await finished(api, run.id);
    expect(done.state).toBe('success');
    expect(done.dagVersion).toBe(1);
    expect(done.taskInstances.map((t) => t.taskId).sort()).toEqual(['first', 'second']);
    // the second task ran as version 1 defines it
    expect(counts.get('/v1')).toBe(1);
    expect(counts.get('/v2') ?? 0).toBe(0);
    const x = await xcomOf(api, ti(done, 'second').id);
    expect(x[0].value).toEqual({ status: 200, body: { version: 'v1' } });
    expect((await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: run.id } })).dagVersion).toBe(1);

    // A run created now gets version 2.
    const next = await trigger(api, 'evolving');
    expect(next.dagVersion).toBe(2);
    const nextDone = await finished(api, next.id);
    expect(nextDone.state).toBe('success');
    expect(nextDone.taskInstances.map((t) => t.taskId).sort()).toEqual(['first', 'second', 'third']);
    expect(counts.get('/v2')).toBe(1);
    expect(counts.get('/v1')).toBe(1);
  });

  it('a try over executionTimeoutSeconds is stopped and fails, then is retried per its retries (try 2 succeeds)', async () => {
    const { client: api } = await signUp(stack.apiUrl, 'timeoutretry');
    await upsert(api, {
      dagId: 'timeout_retry',
      tasks: [{ taskId: 'call', type: 'http.request', retries: 1, retryDelaySeconds: 1, executionTimeoutSeconds: 1, with: { url: `${base}/hang-then-ok` } }],
    });
    const run = await trigger(api, 'timeout_retry');
    const done = await finished(api, run.id);
    expect(done.state).toBe('success');
    const call = ti(done, 'call');
    expect(call).toMatchObject({ state: 'success', tryNumber: 2 });

    const tries = await stack.prisma.taskTry.findMany({ where: { taskInstanceId: call.id }, orderBy: { tryNumber: 'asc' } });
    expect(tries.map((t) => [t.tryNumber, t.state])).toEqual([
      [1, 'failed'],
      [2, 'success'],
    ]);
    expect(tries[0].error).toMatch(/executionTimeoutSeconds/);
    // try 1 was stopped at its 1 s timeout, not left hanging on the request
    const firstMs = tries[0].endedAt!.getTime() - tries[0].startedAt.getTime();
    expect(firstMs).toBeGreaterThanOrEqual(900);
    expect(firstMs).toBeLessThan(10_000); // the timeout, the log flush and the end on a loaded machine
    // the retry waited its delay (1 s) after try 1 ended
    expect(tries[1].startedAt.getTime() - tries[0].endedAt!.getTime()).toBeGreaterThanOrEqual(900);
    // the hanging request itself was aborted by the worker
    const hung = seen.find((s) => s.path === '/hang-then-ok')!;
    await waitFor(async () => hung.aborted, 5_000, 'the timed-out request to be aborted');
    expect(counts.get('/hang-then-ok')).toBe(2);
    expect((await taskLog(api, call.id, 1)).some((l) => /executionTimeoutSeconds/.test(l.message))).toBe(true);
  });
});
