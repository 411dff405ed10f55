#!/usr/bin/env node
// Tower's execution-engine benchmarks. `npm run bench [-- <name>…] [--smoke]`
//   names: throughput bullmq_baseline latency cron_lag fairness (default: all five, in that order)
//          alerts, metrics, rls, soak, retention_load, api (named only: not part of the default set nor of the smoke suite)
//          data → bench/data.mjs, web → bench/web.mjs, retention → bench/retention.mjs (not part of the default set)
// One JSON line per figure on stdout, progress on stderr, everything in bench/results/latest.json
// (smoke runs: bench/results/smoke.json). Exit code 1 when a benchmark failed to complete.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summarizeSql } from './lib/sql-proxy.mjs';
import { load, Progress } from './lib/util.mjs';
import { activeStacks, startStack, workerLayout } from './lib/stack.mjs';
import { warmUp } from './lib/warmup.mjs';

// Ctrl-C / SIGTERM: stop the running stack's processes and drop its database before exiting.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    process.stderr.write(`\n[bench] ${signal}: stopping ${activeStacks.size} stack(s)…\n`);
    await Promise.allSettled([...activeStacks].map((s) => s.stop()));
    process.exit(130);
  });
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = path.join(HERE, 'results');
export const BENCHMARKS = ['throughput', 'bullmq_baseline', 'latency', 'cron_lag', 'fairness'];
/** Benchmarks run only when named (`npm run bench -- alerts`): not in the default set, not in bench/smoke.mjs. */
export const NAMED_BENCHMARKS = ['alerts', 'metrics', 'rls', 'soak', 'retention_load', 'api'];

