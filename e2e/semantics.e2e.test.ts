import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_RETRY_DELAY_SECONDS, retryDelaySeconds } from '@tower/core';
import { signUp, type GqlClient } from './support/graphql.js';
import { startStack, waitFor, type Stack } from './support/stack.js';
import { runFinished } from './support/runs.js';

const RULES = [
  'all_success',
  'all_failed',
  'all_done',
  'all_done_min_one_success',
  'all_done_setup_success',
  'all_skipped',
  'one_failed',
  'one_success',
  'one_done',
  'none_failed',
  'none_failed_min_one_success',
  'none_skipped',
  'always',
] as const;

// Airflow's verdicts for three upstream mixes: {success, failed, skipped}, {success, success}, {skipped, skipped}.
const EXPECTED: Record<(typeof RULES)[number], [string, string, string]> = {
  all_success: ['upstream_failed', 'success', 'skipped'],
  all_failed: ['skipped', 'skipped', 'skipped'],
  all_done: ['success', 'success', 'success'],
  all_done_min_one_success: ['skipped', 'success', 'skipped'],
  all_done_setup_success: ['success', 'success', 'success'],
  all_skipped: ['skipped', 'skipped', 'success'],
  one_failed: ['success', 'skipped', 'skipped'],
  one_success: ['success', 'success', 'skipped'],
  one_done: ['success', 'success', 'skipped'],
  none_failed: ['upstream_failed', 'success', 'success'],
  none_failed_min_one_success: ['upstream_failed', 'success', 'skipped'],
  none_skipped: ['skipped', 'success', 'skipped'],
  always: ['success', 'success', 'success'],
};

const FAIL_URL = 'http://127.0.0.1:9/unreachable';

/**
 * Execution semantics through the real API, scheduler and worker processes: trigger rules, retry
 * backoff, run timeouts, concurrency limits and pools, priority order, catchup, the backfill lane.
 */
