// alerts: failing runs → RUN_FAILED alerts → webhook deliveries, end to end, through the real
// processes. T tenants (20) each have a RUN_FAILED rule to a WEBHOOK channel of their own, pointing
// at an HTTP receiver in this process; one tenant's webhook answers only after 10 s. Failing runs
// (a DAG whose single http.request task calls a closed port, no retries) are triggered through the
// API at R runs/s in total (200) for S seconds (60), round-robin over the tenants, paced open-loop.
// Per delivery: latency = when the receiver got the request − alert.firedAt (the time of the run's
// failure, from the webhook body). Figures: the fast tenants' p50/p99/max and the exactly-once
// check (every failed run's alert received once, per receiver path), the slow tenant's separately.
// Not in the default set (`npm run bench -- alerts`; `--smoke`: 2 tenants, a few runs).
import http from 'node:http';
import { execSync } from 'node:child_process';
import { ROOT, sleep } from '../lib/stack.mjs';
import { signUp, triggerRun, upsertDag } from '../lib/gql.mjs';
import { closeStack, openStack } from '../lib/warmup.mjs';
import { round, summarize } from '../lib/util.mjs';

const num = (name, fallback) => (process.env[name] != null ? Number(process.env[name]) : fallback);

/** A DAG whose single task fails at once (connection refused), without retries. */
const failingDag = (dagId) => ({
  dagId,
  maxActiveRuns: 1000,
  defaultArgs: { retries: 0 },
  tasks: [{ taskId: 'boom', type: 'http.request', with: { url: 'http://127.0.0.1:1/closed' } }],
});

/**
 * The webhook receiver: records when each request arrived (its headers, before the body) with the
 * parsed body; answers 200 at once, or after `slowMs` on the slow paths.
 */
