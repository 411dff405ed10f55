import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signUp } from './support/graphql.js';
import { startStack, waitFor, type Stack, type TowerProcess } from './support/stack.js';

/** The nice value of every thread of a process (field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNice(proc: TowerProcess): number[] {
  const pid = proc.child.pid!;
  return readdirSync(`/proc/${pid}/task`).map((tid) => Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]));
}

/**
 * Worker lanes on real processes: one worker serving only `interactive`, one serving only `bulk`
 * at a lower OS priority (WORKER_NICE). A tenant with a backlog of at most INTERACTIVE_DEPTH (32)
 * tasks runs on the interactive worker; a deeper backlog (a wide fan-out) on the bulk worker.
 */
describe('worker lanes', () => {
  let stack: Stack;
  let interactive: TowerProcess;
  let bulk: TowerProcess;

  beforeAll(async () => {
    stack = await startStack({ name: 'lanes', workers: 0, env: { SCHEDULER_TICK_MS: '200' } });
    interactive = await stack.startProcess('worker', { WORKER_LANES: 'interactive', WORKER_ID: 'lane-interactive' });
    bulk = await stack.startProcess('worker', { WORKER_LANES: 'bulk', WORKER_ID: 'lane-bulk', WORKER_NICE: '7' });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('a bulk-lane worker with WORKER_NICE runs every thread at that priority; the interactive one is untouched', async () => {
    // The worker lowers its priority while it boots; it is up once the stack saw it start.
    const bulkNice = await waitFor(
      async () => {
        const n = threadNice(bulk);
        return n.every((v) => v === 7) ? n : null;
      },
      10_000,
      'the bulk worker threads at nice 7',
    );
    expect(bulkNice.length).toBeGreaterThan(1);
    expect(new Set(threadNice(interactive))).toEqual(new Set([0]));
  });

  const autogroupNice = (pid: number) => Number(/nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, 'utf8'))![1]);
  const autogroups = existsSync('/proc/sys/kernel/sched_autogroup_enabled') && readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';
  // The kernel prints nothing for the root autogroup: the one of a session that never called setsid
  // since boot, as a test runner in a container may be (CI's is).
  const autogroupOf = (pid: number) => readFileSync(`/proc/${pid}/autogroup`, 'utf8');

  (autogroups ? it : it.skip)(
    'with autogroup scheduling, a niced worker leading its own session lowers its autogroup; one sharing a session leaves it alone',
    async () => {
      // Autogroups share the CPUs equally whatever their threads' nice: a bulk worker in a session of
      // its own must lower its group, or it takes as much CPU as the API's whole session.
      const own = await stack.startProcess('worker', { WORKER_LANES: 'bulk', WORKER_ID: 'lane-bulk-own-session', WORKER_NICE: '7' }, { detached: true });
      try {
        await waitFor(async () => (autogroupNice(own.child.pid!) === 7 ? true : null), 10_000, "the detached worker's autogroup at nice 7");
        // The other bulk worker shares this test's session: lowering the group would lower the test runner too.
        expect(autogroupOf(bulk.child.pid!)).toBe(autogroupOf(process.pid));
        expect(autogroupOf(process.pid)).not.toMatch(/nice 7\b/);
      } finally {
        await own.stop();
      }
    },
  );

  it('runs a small run on the interactive lane and a wide fan-out (a backlog deeper than 32) on the bulk lane', async () => {
    const { client } = await signUp(stack.apiUrl, 'lanes');
    const runOn = async (dagId: string, n: number) => {
      await client.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
        s: { dagId, maxActiveTasks: n, tasks: Array.from({ length: n }, (_, i) => ({ taskId: `t${i}`, type: 'noop' })) },
      });
      const run = (await client.request<{ triggerDagRun: { id: string } }>(`mutation($d: String!) { triggerDagRun(dagId: $d) { id } }`, { d: dagId }))
        .triggerDagRun;
      await waitFor(async () => (await stack.prisma.dagRun.findUniqueOrThrow({ where: { id: run.id } })).state === 'success', 60_000, `${dagId} to succeed`);
      const tries = await stack.prisma.taskTry.findMany({ where: { taskInstance: { dagRunId: run.id } } });
      const byWorker: Record<string, number> = {};
      for (const t of tries) byWorker[t.workerId ?? '?'] = (byWorker[t.workerId ?? '?'] ?? 0) + 1;
      return byWorker;
    };
    expect(await runOn('small', 5)).toEqual({ 'lane-interactive': 5 });
    expect(await runOn('fan_out', 40)).toEqual({ 'lane-bulk': 40 });
  });

  it("names each process's Postgres connections (application_name), so pg_stat_activity tells whose they are", async () => {
    const names = (
      await stack.prisma.$queryRawUnsafe<Array<{ name: string }>>(
        `SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE datname = current_database()`,
      )
    ).map((r) => r.name);
    // The bulk worker ran the fan-out just above (pg closes a connection idle for 10 s).
    expect(names).toEqual(expect.arrayContaining(['tower-api', 'tower-scheduler', 'tower-worker lane-bulk']));
    expect(names.filter((n) => n.startsWith('tower-worker ')).every((n) => ['tower-worker lane-interactive', 'tower-worker lane-bulk'].includes(n))).toBe(true);
  });
});
