// 5. fairness: tenant B's task start latency (DagRun.queuedAt → TaskInstance.startedAt) while
// tenant A has 50,000 tasks queued, vs B alone on the same stack. A's backlog is written directly
// as 100 DAGs x 1 running run x 500 task instances in `scheduled` (A's concurrencyQuota raised to
// allow them all), and the engine itself queues them: the scheduler's sweep (evaluateWaitingRuns)
// moves them to `queued` within its limits and enqueues their BullMQ jobs with the engine's own
// priorities, so the backlog follows whatever queueing/fair-share policy the engine has. B starts
// probing once A's queued count stops growing. B triggers its probe runs through the API.
// B's tasks that have not started when the timeout hits are counted with the latency they had
// reached (censored: the figure is then a lower bound, flagged `censored`).
import { createRedis, TaskQueue } from '@tower/queue';
import { RESULTS, sleep } from '../lib/stack.mjs';
import { closeStack, openStack } from '../lib/warmup.mjs';
import { signUp, triggerRun, upsertDag } from '../lib/gql.mjs';
import { canonicalSpec, createTenant, insertDag, noopTasks, round, summarize } from '../lib/util.mjs';
import { diskSummary, startDiskProbe } from '../lib/disk-probe.mjs';

async function probe(ctx, stack, client, tenantId, { runs, spacingMs, timeoutMs, label, base, onTick, disk }) {
  const runIds = [];
  const from = Date.now();
  for (let i = 0; i < runs; i++) {
    const r = await triggerRun(client, 'probe', new Date(base + i * 1000));
    runIds.push(r.id);
    ctx.progress.update(`${label}: triggering`, i + 1, runs);
    await sleep(spacingMs);
  }
  const deadline = Date.now() + timeoutMs;
  let censored = 0;
  for (;;) {
    const started = await stack.prisma.taskInstance.count({ where: { tenantId, dagRunId: { in: runIds }, startedAt: { not: null } } });
    const extra = onTick ? await onTick() : '';
    ctx.progress.update(`${label}: B tasks started`, started, runs * 2, extra);
    if (started >= runs * 2) break;
    if (Date.now() > deadline) {
      censored = runs * 2 - started;
      ctx.progress.note(`${label}: ${censored} of B's ${runs * 2} tasks not started after ${timeoutMs / 1000}s: counted as censored (lower bound)`);
      break;
    }
    await sleep(200);
  }
  const measuredAt = Date.now();
  const rows = await stack.prisma.taskInstance.findMany({
    where: { tenantId, dagRunId: { in: runIds } },
    select: { startedAt: true, queuedAt: true, dagRun: { select: { queuedAt: true, startedAt: true } } },
  });
  const endOf = (r) => (r.startedAt ?? new Date(measuredAt)).getTime();
  const lat = rows.map((r) => endOf(r) - r.dagRun.queuedAt.getTime());
  // Where the time goes (p50/p99 ms): run created → run started → task queued → task started.
  const seg = (from, to) => {
    const xs = rows.filter((r) => from(r) && to(r)).map((r) => to(r).getTime() - from(r).getTime());
    const q = summarize(xs);
    return [round(q.p50, 0), round(q.p99, 0)];
  };
  const segments = {
    runStart: seg(
      (r) => r.dagRun.queuedAt,
      (r) => r.dagRun.startedAt,
    ),
    taskQueued: seg(
      (r) => r.dagRun.startedAt,
      (r) => r.queuedAt,
    ),
    taskStarted: seg(
      (r) => r.queuedAt,
      (r) => r.startedAt,
    ),
  };
  // The disk: how often its flushes (which every synchronous commit waits for) stalled meanwhile,
  // and how many samples such a stall overlapped.
  // A diagnostic, not the figure: the p99 of the samples no stall overlapped.
  const clear = rows.filter((r) => !disk.overlaps(r.dagRun.queuedAt.getTime(), endOf(r)));
  const clearP99 = summarize(clear.map((r) => endOf(r) - r.dagRun.queuedAt.getTime())).p99;
  return {
    s: summarize(lat),
    censored,
    samples: rows.length,
    segments,
    disk: { ...diskSummary(disk, from, measuredAt), samplesOverlappingAStall: rows.length - clear.length, p99MsOfTheOthers: clearP99 },
  };
}

