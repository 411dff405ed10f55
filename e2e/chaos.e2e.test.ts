import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHAOS_BUCKET, chaosDags, startReceiver, type Fault } from './support/chaos.js';
import { createS3Connection, startDataServices, type DataServices } from './support/data-services.js';
import { signUp } from './support/graphql.js';
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.js';
import { startPrivateRedis, type PrivateRedis } from './support/private-redis.js';
import { ARTIFACTS, freePort, startStack, waitFor, type Stack, type TowerProcess } from './support/stack.js';

/**
 * Chaos: faults together and under load, on a PostgreSQL cluster and a redis-server of the test's
 * own (the machine's are never touched). Two schedulers, three workers and two API processes run a
 * mix of DAGs (retries, a sensor, an execution timeout, trigger rules, a backfill) while workers
 * and schedulers are SIGKILLed, Redis restarts (once with its data, once without), Postgres
 * restarts (fast shutdown, then SIGKILL of the postmaster) and an API process is SIGSTOPped. Then
 * Postgres is the judge: every run ended as its DAG's logic dictates, nothing ran twice, nothing is
 * left running, every log line of every finished try is there, every acknowledged trigger has its
 * run.
 *
 * `npm test` runs the smoke (about 45 runs, each fault once); `npm run chaos` the full suite
 * (TOWER_CHAOS=full: 1,000 runs, a worker killed every 4 s, the API paused 20 s). The report is
 * printed and written to e2e/artifacts/chaos-report.json.
 */
const FULL = process.env.TOWER_CHAOS === 'full';
const SIZE = FULL
  ? { perDag: 190, backfillDays: 50, triggerEveryMs: 90, workerKillEveryMs: 4_000, apiPauseMs: 20_000, drainMs: 20 * 60_000 }
  : { perDag: 8, backfillDays: 5, triggerEveryMs: 900, workerKillEveryMs: 0, apiPauseMs: 5_000, drainMs: 6 * 60_000 };
const TRIGGERED_DAGS = ['chain_ok', 'fan_retry', 'fail_rules', 'timeouts', 'sensor'] as const;
const BUCKET = CHAOS_BUCKET;
const DAY = 86_400_000;
const BASE = Date.UTC(2025, 0, 1);
const BACKFILL_FROM = Date.UTC(2024, 0, 1);
const TERMINAL = ['success', 'failed', 'upstream_failed', 'skipped'];

