#!/usr/bin/env node
/* global document, requestAnimationFrame -- the page.evaluate callbacks run in the browser */
// Web benchmark (`npm run bench -- web`; not in npm test): a DAG with 10,000 runs × 20 tasks and a
// 100,000-line log, seeded by SQL behind a real API; the built web app (`next start`) in headless
// Chromium. Figures (one JSON line each, and bench/results/web.json):
//   first_screen_ms  navigation start → the newest run's row painted on the DAG page (median of 15)
//   first_screen_phases_ms  where that time goes: HTML, scripts, the GraphQL requests (medians)
//   jump_oldest_ms   jump (End of the grid's scroll) → the oldest run's row shown
//   frame_ms_p95/max frame times while scrolling the grid 400 px per frame, then while jumping
//   log_open_ms      click on the task → all 100,000 lines loaded and the first lines painted
// Needs the build (npx turbo run build) and Chromium (/usr/bin/chromium or CHROMIUM_PATH).
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { signUp, upsertDag } from './lib/gql.mjs';
import { freePort, RESULTS, ROOT, startStack, waitFor } from './lib/stack.mjs';
import { load, percentile, Progress, summarize } from './lib/util.mjs';

const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 10_000);
/** First-screen visits measured (after one warm-up): on a shared box one visit varies by ±40 %. */
const VISITS = Number(process.env.BENCH_WEB_VISITS ?? 15);
const TASKS = 20;
const LOG_LINES = 100_000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const progress = new Progress('web');
const emit = (fig) => {
  const out = { bench: 'web', ...fig, load1: load().load1 };
  console.log(JSON.stringify(out));
  return out;
};

if (!existsSync(CHROMIUM)) {
  console.error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  process.exit(2);
}