export default async function fairness(ctx) {
  const perRun = ctx.smoke ? 50 : 500;
  const backlog = Math.max(perRun, Math.round(ctx.size(50_000, 200) / perRun) * perRun);
  const aRuns = backlog / perRun;
  const probeRuns = ctx.smoke ? 3 : Number(process.env.BENCH_FAIRNESS_RUNS ?? 100);
  const spacingMs = ctx.smoke ? 100 : Number(process.env.BENCH_FAIRNESS_SPACING_MS ?? 200);
  const timeoutMs = (ctx.smoke ? 15 : Number(process.env.BENCH_FAIRNESS_TIMEOUT_S ?? 300)) * 1000;
  const stack = await openStack(ctx, 'fairness');
  const redis = createRedis(stack.env.REDIS_URL);
  const queue = new TaskQueue(redis, stack.redisPrefix);
  const disk = startDiskProbe(process.env.BENCH_DISK_PROBE_DIR ?? RESULTS);
  try {
    const { prisma } = stack;
    const b = await signUp(stack.apiUrl, 'tenant-b');
    await upsertDag(b.client, { dagId: 'probe', maxActiveRuns: 1000, tasks: noopTasks(2) });

    ctx.progress.note(`B alone: ${probeRuns} runs x 2 noop tasks, one every ${spacingMs} ms`);
    const alone = await probe(ctx, stack, b.client, b.tenantId, { runs: probeRuns, spacingMs, timeoutMs, label: 'B alone', base: Date.UTC(2020, 0, 1), disk });

    ctx.progress.note(`writing tenant A's backlog: ${aRuns} DAGs x 1 run x ${perRun} scheduled tasks = ${backlog}`);
    const tenantA = await createTenant(prisma, `tenant-a-${Date.now().toString(36)}`, backlog + 1000);
    // DAGs first, then every run and task instance in one transaction: the engine sees the whole
    // backlog at once (written row by row, it would start running A's first DAGs while the rest is
    // being written, and part of the backlog would be gone before B probes).
    const dags = [];
    for (let d = 0; d < aRuns; d++) {
      const { spec, hash } = canonicalSpec({ dagId: `a_bulk_${d}`, maxActiveTasks: 10_000, tasks: noopTasks(perRun) });
      dags.push({ spec, ...(await insertDag(prisma, tenantA.id, spec, hash)) });
    }
    const now = new Date();
    await prisma.$transaction(
      async (tx) => {
        for (const [d, { spec, dag, version }] of dags.entries()) {
          const logicalDate = new Date(Date.UTC(2021, 0, 1));
          const [run] = await tx.dagRun.createManyAndReturn({
            data: [
              {
                tenantId: tenantA.id,
                dagPk: dag.id,
                dagId: dag.dagId,
                dagVersionId: version.id,
                dagVersion: 1,
                runId: `manual__${logicalDate.toISOString()}`,
                runType: 'manual',
                state: 'running',
                logicalDate,
                dataIntervalStart: logicalDate,
                dataIntervalEnd: logicalDate,
                queuedAt: now,
                startedAt: now,
              },
            ],
          });
          await tx.taskInstance.createMany({
            data: spec.tasks.map((t) => ({
              tenantId: tenantA.id,
              dagRunId: run.id,
              dagId: dag.dagId,
              taskId: t.taskId,
              operator: t.type,
              state: 'scheduled',
              maxTries: t.retries + 1,
              pool: t.pool,
              priorityWeight: t.priorityWeight,
            })),
          });
          ctx.progress.update('A backlog: rows (one transaction)', (d + 1) * perRun, backlog);
        }
      },
      { timeout: 300_000, maxWait: 30_000 },
    );
    // Let the engine queue A's backlog: wait until nothing is left `scheduled`, or A's `queued` count
    // has stopped growing for 3 s (the engine's limits — quota, pools — hold the rest back).
    const queuedBy = Date.now() + (ctx.smoke ? 15_000 : 300_000);
    let lastQueued = -1;
    let stableSince = Date.now();
    for (;;) {
      const counts = await prisma.taskInstance.groupBy({ by: ['state'], where: { tenantId: tenantA.id }, _count: { _all: true } });
      const by = Object.fromEntries(counts.map((c) => [c.state, c._count._all]));
      const queued = by.queued ?? 0;
      ctx.progress.update('A backlog: queued by the engine', queued, backlog, `(scheduled ${by.scheduled ?? 0}, done ${by.success ?? 0})`);
      if (!by.scheduled) break;
      if (queued > lastQueued) [lastQueued, stableSince] = [queued, Date.now()];
      if (queued > 0 && Date.now() - stableSince > 1_000) break;
      if (Date.now() > queuedBy) break;
      await sleep(500);
    }
    const aState = Object.fromEntries(
      (await prisma.taskInstance.groupBy({ by: ['state'], where: { tenantId: tenantA.id }, _count: { _all: true } })).map((c) => [c.state, c._count._all]),
    );
    ctx.progress.note(`A's backlog as the engine left it: ${JSON.stringify(aState)}`);
    const aDone = () => prisma.taskInstance.count({ where: { tenantId: tenantA.id, state: 'success' } });
    const aBefore = await aDone();
    const tLoad = Date.now();
    ctx.progress.note(`B with A's ${backlog} tasks queued (${aBefore} of A's already done)`);
    const loaded = await probe(ctx, stack, b.client, b.tenantId, {
      runs: probeRuns,
      spacingMs,
      timeoutMs,
      label: 'B with A backlog',
      base: Date.UTC(2022, 0, 1),
      onTick: async () => `| A done ${await aDone()}/${backlog}`,
      disk,
    });
    const aAfter = await aDone();
    // A's backlog must outlast the probe, or part of it measured B alone.
    const aLeftAfterProbe = await prisma.taskInstance.count({ where: { tenantId: tenantA.id, state: { in: ['scheduled', 'queued', 'running'] } } });
    const aRate = round((aAfter - aBefore) / ((Date.now() - tLoad) / 1000), 1);
    await ctx.afterMeasure?.(stack, { task: aAfter + probeRuns * 4 });

    const figAlone = {
      bench: 'fairness',
      case: 'b_alone',
      p50Ms: alone.s.p50,
      p99Ms: alone.s.p99,
      maxMs: alone.s.max,
      samples: alone.samples,
      censored: alone.censored,
      segments: alone.segments,
      disk: alone.disk,
    };
    const figLoaded = {
      bench: 'fairness',
      case: `b_with_a_${backlog}_queued`,
      p50Ms: loaded.s.p50,
      p99Ms: loaded.s.p99,
      maxMs: loaded.s.max,
      samples: loaded.samples,
      censored: loaded.censored,
      segments: loaded.segments,
      disk: loaded.disk,
      ...(loaded.censored ? { note: `${loaded.censored} B tasks had not started after ${timeoutMs / 1000}s: latencies are lower bounds` } : {}),
      ...(aLeftAfterProbe === 0 ? { warning: "A's backlog ran out before the probe ended: part of the probe measured B alone" } : {}),
      aStatesWhenProbing: aState,
      aTasksDoneMeanwhile: aAfter - aBefore,
      aLeftAfterProbe,
      aTasksPerSec: aRate,
    };
    const figRatio = {
      bench: 'fairness',
      case: 'ratio_p99',
      ratio: alone.s.p99 ? round(loaded.s.p99 / alone.s.p99, 1) : null,
      aloneP99Ms: alone.s.p99,
      loadedP99Ms: loaded.s.p99,
      lowerBound: loaded.censored > 0,
      // Diagnostic (the figure is `ratio`): the same ratio over the samples no disk stall overlapped.
      ratioWithoutStalledSamples: alone.disk.p99MsOfTheOthers ? round(loaded.disk.p99MsOfTheOthers / alone.disk.p99MsOfTheOthers, 1) : null,
      workers: stack.workers,
      interactiveWorkers: stack.interactiveWorkers,
      workerConcurrency: stack.concurrency,
    };
    for (const f of [figAlone, figLoaded, figRatio]) ctx.emit(f);
    return [figAlone, figLoaded, figRatio];
  } finally {
    disk.stop();
    // Drop A's leftover jobs so the workers stop promptly.
    await queue.obliterate().catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await closeStack(ctx, stack);
  }
}