describe(`chaos (${FULL ? 'full' : 'smoke'})`, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('faults of every kind together under load: every run ends as its DAG dictates, nothing lost, nothing run twice', async () => {
    const setUp = Date.now();
    const pg: PrivatePostgres = await startPrivatePostgres();
    cleanups.push(() => pg.destroy());
    const redis: PrivateRedis = await startPrivateRedis({ persist: true });
    cleanups.push(() => redis.stop());
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const services: DataServices = await startDataServices([BUCKET]);
    cleanups.push(() => services.close());
    const stack: Stack = await startStack({
      name: 'chaos',
      schedulers: 2,
      workers: 3,
      databaseServer: pg.urlFor('postgres'),
      env: {
        REDIS_URL: redis.url,
        WORKER_CONCURRENCY: '8',
        REQUEUE_AFTER_MS: '2000',
        ZOMBIE_AFTER_MS: '5000',
        HEARTBEAT_MS: '500',
        SCHEDULER_TICK_MS: '200',
        LOG_LEVEL: 'info',
      },
    });
    cleanups.push(() => stack.stop());
    const api2Port = await freePort();
    const api2 = await stack.startProcess('api', { API_PORT: String(api2Port) });
    const apiUrls = [stack.apiUrl, `http://127.0.0.1:${api2Port}/graphql`];

    const { client, tenantId } = await signUp(stack.apiUrl, 'chaos');
    await createS3Connection(client, services);
    const specs = chaosDags(receiver.url);
    for (const d of Object.values(specs)) await client.request('mutation($s:JSON!){ upsertDag(spec:$s){ dagId } }', { s: d.spec });
    for (let i = 0; i < SIZE.perDag; i += 2) await services.put(BUCKET, `in/${new Date(BASE + i * DAY).toISOString().slice(0, 10)}.csv`, 'a\n1\n');

    // The load and the faults are timed from here.
    const started = Date.now();

    /**
     * One GraphQL call through either API process: a call that fails (refused, 5xx, no answer in
     * 5 s: the paused process) goes to the other one. A CONFLICT means an earlier attempt did
     * create the run and only its answer was lost.
     */
    const calls = { acknowledged: 0, retried: 0, conflicts: 0 };
    let next = 0;
    async function call<T>(query: string, variables: Record<string, unknown>): Promise<{ data?: T; conflict?: boolean }> {
      for (let attempt = 0; ; attempt++) {
        if (Date.now() - started > SIZE.drainMs) throw new Error(`gave up calling the API: ${query.slice(0, 60)}`);
        const url = apiUrls[next++ % apiUrls.length];
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}` },
            body: JSON.stringify({ query, variables }),
            signal: AbortSignal.timeout(5_000),
          });
          const body = (await res.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
          if (body.errors?.some((e) => e.extensions?.code === 'CONFLICT')) {
            calls.conflicts++;
            return { conflict: true };
          }
          if (!body.errors?.length) {
            calls.acknowledged++;
            return { data: body.data };
          }
        } catch {
          // refused, reset or timed out: try the other process
        }
        calls.retried++;
        await new Promise((r) => setTimeout(r, 300));
      }
    }

    // The load: every triggered DAG perDag times, paced over the faults, and one backfill.
    const acknowledged: Array<{ id: string; dagId: string; logicalDate: number }> = [];
    const triggers = TRIGGERED_DAGS.flatMap((dagId) => Array.from({ length: SIZE.perDag }, (_, i) => ({ dagId, logicalDate: BASE + i * DAY })));
    triggers.sort((a, b) => a.logicalDate - b.logicalDate);
    const load = (async () => {
      let backfillDone = false;
      for (const [i, t] of triggers.entries()) {
        const at = started + i * SIZE.triggerEveryMs;
        if (Date.now() < at) await new Promise((r) => setTimeout(r, at - Date.now()));
        if (!backfillDone && i >= triggers.length / 3) {
          backfillDone = true;
          const to = BACKFILL_FROM + (SIZE.backfillDays - 1) * DAY;
          await call('mutation($from:DateTime!,$to:DateTime!){ backfillDag(dagId:"daily", from:$from, to:$to, maxActiveRuns: 8){ skipped } }', {
            from: new Date(BACKFILL_FROM).toISOString(),
            to: new Date(to).toISOString(),
          });
        }
        const res = await call<{ triggerDagRun: { id: string } }>('mutation($d:String!,$at:DateTime!){ triggerDagRun(dagId:$d, logicalDate:$at){ id } }', {
          d: t.dagId,
          at: new Date(t.logicalDate).toISOString(),
        });
        if (res.data) acknowledged.push({ id: res.data.triggerDagRun.id, dagId: t.dagId, logicalDate: t.logicalDate });
      }
    })();

    // The faults, at offsets from the start, while the load runs.
    const live = (kind: string) => stack.processes.filter((p) => p.name.startsWith(kind) && p.child.exitCode === null && p.child.signalCode === null);
    const pick = (kind: string): TowerProcess => {
      const candidates = live(kind);
      return candidates[Math.floor(Math.random() * candidates.length)];
    };
    const span = triggers.length * SIZE.triggerEveryMs;
    const faults: Array<Fault & { run: () => Promise<void> }> = [];
    const fault = (name: string, at: number, run: () => Promise<void>) => faults.push({ name, at, run });
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    fault('worker SIGKILL', span * 0.05, async () => {
      await pick('worker').kill9();
      await stack.startProcess('worker');
    });
    fault('scheduler SIGKILL', span * 0.12, async () => {
      await pick('scheduler').kill9();
      await pause(1_000);
      await stack.startProcess('scheduler');
    });
    fault('redis restart (data kept)', span * 0.22, async () => {
      await redis.stop();
      await pause(1_000);
      await redis.restart();
    });
    fault('postgres restart (fast shutdown)', span * 0.34, async () => {
      await pg.stop();
      await pause(1_000);
      await pg.start();
    });
    fault(`api SIGSTOP ${SIZE.apiPauseMs / 1000} s`, span * 0.46, async () => {
      api2.child.kill('SIGSTOP');
      await pause(SIZE.apiPauseMs);
      api2.child.kill('SIGCONT');
    });
    fault('redis restart (data gone)', span * 0.6, async () => {
      await redis.stop();
      redis.wipe();
      await redis.restart();
    });
    fault('postgres SIGKILL of the postmaster', span * 0.72, async () => {
      await pg.kill9();
      await pause(1_000);
      await pg.start();
    });
    fault('scheduler SIGKILL', span * 0.84, async () => {
      await pick('scheduler').kill9();
      await stack.startProcess('scheduler');
    });
    if (SIZE.workerKillEveryMs)
      for (let at = SIZE.workerKillEveryMs; at < span; at += SIZE.workerKillEveryMs)
        if (!faults.some((f) => Math.abs(f.at - at) < 1_500))
          fault('worker SIGKILL', at, async () => {
            await pick('worker').kill9();
            await stack.startProcess('worker');
          });
    faults.sort((a, b) => a.at - b.at);
    // A Tower process that exits on its own is a crash: reported, and a scheduler or worker is
    // restarted (as a supervisor would) so the rest of the report still means something.
    const crashes: string[] = [];
    const seenCrashed = new Set<TowerProcess>();
    const supervisor = setInterval(() => {
      for (const p of stack.processes) {
        if (seenCrashed.has(p) || p.child.exitCode === null || p.child.signalCode !== null) continue;
        seenCrashed.add(p);
        crashes.push(`${p.name} exited with ${p.child.exitCode} at ${Math.round((Date.now() - started) / 1000)} s`);
        if (!p.name.startsWith('api')) void stack.startProcess(p.name.startsWith('worker') ? 'worker' : 'scheduler').catch(() => undefined);
      }
    }, 500);
    cleanups.push(async () => clearInterval(supervisor));
    const chaos = (async () => {
      for (const f of faults) {
        if (Date.now() < started + f.at) await pause(started + f.at - Date.now());
        f.injectedAt = Date.now();
        await f.run();
        f.repairedAt = Date.now();
      }
    })();
    await Promise.all([load, chaos]);
    const injectedCount = faults.length;
    const expectedRuns = acknowledged.length + SIZE.backfillDays;

    // Everything drains: every run of the tenant ends.
    const finished = await waitFor(
      async () => {
        const runs = await stack.prisma.dagRun.findMany({ where: { tenantId }, select: { state: true } });
        return runs.length >= expectedRuns && runs.every((r) => ['success', 'failed', 'canceled'].includes(r.state)) ? Date.now() : null;
      },
      SIZE.drainMs,
      'every run to end',
      500,
    ).catch(async (err: Error) => {
      const states = await stack.prisma.taskInstance.groupBy({ by: ['state'], where: { tenantId }, _count: true });
      throw new Error(`${err.message}; task instances by state: ${JSON.stringify(states)}`);
    });
    clearInterval(supervisor);

    // --- Postgres judges --------------------------------------------------------------------------
    const runs = await stack.prisma.dagRun.findMany({
      where: { tenantId },
      select: { id: true, runId: true, dagId: true, logicalDate: true, state: true },
    });
    const tis = await stack.prisma.taskInstance.findMany({
      where: { tenantId },
      select: { id: true, dagRunId: true, taskId: true, state: true, tryNumber: true },
    });
    const tries = await stack.prisma.taskTry.findMany({ where: { tenantId }, select: { taskInstanceId: true, tryNumber: true, state: true, error: true } });
    const logs = await stack.prisma.taskLog.findMany({ where: { tenantId }, select: { taskInstanceId: true, tryNumber: true, message: true } });

    // Every acknowledged trigger has its run; no run twice; exactly the backfill's dates.
    const runById = new Map(runs.map((r) => [r.id, r]));
    const lost = acknowledged.filter((a) => !runById.has(a.id));
    const keys = runs.map((r) => `${r.dagId}@${r.logicalDate.toISOString()}`);
    const duplicated = keys.length - new Set(keys).size;
    const backfillDates = runs
      .filter((r) => r.dagId === 'daily')
      .map((r) => r.logicalDate.getTime())
      .sort((a, b) => a - b);
    const triggeredRuns = runs.filter((r) => r.dagId !== 'daily');

    // Every run and task ended as its DAG's logic dictates.
    const tisByRun = new Map<string, typeof tis>();
    for (const ti of tis) tisByRun.set(ti.dagRunId, [...(tisByRun.get(ti.dagRunId) ?? []), ti]);
    const wrong: string[] = [];
    for (const run of runs) {
      const dag = specs[run.dagId as keyof typeof specs];
      const day = Math.round((run.logicalDate.getTime() - BASE) / DAY);
      const want = dag.expect(day % 2 === 0);
      if (run.state !== want.run) wrong.push(`${run.dagId} ${run.logicalDate.toISOString()}: run ${run.state}, expected ${want.run}`);
      const mine = tisByRun.get(run.id) ?? [];
      if (mine.length !== dag.spec.tasks.length) wrong.push(`${run.dagId} ${run.logicalDate.toISOString()}: ${mine.length} task instances`);
      for (const ti of mine) {
        const expected = (want.tasks as Record<string, string>)[ti.taskId] ?? want.otherwise;
        if (ti.state !== expected) wrong.push(`${run.dagId} ${run.logicalDate.toISOString()} ${ti.taskId}: ${ti.state}, expected ${expected}`);
      }
    }
    const unfinished = tis.filter((ti) => !TERMINAL.includes(ti.state));

    // No try ran twice under one number: the receiver saw each (run, task) at most once per recorded try.
    const triesOf = new Map<string, number>();
    for (const t of tries) triesOf.set(t.taskInstanceId, (triesOf.get(t.taskInstanceId) ?? 0) + 1);
    const runIdOf = new Map(runs.map((r) => [r.id, r]));
    const ranTwice: string[] = [];
    for (const ti of tis) {
      if (!['fetch', 'flaky'].includes(ti.taskId)) continue;
      const run = runIdOf.get(ti.dagRunId)!;
      const prefix = ti.taskId === 'fetch' ? 'ok' : 'flaky';
      const seen = receiver.calls.get(new URL(`${receiver.url}/${prefix}/${run.runId}/${ti.taskId}`).pathname) ?? 0;
      if (seen > (triesOf.get(ti.id) ?? 0)) ranTwice.push(`${run.dagId} ${ti.taskId}: ${seen} calls for ${triesOf.get(ti.id)} tries`);
      if (ti.state === 'success' && seen === 0) ranTwice.push(`${run.dagId} ${ti.taskId}: succeeded without calling`);
    }
    expect(tries.length).toBeGreaterThan(0);

    // Every log line of every finished try: an http try that ran to its end logged its request and its answer, once each.
    const linesOf = new Map<string, string[]>();
    for (const l of logs) linesOf.set(`${l.taskInstanceId}|${l.tryNumber}`, [...(linesOf.get(`${l.taskInstanceId}|${l.tryNumber}`) ?? []), l.message]);
    const httpTis = new Map(tis.filter((ti) => ['fetch', 'flaky', 'boom'].includes(ti.taskId)).map((ti) => [ti.id, ti]));
    const missingLines: string[] = [];
    let duplicateLines = 0;
    let checkedTries = 0;
    for (const t of tries) {
      if (!httpTis.has(t.taskInstanceId)) continue;
      const lines = linesOf.get(`${t.taskInstanceId}|${t.tryNumber}`) ?? [];
      const answered = t.state === 'success' || /answered \d+/.test(t.error ?? '');
      const refused = /failed: /.test(t.error ?? '') && (t.error ?? '').startsWith('GET ');
      if (!answered && !refused) continue; // reaped, stopped or timed out: its end was not the operator's
      checkedTries++;
      const requests = lines.filter((m) => /^GET \S+$/.test(m)).length;
      const answers = lines.filter((m) => /^GET \S+ → \d+/.test(m)).length;
      if (requests < 1 || (answered && answers < 1)) missingLines.push(`${t.taskInstanceId} try ${t.tryNumber} (${t.state}): ${JSON.stringify(lines)}`);
      // Lines are written at least once: a write whose answer was lost (Postgres killed) is written again.
      if (requests > 1 || answers > 1) duplicateLines++;
    }

    // --- the report ---------------------------------------------------------------------------------
    const ends = (
      await stack.prisma.taskInstance.findMany({ where: { tenantId, endedAt: { not: null } }, select: { endedAt: true }, orderBy: { endedAt: 'asc' } })
    ).map((t) => t.endedAt!.getTime());
    for (const f of faults) f.recoveredAt = ends.find((e) => e > (f.repairedAt ?? Infinity)) ?? null;
    // Fault windows (injection → recovery), merged where they overlap; throughput inside and outside them.
    const windows: Array<[number, number]> = [];
    for (const [a, b] of faults.map((f) => [f.injectedAt!, f.recoveredAt ?? f.repairedAt!]).sort((x, y) => x[0] - y[0])) {
      const last = windows[windows.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else windows.push([a, b]);
    }
    const inFault = (t: number) => windows.some(([a, b]) => t >= a && t <= b);
    const firstEnd = ends[0] ?? started;
    const lastEnd = ends[ends.length - 1] ?? started;
    const faultMs = windows.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, lastEnd) - Math.max(a, firstEnd)), 0);
    const endedInFaults = ends.filter(inFault).length;
    const report = {
      mode: FULL ? 'full' : 'smoke',
      runs: { total: runs.length, triggered: triggeredRuns.length, backfill: backfillDates.length, acknowledged: acknowledged.length, expected: expectedRuns },
      taskInstances: tis.length,
      tries: tries.length,
      api: calls,
      correct: {
        wrong: wrong.length,
        lost: lost.length,
        duplicated,
        unfinished: unfinished.length,
        ranTwice: ranTwice.length,
        missingLogLines: missingLines.length,
        triesWithLinesTwice: duplicateLines,
        checkedTries,
      },
      examples: [...wrong, ...ranTwice, ...missingLines].slice(0, 5),
      crashes,
      faults: faults.map((f) => ({
        fault: f.name,
        atS: Math.round((f.injectedAt! - started) / 100) / 10,
        repairS: Math.round((f.repairedAt! - f.injectedAt!) / 100) / 10,
        recoverS: f.recoveredAt ? Math.round((f.recoveredAt - f.injectedAt!) / 100) / 10 : null,
      })),
      tasksPerSec: {
        duringFaults: faultMs ? Math.round((endedInFaults / (faultMs / 1000)) * 10) / 10 : null,
        betweenFaults: Math.round(((ends.length - endedInFaults) / Math.max(0.001, (lastEnd - firstEnd - faultMs) / 1000)) * 10) / 10,
      },
      seconds: { setUp: Math.round((started - setUp) / 1000), loadAndDrain: Math.round((finished - started) / 1000) },
    };
    writeFileSync(path.join(ARTIFACTS, `chaos-report${FULL ? '' : '-smoke'}.json`), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`chaos report\n${JSON.stringify(report, null, 2)}`);

    expect(injectedCount).toBeGreaterThanOrEqual(8);
    expect(new Set(faults.map((f) => f.name)).size).toBe(7); // every kind of fault
    expect(crashes).toEqual([]);
    expect(lost).toEqual([]);
    expect(duplicated).toBe(0);
    // A trigger is acknowledged, or answered CONFLICT after an attempt whose answer was lost.
    expect(acknowledged.length + calls.conflicts).toBe(triggers.length);
    expect(triggeredRuns).toHaveLength(triggers.length);
    expect(backfillDates).toEqual(Array.from({ length: SIZE.backfillDays }, (_, i) => BACKFILL_FROM + i * DAY));
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(unfinished).toEqual([]);
    expect(ranTwice).toEqual([]);
    expect(missingLines.slice(0, 10)).toEqual([]);
    expect(checkedTries).toBeGreaterThan(0);
  });
});