function readPrevious() {
  try {
    return JSON.parse(readFileSync(path.join(RESULTS, 'latest.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Runs the named benchmarks in order; returns { figures, failures }. */
export async function runBenchmarks({ names = BENCHMARKS, smoke = false, argv = [] } = {}) {
  mkdirSync(RESULTS, { recursive: true });
  const previous = readPrevious();
  const startedAt = new Date();
  const loadBefore = load();
  const figures = [];
  const failures = [];
  const timings = {};
  const cpuMark = new Map();
  const cpuReports = [];
  const shared = {};
  // Smoke runs share one stack (started on first use) so the five finish in well under a minute.
  let sharedStack = null;
  const getSharedStack = (progress) => async () => {
    if (!sharedStack) {
      sharedStack = (async () => {
        const stack = await startStack({ name: 'smoke', progress });
        stack.shared = true;
        await stack.startAll();
        await warmUp({ progress, smoke: true }, stack, 30_000);
        return stack;
      })();
    }
    return sharedStack;
  };
  process.stderr.write(
    `[bench] ${smoke ? 'SMOKE ' : ''}run of ${names.join(', ')} — load average ${loadBefore.load1}/${loadBefore.load5}/${loadBefore.load15} on ${loadBefore.cpus} CPUs\n`,
  );
  for (const name of names) {
    const progress = new Progress(name);
    const t0 = Date.now();
    const scale = Number(process.env.BENCH_SCALE ?? 1);
    const ctx = {
      smoke,
      scale,
      sharedStack: smoke && names.length > 1 ? getSharedStack(progress) : null,
      /** A size: the full one (times BENCH_SCALE, for quick profiling runs) or the smoke one. */
      size: (full, smokeSize) => (smoke ? smokeSize : Math.max(1, Math.round(full * scale))),
      shared,
      progress,
      emit(fig) {
        const out = { ...fig, ...(smoke ? { smoke: true } : {}), load1: load().load1 };
        figures.push(out);
        process.stdout.write(`${JSON.stringify(out)}\n`);
      },
      previous(bench) {
        const figs = previous && !previous.smoke ? previous.figures.filter((f) => f.bench === bench && f.tasksPerSec != null) : [];
        return figs.length ? figs : null;
      },
      /** BENCH_COUNT_SQL=1: zero the round-trip counters (after warm-up / between cases). */
      resetSql(stack) {
        for (const p of stack.proxies) p.reset();
        cpuMark.set(stack, stack.cpu());
      },
      /**
       * After a measure: prints (and returns) the CPU time per unit of work of the stack's processes
       * since the last reset; with BENCH_COUNT_SQL=1 also writes the round trips counted meanwhile.
       */
      async afterMeasure(stack, units, label) {
        const [unitName, n] = Object.entries(units)[0];
        // CPU time since the last reset of each Tower process, the database's backends and Redis, per unit of work (real CPU from /proc, not profiler samples).
        const before = cpuMark.get(stack) ?? {};
        const now = stack.cpu();
        const cpu = {};
        // Postgres backends that exited meanwhile took their CPU time with them: theirs is a floor.
        for (const [proc, sec] of Object.entries(now)) if (sec != null) cpu[proc] = Math.round((((sec - (before[proc] ?? 0)) * 1000) / n) * 100) / 100;
        const cpuTotal = Math.round(Object.values(cpu).reduce((a, b) => a + b, 0) * 100) / 100;
        cpuReports.push({ bench: name, label: label ?? null, unit: unitName, units: n, cpuMsPerUnit: cpu, cpuMsPerUnitTotal: cpuTotal });
        progress.note(`CPU of Tower, its Postgres backends and Redis${label ? ` (${label})` : ''}: ${cpuTotal} ms per ${unitName} ${JSON.stringify(cpu)}`);
        if (process.env.BENCH_COUNT_SQL !== '1' || !stack.proxies.length) return { msPerUnit: cpu, msPerUnitTotal: cpuTotal };
        const report = summarizeSql(stack.proxies, n, unitName);
        const file = `sql-${name}${label ? `-${label}` : ''}.json`;
        writeFileSync(path.join(RESULTS, file), JSON.stringify(report, null, 2));
        progress.note(
          `SQL round trips${label ? ` (${label})` : ''}: ${report.totalRoundTrips} (${report[`roundTripsPer_${unitName}`]} per ${unitName}) → bench/results/${file}`,
        );
        return { msPerUnit: cpu, msPerUnitTotal: cpuTotal };
      },
    };
    try {
      const mod = await import(pathToFileURL(path.join(HERE, 'benchmarks', `${name}.mjs`)).href);
      await mod.default(ctx);
    } catch (err) {
      failures.push({ bench: name, error: err instanceof Error ? err.message : String(err) });
      progress.note(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    timings[name] = Math.round((Date.now() - t0) / 100) / 10;
    progress.note(`done in ${timings[name]}s`);
  }
  if (sharedStack) await (await sharedStack.catch(() => null))?.stop();
  const layout = workerLayout();
  const result = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    smoke,
    argv,
    benchmarks: names,
    machine: { loadBefore, loadAfter: load(), node: process.version },
    scale: Number(process.env.BENCH_SCALE ?? 1),
    layout: { workers: layout.workers, workerConcurrency: layout.concurrency, interactiveWorkers: layout.interactiveWorkers },
    secondsPerBenchmark: timings,
    figures,
    failures,
    cpu: cpuReports,
  };
  // Scaled or instrumented runs (BENCH_SCALE, BENCH_COUNT_SQL) are not figures: they never replace latest.json.
  const instrumented = result.scale !== 1 || process.env.BENCH_COUNT_SQL === '1';
  writeFileSync(path.join(RESULTS, smoke ? 'smoke.json' : instrumented ? 'latest-instrumented.json' : 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (!smoke && !instrumented)
    writeFileSync(path.join(RESULTS, `run-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(
    `[bench] finished: ${figures.length} figures, ${failures.length} failed${failures.length ? ` (${failures.map((f) => f.bench).join(', ')})` : ''}\n`,
  );
  return result;
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stderr.write(`usage: npm run bench -- [${[...BENCHMARKS, ...NAMED_BENCHMARKS, 'data', 'web', 'retention'].join('|')} …] [--smoke]\n`);
    return 0;
  }
  if (args[0] === 'data' || args[0] === 'web' || args[0] === 'retention') {
    const script = path.join(HERE, `${args[0]}.mjs`);
    if (!existsSync(script)) {
      process.stderr.write(`bench/${args[0]}.mjs does not exist (yet)\n`);
      return 2;
    }
    const child = spawn(process.execPath, [script, ...args.slice(1)], { stdio: 'inherit' });
    return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  }
  const smoke = args.includes('--smoke');
  const names = args.filter((a) => !a.startsWith('--'));
  const known = [...BENCHMARKS, ...NAMED_BENCHMARKS];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${[...known, 'data', 'web', 'retention'].join(', ')}\n`);
    return 2;
  }
  const ordered = names.length ? known.filter((b) => names.includes(b)) : BENCHMARKS;
  const result = await runBenchmarks({ names: ordered, smoke, argv: args });
  return result.failures.length ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
