import { afterAll, describe, expect, it } from '@jest/globals';
import { signUp, type GqlClient } from './support/graphql.js';
import { startStack, waitFor, type Stack, type TowerProcess } from './support/stack.js';

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Local wall-clock string (no offset) in UTC, as a DAG spec's startDate. */
const localUtc = (d: Date) => d.toISOString().slice(0, 19);

const UPSERT = 'mutation($s:JSON!){ upsertDag(spec:$s){ dagId latestVersion } }';
const trigger = async (api: GqlClient, dagId: string) =>
  (await api.request<{ triggerDagRun: { id: string } }>('mutation($d:String!){ triggerDagRun(dagId:$d){ id } }', { d: dagId })).triggerDagRun.id;

/** Resolves with the exit code (null when killed by a signal) once the process has exited. */
function exited(proc: TowerProcess): Promise<{ code: number | null; signal: string | null; at: number }> {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode, at: Date.now() });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
}

/**
 * Process lifecycle with real processes: a scheduler killed with SIGKILL and restarted (cron runs
 * neither missed nor duplicated), a worker stopped with SIGTERM while a try is in flight (it
 * finishes the try and takes no new work), and pausing a DAG (no scheduled runs; a running run
 * still finishes).
 */
describe('engine lifecycle: scheduler SIGKILL, worker SIGTERM, pause', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('a scheduler killed with SIGKILL mid-catch-up and restarted after a due time passed: one run per interval, contiguous, none missed, none duplicated', async () => {
    // No worker: only run creation matters here (runs stay queued/running, nothing executes).
    const stack: Stack = await startStack({ name: 'sched-kill9', workers: 0, env: { SCHEDULER_TICK_MS: '100' } });
    cleanups.push(() => stack.stop());
    const { client: api } = await signUp(stack.apiUrl, 'schedkill');
    const start = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - 600 * MINUTE);
    await api.request(UPSERT, {
      s: {
        dagId: 'frequent',
        schedule: '* * * * *',
        timezone: 'UTC',
        startDate: localUtc(start),
        catchup: true,
        maxActiveRuns: 1,
        tasks: [{ taskId: 'a', type: 'noop' }],
      },
    });
    const count = () => stack.prisma.dagRun.count({ where: { dagId: 'frequent' } });

    // Kill the scheduler while it is catching up (600 intervals due).
    await waitFor(async () => (await count()) >= 20, 30_000, 'the catch-up to begin', 5);
    const scheduler = stack.processes.find((p) => p.name.startsWith('scheduler'))!;
    await scheduler.kill9();
    // A COMMIT the scheduler sent before it died can still land: count once Postgres has closed
    // every session of the dead scheduler (its backends end after finishing what they received).
    await waitFor(
      async () =>
        (
          await stack.prisma.$queryRaw<
            Array<{ n: number }>
          >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tower-scheduler'`
        )[0].n === 0,
      10_000,
      "the killed scheduler's sessions to end",
      20,
    );
    const atKill = await count();

    // Stay down across a due time: the interval ending at `boundary` becomes due meanwhile.
    const boundary = Math.floor(Date.now() / MINUTE) * MINUTE + MINUTE;
    await sleep(boundary - Date.now() + 1_500);
    expect(await count()).toBe(atKill); // nothing else creates scheduled runs

    const restartedAt = Date.now();
    await stack.startProcess('scheduler');
    const runs = await waitFor(
      async () => {
        const ended = (Math.floor(Date.now() / MINUTE) * MINUTE - start.getTime()) / MINUTE; // intervals that have ended by now
        const rows = await stack.prisma.dagRun.findMany({
          where: { dagId: 'frequent' },
          orderBy: { logicalDate: 'asc' },
          include: { _count: { select: { taskInstances: true } } },
        });
        return rows.length >= ended ? rows : null;
      },
      60_000,
      'the restarted scheduler to catch up',
      250,
    );

    // Contiguous from the start date, one minute apart: no gap, no duplicate, nothing out of range.
    expect(runs.map((r) => r.logicalDate.getTime())).toEqual(Array.from({ length: runs.length }, (_, k) => start.getTime() + k * MINUTE));
    expect(new Set(runs.map((r) => r.runId)).size).toBe(runs.length);
    expect(runs.every((r) => r.runType === 'scheduled')).toBe(true);
    // Not missed: the interval that became due while the scheduler was down has its run, made after the restart.
    const missedWhileDown = runs.find((r) => r.dataIntervalEnd.getTime() === boundary);
    expect(missedWhileDown).toBeDefined();
    expect(missedWhileDown!.queuedAt.getTime()).toBeGreaterThanOrEqual(restartedAt);
    // Every run was written whole (its task instance with it), even the ones around the kill.
    expect(runs.filter((r) => r._count.taskInstances !== 1).map((r) => r.runId)).toEqual([]);
    const dups = await stack.prisma.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM (SELECT 1 FROM "DagRun" WHERE "dagId" = 'frequent' GROUP BY "dagPk", "logicalDate" HAVING count(*) > 1) d`;
    expect(Number(dups[0].n)).toBe(0);
    // The DAG moved on to the interval after the last run.
    // (one statement, so a run created meanwhile at a minute boundary cannot skew the comparison)
    const [dag] = await stack.prisma.$queryRaw<Array<{ next: Date; last: Date }>>`
      SELECT d."nextLogicalDate" AS next, (SELECT max(r."logicalDate") FROM "DagRun" r WHERE r."dagPk" = d.id) AS last FROM "Dag" d WHERE d."dagId" = 'frequent'`;
    expect(dag.next.getTime()).toBe(dag.last.getTime() + MINUTE);
  });

  it('a worker stopped with SIGTERM mid-try finishes that try (success, try 1) and exits cleanly; work queued after SIGTERM runs on the other worker', async () => {
    // ZOMBIE_AFTER_MS < the try's remaining time: a stopping worker that stopped heartbeating would be reaped.
    const stack: Stack = await startStack({
      name: 'worker-sigterm',
      workers: 0,
      env: { SCHEDULER_TICK_MS: '100', HEARTBEAT_MS: '500', ZOMBIE_AFTER_MS: '3000' },
    });
    cleanups.push(() => stack.stop());
    const stopping = await stack.startProcess('worker', { WORKER_ID: 'w-stopping' });
    const { client: api } = await signUp(stack.apiUrl, 'sigterm');
    await api.request(UPSERT, {
      s: { dagId: 'inflight', tasks: [{ taskId: 'long', type: 'noop', retries: 1, retryDelaySeconds: 1, with: { durationMs: 8_000 } }] },
    });
    await api.request(UPSERT, {
      s: { dagId: 'after_term', maxActiveTasks: 8, tasks: Array.from({ length: 6 }, (_, i) => ({ taskId: `t${i}`, type: 'noop', with: { durationMs: 200 } })) },
    });
    const inflight = await trigger(api, 'inflight');
    const long = await waitFor(() => stack.prisma.taskInstance.findFirst({ where: { dagRunId: inflight, state: 'running' } }), 20_000, 'the long try to run');
    expect(long.workerId).toBe('w-stopping');
    await stack.startProcess('worker', { WORKER_ID: 'w-other' });

    const exit = exited(stopping);
    const sigtermAt = Date.now();
    stopping.child.kill('SIGTERM');
    await stopping.waitForLog('worker stopping', 10_000); // it began closing
    await sleep(500); // and dropped its blocking fetch

    // Work queued after SIGTERM: the stopping worker (still alive, finishing its try) takes none of it.
    const later = await trigger(api, 'after_term');
    await waitFor(
      async () => (await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: later } })).state === 'success',
      30_000,
      'the run queued after SIGTERM',
    );
    const laterTries = await stack.prisma.taskTry.findMany({ where: { taskInstance: { dagRunId: later } } });
    expect(laterTries).toHaveLength(6);
    expect(new Set(laterTries.map((t) => t.workerId))).toEqual(new Set(['w-other']));
    const firstLaterStart = Math.min(...laterTries.map((t) => t.startedAt.getTime()));

    // The stopping worker finished its try and then exited with 0.
    let giveUp: NodeJS.Timeout | undefined;
    const { code, at: exitedAt } = await Promise.race([
      exit,
      new Promise<{ code: number; at: number }>((r) => (giveUp = setTimeout(() => r({ code: -1, at: 0 }), 25_000))),
    ]);
    clearTimeout(giveUp);
    expect(code).toBe(0);
    await waitFor(
      async () => (await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: inflight } })).state === 'success',
      20_000,
      'the in-flight run to succeed',
    );
    const tries = await stack.prisma.taskTry.findMany({ where: { taskInstanceId: long.id }, orderBy: { tryNumber: 'asc' } });
    expect(tries.map((t) => [t.tryNumber, t.state, t.workerId])).toEqual([[1, 'success', 'w-stopping']]);
    const t1 = tries[0];
    expect(t1.endedAt!.getTime()).toBeGreaterThan(sigtermAt); // it was in flight at SIGTERM
    expect(t1.endedAt!.getTime() - t1.startedAt.getTime()).toBeGreaterThanOrEqual(7_900); // ran its full 8 s
    expect(t1.endedAt!.getTime()).toBeLessThanOrEqual(exitedAt); // and was recorded before the process exited
    // The stopping worker was still up (with free slots) when that work started: it declined it.
    expect(firstLaterStart).toBeLessThan(exitedAt);
    expect(await stack.prisma.taskInstance.count({ where: { state: { in: ['running', 'queued', 'restarting'] } } })).toBe(0);
    expect(await stack.prisma.taskTry.count({ where: { endedAt: null } })).toBe(0);
  });

  it('a paused DAG creates no scheduled runs though intervals are due; a run already running when it was paused still finishes', async () => {
    const stack: Stack = await startStack({ name: 'pause', env: { SCHEDULER_TICK_MS: '100' } });
    cleanups.push(() => stack.stop());
    const { client: api } = await signUp(stack.apiUrl, 'pause');
    const tasks = [
      { taskId: 'work', type: 'noop', with: { durationMs: 3_000 } },
      { taskId: 'after', type: 'noop', dependsOn: ['work'] },
    ];
    // Version 1 starts in 2030: nothing is due yet.
    await api.request(UPSERT, {
      s: { dagId: 'pausable', schedule: '* * * * *', timezone: 'UTC', startDate: '2030-01-01T00:00:00', catchup: true, maxActiveRuns: 10, tasks },
    });
    const manual = await trigger(api, 'pausable');
    await waitFor(() => stack.prisma.taskInstance.findFirst({ where: { dagRunId: manual, taskId: 'work', state: 'running' } }), 20_000, 'work to run');

    const pausedAt = Date.now();
    const paused = await api.request<{ pauseDag: { paused: boolean } }>('mutation{ pauseDag(dagId: "pausable"){ paused } }');
    expect(paused.pauseDag.paused).toBe(true);
    // While paused, version 2 moves the start 5 minutes back: five intervals are due at once.
    const start = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - 5 * MINUTE);
    const v2 = await api.request<{ upsertDag: { latestVersion: number } }>(UPSERT, {
      s: { dagId: 'pausable', schedule: '* * * * *', timezone: 'UTC', startDate: localUtc(start), catchup: true, maxActiveRuns: 10, tasks },
    });
    expect(v2.upsertDag.latestVersion).toBe(2);
    const dag = await api.request<{ dag: { paused: boolean; nextDagRunDueAt: string } }>('query{ dag(dagId: "pausable"){ paused nextDagRunDueAt } }');
    expect(dag.dag.paused).toBe(true);
    expect(new Date(dag.dag.nextDagRunDueAt).getTime()).toBeLessThan(Date.now()); // due: only the pause holds it

    // The running run goes on: its task finishes and its downstream task is scheduled and runs while paused.
    await waitFor(
      async () => ['success', 'failed'].includes((await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: manual } })).state),
      20_000,
      'the manual run to finish',
    );
    const run = await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: manual }, include: { taskInstances: true } });
    expect(run.state).toBe('success');
    const byId = Object.fromEntries(run.taskInstances.map((t) => [t.taskId, t]));
    expect(byId.work.state).toBe('success');
    expect(byId.after.state).toBe('success');
    expect(byId.after.startedAt!.getTime()).toBeGreaterThan(pausedAt);

    // Many scheduler ticks later, still no scheduled run.
    await sleep(1_500);
    expect(await stack.prisma.dagRun.count({ where: { dagId: 'pausable', runType: 'scheduled' } })).toBe(0);
    expect((await stack.prisma.dag.findFirstOrThrow({ where: { dagId: 'pausable' } })).paused).toBe(true);

    // Control: unpaused, the scheduler creates the due runs (so it was the pause that held them).
    const unpausedAt = Date.now();
    await api.request('mutation{ unpauseDag(dagId: "pausable"){ paused } }');
    const scheduled = await waitFor(
      async () => {
        const rows = await stack.prisma.dagRun.findMany({ where: { dagId: 'pausable', runType: 'scheduled' }, orderBy: { logicalDate: 'asc' } });
        return rows.length >= 5 ? rows : null;
      },
      20_000,
      'scheduled runs after unpause',
    );
    expect(scheduled.map((r) => r.logicalDate.getTime()).slice(0, 5)).toEqual([0, 1, 2, 3, 4].map((k) => start.getTime() + k * MINUTE));
    expect(scheduled.every((r) => r.queuedAt.getTime() >= unpausedAt && r.dagVersion === 2)).toBe(true);
  });
});