describe('execution semantics (real processes)', () => {
  let stack: Stack;
  let client: GqlClient;
  let tenantId: string;

  const upsert = (spec: Record<string, unknown>) => client.request('mutation($s:JSON!){ upsertDag(spec:$s){ dagId } }', { s: spec });
  const trigger = async (dagId: string) =>
    (await client.request<{ triggerDagRun: { id: string } }>('mutation($d:String!){ triggerDagRun(dagId:$d){ id } }', { d: dagId })).triggerDagRun.id;
  const finished = (id: string, timeoutMs = 60_000) => runFinished(client, id, timeoutMs);
  const tries = (runId: string) =>
    stack.prisma.taskTry.findMany({
      where: { taskInstance: { dagRunId: runId } },
      include: { taskInstance: { select: { taskId: true } } },
      orderBy: { startedAt: 'asc' },
    });
  /** The most intervals open at the same instant (an interval ends before one starting then). */
  function peakConcurrency(intervals: Array<{ start: Date; end: Date | null }>): number {
    const points = intervals.flatMap((i) => [
      { at: i.start.getTime(), d: 1 },
      { at: (i.end ?? new Date()).getTime(), d: -1 },
    ]);
    points.sort((x, y) => x.at - y.at || x.d - y.d);
    let cur = 0;
    let max = 0;
    for (const p of points) max = Math.max(max, (cur += p.d));
    return max;
  }
  /** The most tries of `runIds` that were running at the same instant. */
  async function maxOverlap(runIds: string[]): Promise<number> {
    const all = (await Promise.all(runIds.map(tries))).flat();
    return peakConcurrency(all.map((t) => ({ start: t.startedAt, end: t.endedAt })));
  }

  beforeAll(async () => {
    stack = await startStack({ name: 'semantics', workers: 2, env: { WORKER_CONCURRENCY: '8', SCHEDULER_TICK_MS: '100' } });
    const signed = await signUp(stack.apiUrl, 'semantics');
    client = signed.client;
    tenantId = signed.tenantId;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('applies all 13 trigger rules to mixed, all-success and all-skipped upstreams', async () => {
    const tasks: Array<Record<string, unknown>> = [
      { taskId: 'ok', type: 'noop' },
      { taskId: 'ok2', type: 'noop' },
      { taskId: 'fail', type: 'http.request', retries: 0, with: { url: FAIL_URL, timeoutMs: 2000 } },
      // Skipped only once `fail` has failed: for a mixed group, Airflow's outcome depends on which
      // upstream ended first (all_success is upstream_failed after a failure, skipped after a skip),
      // so the test pins the order instead of racing a refused connection against a noop.
      { taskId: 'skip', type: 'noop', dependsOn: ['fail'], triggerRule: 'all_skipped' },
      { taskId: 'skip2', type: 'noop', dependsOn: ['ok'], triggerRule: 'all_failed' },
    ];
    const groups: Array<[string, string[]]> = [
      ['mixed', ['ok', 'fail', 'skip']],
      ['allok', ['ok', 'ok2']],
      ['allskip', ['skip', 'skip2']],
    ];
    for (const rule of RULES) for (const [group, ups] of groups) tasks.push({ taskId: `${group}__${rule}`, type: 'noop', dependsOn: ups, triggerRule: rule });
    await upsert({ dagId: 'trigger_rules', maxActiveTasks: 64, tasks });
    const done = await finished(await trigger('trigger_rules'), 120_000);
    const states = Object.fromEntries(done.taskInstances.map((t) => [t.taskId, t.state]));
    expect({ ok: states.ok, fail: states.fail, skip: states.skip }).toEqual({ ok: 'success', fail: 'failed', skip: 'skipped' });
    const actual = Object.fromEntries(RULES.map((rule) => [rule, groups.map(([g]) => states[`${g}__${rule}`])]));
    expect(actual).toEqual(EXPECTED);
    expect(done.state).toBe('failed'); // leaves upstream_failed (e.g. mixed__all_success) fail the run
  });

  it('retries with exponential backoff: each delay lies within the formula’s bounds [base, 2·base)', async () => {
    await upsert({
      dagId: 'backoff',
      tasks: [{ taskId: 'flaky', type: 'http.request', retries: 2, retryDelaySeconds: 1, retryExponentialBackoff: true, with: { url: FAIL_URL } }],
    });
    const runId = await trigger('backoff');
    const done = await finished(runId);
    expect(done.taskInstances[0]).toMatchObject({ state: 'failed', tryNumber: 3 });
    const t = await tries(runId);
    expect(t.map((x) => x.state)).toEqual(['failed', 'failed', 'failed']);
    const gaps = [1, 2].map((i) => (t[i].startedAt.getTime() - t[i - 1].endedAt!.getTime()) / 1000);
    // try 2: base 1 s + jitter in [0, 1); try 3: base 2 s + jitter in [0, 2).
    expect(gaps[0]).toBeGreaterThanOrEqual(1);
    expect(gaps[1]).toBeGreaterThanOrEqual(2);
    // At most the policy's delay (its jitter is deterministic) plus 5 s for what follows it across
    // processes on a loaded machine: the scheduler's tick and promotion, the evaluation, the queue
    // and the worker's claim.
    const { logicalDate } = await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: runId } });
    const delays = [1, 2].map((tryNumber) =>
      retryDelaySeconds({
        tryNumber,
        retryDelaySeconds: 1,
        exponentialBackoff: true,
        maxRetryDelaySeconds: MAX_RETRY_DELAY_SECONDS,
        dagId: 'backoff',
        taskId: 'flaky',
        logicalDate,
      }),
    );
    expect(gaps[0]).toBeLessThan(delays[0] + 5);
    expect(gaps[1]).toBeLessThan(delays[1] + 5);
  });

  it('dagRunTimeoutSeconds fails a run that runs too long and stops its running try', async () => {
    await upsert({
      dagId: 'slow_run',
      dagRunTimeoutSeconds: 2,
      tasks: [
        { taskId: 'long', type: 'noop', with: { durationMs: 30_000 } },
        { taskId: 'after', type: 'noop', dependsOn: ['long'] },
      ],
    });
    const started = Date.now();
    const done = await finished(await trigger('slow_run'), 20_000);
    expect(done.state).toBe('failed');
    expect((Date.now() - started) / 1000).toBeLessThan(10);
    expect(Object.fromEntries(done.taskInstances.map((t) => [t.taskId, t.state]))).toEqual({ long: 'skipped', after: 'skipped' });
    // The worker stopped the try instead of sleeping 30 s.
    await waitFor(
      async () => (await stack.prisma.taskTry.findFirst({ where: { taskInstance: { dagId: 'slow_run' }, endedAt: { not: null } } })) !== null,
      10_000,
      'the stopped try',
    );
  });

  it('keeps maxActiveTasks and pool slots, and starts the highest priority weight first', async () => {
    const parallel = (n: number, extra: Record<string, unknown> = {}) =>
      Array.from({ length: n }, (_, i) => ({ taskId: `t${i}`, type: 'noop', with: { durationMs: 600 }, ...extra }));
    await upsert({ dagId: 'max_tasks', maxActiveTasks: 2, tasks: parallel(6) });
    const limited = await finished(await trigger('max_tasks'));
    expect(limited.state).toBe('success');
    expect(await maxOverlap([(await stack.prisma.dagRun.findFirstOrThrow({ where: { dagId: 'max_tasks' } })).id])).toBe(2);

    await client.request('mutation{ setPool(name: "narrow", slots: 1){ name slots } }');
    const unknownPool = await client.raw('mutation($s:JSON!){ upsertDag(spec:$s){ dagId } }', {
      s: { dagId: 'bad_pool', tasks: [{ taskId: 'a', type: 'noop', pool: 'nope' }] },
    });
    expect(unknownPool.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { errors: [{ path: 'tasks[0].pool', message: expect.stringContaining('unknown pool "nope"') }] },
    });
    await upsert({ dagId: 'pool_a', tasks: parallel(3, { pool: 'narrow' }) });
    await upsert({ dagId: 'pool_b', tasks: parallel(3, { pool: 'narrow' }) });
    const [a, b] = [await trigger('pool_a'), await trigger('pool_b')];
    await Promise.all([finished(a), finished(b)]);
    expect(await maxOverlap([a, b])).toBe(1); // one slot shared by both DAGs

    await upsert({
      dagId: 'priorities',
      maxActiveTasks: 1,
      tasks: [1, 5, 3, 4, 2].map((w) => ({ taskId: `w${w}`, type: 'noop', priorityWeight: w, with: { durationMs: 50 } })),
    });
    const prioRun = await trigger('priorities');
    await finished(prioRun);
    expect((await tries(prioRun)).map((t) => t.taskInstance.taskId)).toEqual(['w5', 'w4', 'w3', 'w2', 'w1']);
  });

  it('catchup creates every missed run, in logical-date order: exactly the daily intervals from startDate to the last complete one', async () => {
    const DAY = 86_400_000;
    const start = new Date(Date.now() - 3.5 * DAY);
    const startDate = start.toISOString().slice(0, 10) + 'T00:00:00';
    await upsert({ dagId: 'catching_up', schedule: '@daily', startDate, catchup: true, maxActiveRuns: 5, tasks: [{ taskId: 'a', type: 'noop' }] });
    // @daily in UTC: one interval per day from startDate's midnight; an interval's run is created
    // when it ends, so the last one is yesterday's (today's ends tonight). Computed after the
    // upsert: a midnight passing before the upsert would add a day, not remove one.
    const todayMidnight = Math.floor(Date.now() / DAY) * DAY;
    const expected: string[] = [];
    for (let d = Date.parse(`${startDate}Z`); d + DAY <= todayMidnight; d += DAY) expected.push(new Date(d).toISOString());
    expect(expected.length).toBeGreaterThanOrEqual(3);
    const runs = await waitFor(
      async () => {
        const r = await stack.prisma.dagRun.findMany({ where: { dagId: 'catching_up' }, orderBy: [{ queuedAt: 'asc' }, { logicalDate: 'asc' }] });
        return r.length >= expected.length ? r : null;
      },
      20_000,
      'the catchup runs',
    );
    // Created in logical-date order, each exactly one of the missed intervals, first to last.
    expect(runs.map((r) => r.logicalDate.toISOString())).toEqual(expected);
    expect(runs.map((r) => [r.dataIntervalStart.toISOString(), r.dataIntervalEnd.toISOString()])).toEqual(
      expected.map((d) => [d, new Date(Date.parse(d) + DAY).toISOString()]),
    );
    expect(runs.every((r) => r.runType === 'scheduled')).toBe(true);
    // And no more: the next interval (today's) is not complete.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await stack.prisma.dagRun.count({ where: { dagId: 'catching_up' } })).toBe(expected.length);
  });

  it('a backfill runs in its own lane: its own maxActiveRuns, regular runs not blocked, and it can be canceled', async () => {
    await upsert({
      dagId: 'history',
      schedule: '@daily',
      startDate: '2026-01-01T00:00:00',
      catchup: false,
      maxActiveRuns: 1,
      tasks: [{ taskId: 'slow', type: 'noop', with: { durationMs: 1500 } }],
    });
    await client.request('mutation{ pauseDag(dagId: "history"){ dagId } }');
    await client.request('mutation{ unpauseDag(dagId: "history"){ dagId } }');
    const { backfillDag } = await client.request<{
      backfillDag: { backfill: { id: string; maxActiveRuns: number; state: string }; created: Array<{ id: string }> };
    }>(
      'mutation{ backfillDag(dagId: "history", from: "2026-02-01T00:00:00Z", to: "2026-02-10T00:00:00Z", reprocess: none, maxActiveRuns: 2){ backfill { id maxActiveRuns state } created { id } } }',
    );
    expect(backfillDag.created).toHaveLength(10);
    expect(backfillDag.backfill).toMatchObject({ maxActiveRuns: 2, state: 'running' });
    // Regular runs do not wait behind the backfill (the DAG's maxActiveRuns is 1, the backfill uses 2 of its own).
    const manual = await trigger('history');
    const manualDone = await finished(manual, 20_000);
    expect(manualDone.state).toBe('success');
    const backfillRunIds = backfillDag.created.map((r) => r.id);
    await waitFor(async () => (await stack.prisma.dagRun.count({ where: { id: { in: backfillRunIds }, state: 'success' } })) >= 2, 30_000, 'two backfill runs');
    const { cancelBackfill } = await client.request<{ cancelBackfill: { state: string; runCounts: Record<string, number> } }>(
      'mutation($id:ID!){ cancelBackfill(id:$id){ state runCounts } }',
      {
        id: backfillDag.backfill.id,
      },
    );
    expect(cancelBackfill.state).toBe('canceled');
    expect(cancelBackfill.runCounts.queued ?? 0).toBe(0);
    expect(cancelBackfill.runCounts.running ?? 0).toBe(0);
    expect(cancelBackfill.runCounts.canceled).toBeGreaterThan(0);
    // At most two backfill runs were ever running at once.
    const runs = await stack.prisma.dagRun.findMany({ where: { id: { in: backfillRunIds }, startedAt: { not: null } } });
    expect(peakConcurrency(runs.map((r) => ({ start: r.startedAt!, end: r.endedAt })))).toBeLessThanOrEqual(2);
    expect(await stack.prisma.taskInstance.count({ where: { dagRunId: { in: backfillRunIds }, state: { in: ['queued', 'running', 'scheduled'] } } })).toBe(0);
    expect(tenantId).toBeTruthy();
  });
});