// The history seeded below goes back to 2000: retention (docs/retention.md) would delete it.
const stack = await startStack({ name: 'web', progress, env: { RETENTION_ENABLED: 'false' } });
let web;
let browser;
const figures = [];
try {
  await stack.startProcess('api');
  const { client } = await signUp(stack.apiUrl, 'benchweb');
  const tasks = Array.from({ length: TASKS }, (_, i) => ({
    taskId: `task_${String(i).padStart(2, '0')}`,
    type: 'noop',
    ...(i ? { dependsOn: [`task_${String(i - 1).padStart(2, '0')}`] } : {}),
  }));
  await upsertDag(client, { dagId: 'big_dag', schedule: '0 3 * * *', timezone: 'America/New_York', tasks });
  await client.request('mutation { pauseDag(dagId: "big_dag") { paused } }');

  progress.note(`seeding ${RUNS} runs × ${TASKS} tasks and a ${LOG_LINES}-line log`);
  const t0 = Date.now();
  const p = stack.prisma;
  await p.$executeRawUnsafe(`
    INSERT INTO "DagRun" ("tenantId","dagPk","dagId","dagVersionId","dagVersion","runId","runType","state","logicalDate","dataIntervalStart","dataIntervalEnd","queuedAt","startedAt","endedAt","updatedAt")
    SELECT d."tenantId", d.id, d."dagId", v.id, 1, 'scheduled__' || to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS'), 'scheduled',
           (CASE WHEN g % 17 = 0 THEN 'failed' ELSE 'success' END)::"RunState", ts, ts, ts + interval '1 day', ts + interval '1 day', ts + interval '1 day', ts + interval '1 day 30 seconds', now()
    FROM "Dag" d JOIN "DagVersion" v ON v."dagPk" = d.id, generate_series(1, ${RUNS}) g, LATERAL (SELECT timestamptz '2000-01-01 08:00Z' + (g || ' days')::interval AS ts) t
    WHERE d."dagId" = 'big_dag'`);
  await p.$executeRawUnsafe(`
    INSERT INTO "TaskInstance" ("tenantId","dagRunId","dagId","taskId","operator","state","tryNumber","maxTries","startedAt","endedAt","updatedAt")
    SELECT r."tenantId", r.id, r."dagId", 'task_' || lpad(i::text, 2, '0'), 'noop',
           (CASE WHEN r.state = 'failed' AND i = 7 THEN 'failed' WHEN r.state = 'failed' AND i > 7 THEN 'upstream_failed' ELSE 'success' END)::"TaskState",
           1, 1, r."startedAt", r."endedAt", now()
    FROM "DagRun" r, generate_series(0, ${TASKS - 1}) i WHERE r."dagId" = 'big_dag'`);
  const newest = await p.dagRun.findFirst({ where: { dagId: 'big_dag' }, orderBy: { logicalDate: 'desc' } });
  const logTi = await p.taskInstance.findFirst({ where: { dagRunId: newest.id, taskId: 'task_00' } });
  await p.$executeRawUnsafe(`
    INSERT INTO "TaskLog" ("tenantId","taskInstanceId","tryNumber","ts","level","message")
    SELECT '${logTi.tenantId}', '${logTi.id}', 1, now() + (g || ' milliseconds')::interval,
           CASE WHEN g = 73000 THEN 'error' WHEN g % 50 = 0 THEN 'warn' ELSE 'info' END,
           'line ' || g || ': processed batch ' || (g * 7919 % 100000) || ' of the nightly load, rows written and checkpoint saved'
    FROM generate_series(1, ${LOG_LINES}) g`);
  await p.$executeRawUnsafe('ANALYZE');
  progress.note(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  web = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', path.join(ROOT, 'apps/web'), '-p', String(port), '-H', '127.0.0.1'],
    {
      cwd: ROOT,
      env: { ...process.env, TOWER_API_URL: stack.apiUrl },
      stdio: 'ignore',
    },
  );
  await waitFor(async () => (await fetch(`${url}/login`).catch(() => null))?.ok, 60_000, 'the web app');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // The web session is an httpOnly cookie (docs/web.md): place the one the API would have set.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: 'tower_session', value: client.token, url, httpOnly: true, sameSite: 'Strict' }]);
  const page = await context.newPage();

  // First screen: navigation start → the newest run's row is in the DOM and painted.
  const firstRow = `[data-testid="run-row-${newest.id}"]`;
  const firstScreen = [];
  const phases = [];
  for (let i = 0; i <= VISITS; i++) {
    await page.goto(`${url}/dags/big_dag`);
    await page.waitForSelector(firstRow, { timeout: 60_000 });
    const ms = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
    if (i === 0) continue; // the first visit warms the API's and the server's caches
    firstScreen.push(ms);
    // Where the time goes: the HTML, the scripts, and each GraphQL request (start and end, ms
    // from navigation start, with the answer's size).
    phases.push(
      await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const res = performance.getEntriesByType('resource');
        const scripts = res.filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js'));
        const gql = res.filter((r) => r.name.includes('/graphql'));
        return {
          html_ms: Math.round(nav.responseEnd),
          scripts_loaded_ms: Math.round(Math.max(0, ...scripts.map((r) => r.responseEnd))),
          dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd),
          graphql: gql.map((r) => ({ start: Math.round(r.startTime), end: Math.round(r.responseEnd), bytes: r.encodedBodySize })),
        };
      }),
    );
  }
  const fs = summarize(firstScreen.sort((a, b) => a - b));
  figures.push(emit({ figure: 'first_screen_ms', runs: RUNS, tasks: TASKS, median: Math.round(fs.p50), max: Math.round(fs.max), floor: 500, goal: 300 }));
  const mid = (xs) => Math.round(summarize([...xs].sort((a, b) => a - b)).p50);
  figures.push(
    emit({
      figure: 'first_screen_phases_ms',
      html_median: mid(phases.map((p) => p.html_ms)),
      scripts_loaded_median: mid(phases.map((p) => p.scripts_loaded_ms)),
      dom_content_loaded_median: mid(phases.map((p) => p.dom_content_loaded_ms)),
      first_graphql_start_median: mid(phases.map((p) => Math.min(...p.graphql.map((g) => g.start)))),
      last_graphql_end_median: mid(phases.map((p) => Math.max(...p.graphql.map((g) => g.end)))),
      graphql_requests: phases.at(-1).graphql,
    }),
  );

  // Scrolling: 400 px per frame for 120 frames, then a jump to the end; frame times measured in the page.
  const scrollStats = await page.evaluate(async () => {
    const el = document.querySelector('[data-testid="run-grid-scroll"]');
    const frames = [];
    let last = performance.now();
    for (let i = 0; i < 120; i++) {
      el.scrollTop += 400;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      frames.push(now - last);
      last = now;
    }
    return frames;
  });
  const sc = summarize(scrollStats.sort((a, b) => a - b));
  figures.push(
    emit({
      figure: 'scroll_frame_ms',
      frames: scrollStats.length,
      p50: Math.round(sc.p50),
      p95: Math.round(percentile(scrollStats, 95)),
      max: Math.round(sc.max),
      floor: 100,
    }),
  );

  const oldest = await p.dagRun.findFirst({ where: { dagId: 'big_dag' }, orderBy: { logicalDate: 'asc' } });
  const jump = await page.evaluate(async (oldestId) => {
    const el = document.querySelector('[data-testid="run-grid-scroll"]');
    const frames = [];
    const t0 = performance.now();
    let last = t0;
    el.scrollTop = el.scrollHeight;
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      frames.push(now - last);
      last = now;
      if (document.querySelector(`[data-testid="run-row-${oldestId}"]`)) return { ms: now - t0, frames };
      if (now - t0 > 30_000) return { ms: null, frames };
    }
  }, oldest.id);
  const jf = summarize(jump.frames.sort((a, b) => a - b));
  figures.push(
    emit({
      figure: 'jump_oldest',
      shown_ms: jump.ms && Math.round(jump.ms),
      frame_p95_ms: Math.round(percentile(jump.frames, 95)),
      frame_max_ms: Math.round(jf.max),
      floor_frame_ms: 100,
    }),
  );

  // The log of a 100,000-line try opens (loaded + first lines painted).
  await page.goto(`${url}/dags/big_dag`);
  await page.waitForSelector(firstRow);
  const cell = page.getByTestId(`ti-${newest.id}-task_00`);
  const logOpen = [];
  const firstLines = [];
  for (let i = 0; i < 3; i++) {
    if (i > 0) {
      await page.getByTestId(`ti-${newest.id}-task_01`).click();
      await page.waitForSelector('[data-testid="ti-view"][data-task="task_01"] [data-testid="log-view"][data-loaded="true"]');
    }
    const start = await page.evaluate(() => performance.now());
    await cell.click();
    await page.waitForSelector('[data-testid="log-view"] .log-line', { timeout: 60_000 });
    firstLines.push((await page.evaluate(() => performance.now())) - start);
    await page.waitForSelector(`[data-testid="log-view"][data-lines="${LOG_LINES}"] .log-line`, { timeout: 60_000 });
    const end = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
    logOpen.push(end - start);
  }
  const lo = summarize(logOpen.sort((a, b) => a - b));
  const fl = summarize(firstLines);
  figures.push(
    emit({
      figure: 'log_open_ms',
      lines: LOG_LINES,
      first_lines_median: Math.round(fl.p50),
      all_lines_median: Math.round(lo.p50),
      all_lines_max: Math.round(lo.max),
      floor: 1000,
    }),
  );
  await page.getByTestId('log-first-error').click();
  await page.waitForSelector('[data-testid="log-line-72999"][data-level="error"]', { timeout: 10_000 });
} finally {
  await browser?.close();
  if (web && web.exitCode === null) web.kill('SIGTERM');
  await stack.stop();
}
writeFileSync(path.join(RESULTS, 'web.json'), JSON.stringify({ at: new Date().toISOString(), figures }, null, 2));