async function startReceiver(slowPaths, slowMs) {
  const hits = [];
  const pending = new Set();
  let recording = true;
  const server = http.createServer((req, res) => {
    const at = Date.now();
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (recording) {
        let body = null;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          // counted as a hit without a body
        }
        hits.push({ path: req.url, at, body, delivery: req.headers['x-tower-delivery'] ?? null });
      }
      const answer = () => {
        pending.delete(answer);
        if (!res.writableEnded) res.end('ok');
      };
      if (slowPaths.has(req.url) && recording) {
        pending.add(answer);
        setTimeout(answer, slowMs);
      } else answer();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    hits,
    async close() {
      recording = false;
      for (const answer of [...pending]) answer();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Which processes consume the delivery queue: workers at nice 0 deliver (a niced worker never does,
 * docs/alerts.md), so the interactive-lane workers, or every worker when one serves both lanes, or
 * the bulk-lane ones too when BENCH_BULK_NICE=0 keeps them at nice 0.
 */
function deliveringProcesses(stack) {
  if (stack.interactiveWorkers === 0) return [`${stack.workers} worker(s), both lanes`];
  const bulkNice = process.env.BENCH_BULK_NICE ?? '19';
  return [`${stack.interactiveWorkers} interactive-lane worker(s)`, ...(bulkNice === '0' ? [`${stack.workers} bulk-lane worker(s)`] : [])];
}

function gitCommit() {
  try {
    const sha = execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return `${sha}${dirty ? '+dirty' : ''}`;
  } catch {
    return null;
  }
}

const ms = (s) => ({ p50Ms: round(s.p50, 0), p99Ms: round(s.p99, 0), maxMs: round(s.max, 0) });

export default async function alerts(ctx) {
  const tenantsN = ctx.smoke ? 2 : num('BENCH_ALERTS_TENANTS', 20);
  const rate = ctx.smoke ? 5 : num('BENCH_ALERTS_RATE', 200) * ctx.scale;
  const seconds = ctx.smoke ? 4 : num('BENCH_ALERTS_SECONDS', 60);
  const slowMs = ctx.smoke ? 2_000 : num('BENCH_ALERTS_SLOW_MS', 10_000);
  const inFlight = num('BENCH_ALERTS_IN_FLIGHT', 64);
  const drainS = ctx.smoke ? 30 : num('BENCH_ALERTS_DRAIN_S', 180);
  const total = Math.max(tenantsN, Math.round(rate * seconds));
  const slowIndex = tenantsN - 1;
  const pathOf = (i) => (i === slowIndex ? '/hook/slow' : `/hook/t${i}`);
  const receiver = await startReceiver(new Set([pathOf(slowIndex)]), slowMs);
  const commit = gitCommit();
  const stack = await openStack(ctx, 'alerts').catch(async (err) => {
    await receiver.close();
    throw err;
  });
  const deliveredBy = deliveringProcesses(stack);
  try {
    const { prisma } = stack;
    ctx.progress.note(
      `${commit ?? '?'}; delivery consumer in: ${deliveredBy.join(', ') || '?'}; ${tenantsN} tenants (one slow webhook: ${slowMs} ms), ${rate} failing runs/s for ${seconds}s`,
    );
    const tenants = [];
    for (let i = 0; i < tenantsN; i++) {
      const { client, tenantId } = await signUp(stack.apiUrl, `alerts-${i}`);
      const channel = (
        await client.request(
          'mutation($u: JSON!, $s: String!) { createAlertChannel(input: { name: "hook", type: WEBHOOK, config: { url: $u }, secrets: { signingSecret: $s } }) { id } }',
          { u: `${receiver.url}${pathOf(i)}`, s: `whsec-bench-${i}-0123` },
        )
      ).createAlertChannel;
      await client.request('mutation($c: [ID!]) { createAlertRule(input: { name: "failed", event: RUN_FAILED, channelIds: $c }) { id } }', {
        c: [channel.id],
      });
      await upsertDag(client, failingDag('fails'));
      if (i !== slowIndex) await upsertDag(client, failingDag('warm_fails'));
      tenants.push({ i, client, tenantId, path: pathOf(i), slow: i === slowIndex });
    }
    const base = Date.UTC(2001, 0, 1);

    // Alert path warm-up: the fast tenants' failing runs (another DAG, not counted) until their
    // alerts arrive, so the evaluator's and the deliverer's code is past V8's first tiers.
    const warmN = ctx.smoke ? 0 : num('BENCH_ALERTS_WARMUP_RUNS', 400);
    if (warmN > 0) {
      const fast = tenants.filter((t) => !t.slow);
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < warmN) {
            const k = next++;
            await triggerRun(fast[k % fast.length].client, 'warm_fails', new Date(base - (k + 1) * 1000));
          }
        }),
      );
      const deadline = Date.now() + 120_000;
      for (;;) {
        const got = receiver.hits.filter((h) => h.body?.alert?.dagId === 'warm_fails').length;
        ctx.progress.update('alert warm-up: deliveries', got, warmN);
        if (got >= warmN) break;
        if (Date.now() > deadline) {
          ctx.progress.note(`alert warm-up: only ${got}/${warmN} delivered in 120 s; continuing`);
          break;
        }
        await sleep(250);
      }
    }
    ctx.resetSql?.(stack);

    // The window: trigger i at t0 + i/rate, tenant i mod T, at most `inFlight` calls outstanding.
    const t0 = Date.now() + 500;
    const windowEnd = t0 + seconds * 1000;
    let next = 0;
    let triggered = 0;
    let triggerErrors = 0;
    let behindMax = 0;
    const lastTriggerAt = { t: 0 };
    const triggering = Promise.all(
      Array.from({ length: Math.min(inFlight, total) }, async () => {
        while (next < total) {
          const i = next++;
          const due = t0 + (i * 1000) / rate;
          const wait = due - Date.now();
          if (wait > 0) await sleep(wait);
          else behindMax = Math.max(behindMax, -wait);
          const t = tenants[i % tenantsN];
          try {
            await triggerRun(t.client, 'fails', new Date(base + i * 1000));
            triggered++;
          } catch (err) {
            triggerErrors++;
            if (triggerErrors <= 3) ctx.progress.note(`trigger ${i} failed: ${err.message}`);
          }
          lastTriggerAt.t = Date.now();
        }
      }),
    );
    const fastPaths = new Set(tenants.filter((t) => !t.slow).map((t) => t.path));
    const countFast = () => receiver.hits.filter((h) => fastPaths.has(h.path) && h.body?.alert?.dagId === 'fails').length;
    while (Date.now() < windowEnd || lastTriggerAt.t === 0 || next < total) {
      ctx.progress.update('window: triggered', triggered, total, `; fast deliveries ${countFast()}`);
      await Promise.race([sleep(1000), triggering]);
      if (next >= total && Date.now() >= windowEnd) break;
    }
    await triggering;
    const triggerEnd = lastTriggerAt.t;
    const slowAtWindowEnd = receiver.hits.filter((h) => h.path === pathOf(slowIndex) && h.at <= windowEnd && h.body?.alert?.dagId === 'fails').length;
    ctx.progress.note(
      `triggered ${triggered}/${total} in ${((triggerEnd - t0) / 1000).toFixed(1)}s (${round(triggered / ((triggerEnd - t0) / 1000), 1)}/s; ${triggerErrors} errors; at most ${Math.round(behindMax)} ms behind schedule)`,
    );

    // Every run ends, then every fast tenant's alert arrives (or the drain times out).
    const tenantIds = tenants.map((t) => t.tenantId);
    const drainDeadline = Date.now() + drainS * 1000;
    for (;;) {
      const open = await prisma.dagRun.count({ where: { tenantId: { in: tenantIds }, dagId: 'fails', state: { notIn: ['failed', 'success', 'canceled'] } } });
      ctx.progress.update('runs still open', open, null);
      if (open === 0 || Date.now() > drainDeadline) break;
      await sleep(500);
    }
    const failedRuns = await prisma.dagRun.findMany({
      where: { tenantId: { in: tenantIds }, dagId: 'fails', state: 'failed' },
      select: { id: true, tenantId: true, endedAt: true, updatedAt: true },
    });
    const expectedFast = failedRuns.filter((r) => r.tenantId !== tenants[slowIndex].tenantId).length;
    for (;;) {
      const got = new Set(receiver.hits.filter((h) => fastPaths.has(h.path) && h.body?.alert?.dagId === 'fails').map((h) => h.body.alert.dagRunId)).size;
      ctx.progress.update('drain: fast tenants’ alerts received', got, expectedFast);
      if (got >= expectedFast || Date.now() > drainDeadline) break;
      await sleep(500);
    }
    await sleep(2000); // late duplicates, if any, arrive meanwhile
    const drainedAt = Date.now();
    await ctx.afterMeasure?.(stack, { run: failedRuns.length });
    // Nothing left to do but the slow tenant's backlog (4 sends in flight per delivering process,
    // the rest waiting): what each process spends on it, in % of one core over 5 s.
    const cpuBefore = stack.cpu();
    await sleep(5000);
    const cpuAfter = stack.cpu();
    const idleCpuPct = Object.fromEntries(
      Object.entries(cpuAfter)
        // Postgres backends that exit meanwhile take their CPU time with them: left out.
        .filter(([k, v]) => v != null && k !== 'postgres')
        .map(([k, v]) => [k, round(((v - (cpuBefore[k] ?? 0)) / 5) * 100, 1)]),
    );

    // Figures.
    const hits = receiver.hits.filter((h) => h.body?.alert?.dagId === 'fails' && h.body?.type === 'alert.firing');
    const stray = receiver.hits.filter(
      (h) => !h.body || (h.body.alert?.dagId !== 'fails' && h.body.alert?.dagId !== 'warm_fails') || h.body.type !== 'alert.firing',
    );
    // Expected: the runs that had failed when the drain began waiting for alerts (`failedRuns`);
    // when the runs' drain timed out, more fail afterwards, and their alerts are no surprise: an
    // alert is unexpected only for a run of another tenant or one that has not failed even now.
    const failedNow = await prisma.dagRun.findMany({
      where: { tenantId: { in: tenantIds }, dagId: 'fails', state: 'failed' },
      select: { id: true, tenantId: true },
    });
    const runsOf = new Map(tenants.map((t) => [t.tenantId, new Set()]));
    for (const r of failedRuns) runsOf.get(r.tenantId).add(r.id);
    const runsNowOf = new Map(tenants.map((t) => [t.tenantId, new Set()]));
    for (const r of failedNow) runsNowOf.get(r.tenantId).add(r.id);
    const perTenant = tenants.map((t) => {
      const mine = hits.filter((h) => h.path === t.path);
      const byRun = new Map();
      for (const h of mine) byRun.set(h.body.alert.dagRunId, (byRun.get(h.body.alert.dagRunId) ?? 0) + 1);
      const expected = runsOf.get(t.tenantId);
      const missing = [...expected].filter((id) => !byRun.has(id)).length;
      const late = [...byRun.keys()].filter((id) => !expected.has(id) && runsNowOf.get(t.tenantId).has(id)).length;
      const unexpected = [...byRun.keys()].filter((id) => !runsNowOf.get(t.tenantId).has(id)).length;
      const duplicates = [...byRun.values()].reduce((a, n) => a + (n - 1), 0);
      return { t, mine, expected: expected.size, received: mine.length, distinct: byRun.size, missing, late, unexpected, duplicates };
    });
    const fast = perTenant.filter((p) => !p.t.slow);
    const slow = perTenant.find((p) => p.t.slow);
    const latency = (list) => summarize(list.map((h) => h.at - Date.parse(h.body.alert.firedAt)));
    const fastLatency = latency(fast.flatMap((p) => p.mine));
    // The fast tenants' latency by when the run failed (10 s slices of the window, then after it): a
    // tail that grows through the window is work that grows with the alerts already open.
    const sliceMs = Math.max(1000, Math.round((seconds * 1000) / 6));
    const bySlice = [];
    for (const h of fast.flatMap((p) => p.mine)) {
      const k = Math.max(0, Math.floor((Date.parse(h.body.alert.firedAt) - t0) / sliceMs));
      (bySlice[k] ??= []).push(h.at - Date.parse(h.body.alert.firedAt));
    }
    const slices = Array.from(bySlice, (list, k) => {
      const s2 = summarize(list ?? []);
      return { fromS: round((k * sliceMs) / 1000, 0), n: s2.n, p50Ms: round(s2.p50, 0), p99Ms: round(s2.p99, 0) };
    }).filter((x) => x.n > 0);
    const slowLatency = latency(slow.mine);

    // Where the fast tenants' time went, from the rows: failure → delivery row written (the
    // evaluator's transaction began; Postgres now()), → claimed by the deliverer, → received here.
    const deliveryRows = await prisma.$queryRaw`
      SELECT d."alertId" AS "alertId", (EXTRACT(EPOCH FROM (d."createdAt" - a."firedAt")) * 1000)::float8 AS evaluated,
             (EXTRACT(EPOCH FROM (d."claimedAt" - d."createdAt")) * 1000)::float8 AS queued, d.attempts, a."dagRunId" AS "dagRunId",
             (EXTRACT(EPOCH FROM d."claimedAt") * 1000)::float8 AS "claimedAt"
      FROM "AlertDelivery" d JOIN "Alert" a ON a.id = d."alertId"
      WHERE a."dagId" = 'fails' AND d.kind = 'TRIGGER' AND d."tenantId" = ANY(${tenants.filter((t) => !t.slow).map((t) => t.tenantId)}::uuid[])`;
    const recvOf = new Map(fast.flatMap((p) => p.mine.map((h) => [h.body.alert.id, h.at])));
    const sent = deliveryRows.filter((d) => d.claimedAt != null && recvOf.has(d.alertId)).map((d) => recvOf.get(d.alertId) - d.claimedAt);
    const segments = {
      evaluated: ms(summarize(deliveryRows.map((d) => d.evaluated))),
      queued: ms(summarize(deliveryRows.filter((d) => d.queued != null).map((d) => d.queued))),
      sent: ms(summarize(sent)),
      retried: deliveryRows.filter((d) => d.attempts > 1).length,
    };
    const slowStatus = await prisma.alertDelivery.groupBy({ by: ['status'], where: { tenantId: slow.t.tenantId }, _count: true });
    const slowAlertsAtWindowEnd = await prisma.alert.count({ where: { tenantId: slow.t.tenantId, dagId: 'fails', firedAt: { lte: new Date(windowEnd) } } });
    const slowAlerts = await prisma.alert.count({ where: { tenantId: slow.t.tenantId, dagId: 'fails' } });
    const ends = failedRuns.map((r) => (r.endedAt ?? r.updatedAt).getTime());
    const failedInWindow = ends.filter((e) => e >= t0 && e <= windowEnd).length;
    const lastEnd = Math.max(...ends);

    const sum = (f) => fast.reduce((a, p) => a + p[f], 0);
    const exactlyOnce = sum('missing') === 0 && sum('duplicates') === 0 && sum('unexpected') === 0;
    const common = { commit, deliveredBy, tenants: tenantsN, targetRunsPerSec: rate, seconds };
    const figs = [
      {
        bench: 'alerts',
        case: 'rate',
        ...common,
        triggered,
        triggerErrors,
        triggersPerSec: round(triggered / ((triggerEnd - t0) / 1000), 1),
        failedRuns: failedRuns.length,
        failedRunsPerSec: round(failedInWindow / seconds, 1),
        failedRunsPerSecOverall: round(failedRuns.length / ((lastEnd - t0) / 1000), 1),
        lastRunEndedAfterWindowS: round((lastEnd - windowEnd) / 1000, 1),
        maxBehindScheduleMs: Math.round(behindMax),
      },
      {
        bench: 'alerts',
        case: 'fast_tenants',
        tenants: fast.length,
        ...ms(fastLatency),
        meanMs: fastLatency.mean,
        delivered: fastLatency.n,
        expected: fast.reduce((a, p) => a + p.expected, 0),
        distinct: sum('distinct'),
        missing: sum('missing'),
        duplicates: sum('duplicates'),
        unexpected: sum('unexpected'),
        lateRunsReceived: sum('late'),
        exactlyOnce,
        goalP99Ms: 1000,
        segments,
        slices,
        drainS: round((drainedAt - windowEnd) / 1000, 1),
      },
      {
        bench: 'alerts',
        case: 'slow_tenant',
        slowMs,
        ...ms(slowLatency),
        alerts: slowAlerts,
        deliveredInWindow: slowAtWindowEnd,
        backlogAtWindowEnd: slowAlertsAtWindowEnd - slowAtWindowEnd,
        delivered: slow.mine.length,
        backlogAtEnd: slowAlerts - slow.distinct,
        duplicates: slow.duplicates,
        deliveryRows: Object.fromEntries(slowStatus.map((s) => [s.status, s._count])),
        cpuPctWhileOnlyTheBacklogWaits: idleCpuPct,
      },
    ];
    if (stray.length) figs[1].strayRequests = stray.length;
    for (const p of fast)
      if (p.missing || p.duplicates || p.unexpected)
        ctx.progress.note(
          `tenant ${p.t.i} (${p.t.path}): expected ${p.expected}, received ${p.received}, missing ${p.missing}, duplicates ${p.duplicates}, unexpected ${p.unexpected}`,
        );
    for (const f of figs) ctx.emit(f);
    return figs;
  } finally {
    await receiver.close();
    await closeStack(ctx, stack);
  }
}
