// metrics: what Prometheus metrics cost the engine's throughput, measured in one run.
//
// Two stacks side by side, warmed up alike: one with METRICS_ENABLED=true (its API's /metrics
// scraped every 15 s, as Prometheus would), one with METRICS_ENABLED=false. The throughput cases
// (bench/benchmarks/throughput.mjs) then run alternately on each, in ABBA order over
// BENCH_METRICS_PAIRS pairs (default 3), so a load that drifts over the run falls on both sides
// alike; the idle stack meanwhile only ticks. Printed: each measure, then per case the median
// tasks/s and CPU per task (Tower's processes and the stack's Postgres backends) on and off,
// and how far "on" is from "off" against the 5 % target.
import { startStack } from '../lib/stack.mjs';
import { warmUp } from '../lib/warmup.mjs';
import { round } from '../lib/util.mjs';
import { manyCase, wideCase } from './throughput.mjs';

const TARGET = 0.05;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** CPU per task of the stack itself: its Tower processes and its database's backends (Redis is shared by both stacks). */
const stackCpu = (cpu) =>
  cpu
    ? round(
        Object.entries(cpu.msPerUnit).reduce((sum, [proc, ms]) => (proc === 'redis' ? sum : sum + ms), 0),
        2,
      )
    : null;

export default async function metrics(ctx) {
  const pairs = ctx.smoke ? 1 : Number(process.env.BENCH_METRICS_PAIRS ?? 3);
  const wideN = ctx.size(2000, 20);
  const runsN = ctx.size(500, 5);
  const dagsN = ctx.size(50, 1);
  const timeoutMs = ctx.smoke ? 30_000 : 20 * 60_000;
  const stacks = {};
  let scrapes = 0;
  const scraper = setInterval(async () => {
    if (!stacks.on) return;
    const res = await fetch(stacks.on.apiUrl.replace('/graphql', '/metrics')).catch(() => null);
    if (res?.ok) {
      await res.text();
      scrapes++;
    }
  }, 15_000);
  const measures = [];
  try {
    for (const mode of ['on', 'off']) {
      const stack = await startStack({ name: `metrics_${mode}`, progress: ctx.progress, env: { METRICS_ENABLED: String(mode === 'on') } });
      stacks[mode] = stack;
      await stack.startAll();
      await warmUp(ctx, stack);
    }
    const cases = [
      ['wide', (stack) => wideCase(ctx, stack, wideN, timeoutMs)],
      ['many', (stack) => manyCase(ctx, stack, { runsN, dagsN }, timeoutMs)],
    ];
    for (let pair = 0; pair < pairs; pair++) {
      const order = pair % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
      for (const [, run] of cases) {
        for (const mode of order) {
          ctx.progress.note(`pair ${pair + 1}/${pairs}: metrics ${mode}`);
          const { cpu, ...figure } = await run(stacks[mode]);
          const measure = { ...figure, bench: 'metrics', metrics: mode, pair: pair + 1, cpuMsPerTask: stackCpu(cpu) };
          measures.push(measure);
          ctx.emit(measure);
        }
      }
    }
    const summary = [];
    for (const caseName of [...new Set(measures.map((m) => m.case))]) {
      const of = (mode, key) => median(measures.filter((m) => m.case === caseName && m.metrics === mode).map((m) => m[key]));
      const on = of('on', 'tasksPerSec');
      const off = of('off', 'tasksPerSec');
      const cpuOn = of('on', 'cpuMsPerTask');
      const cpuOff = of('off', 'cpuMsPerTask');
      const change = (on - off) / off;
      // The ABBA design's own statistic: each pair's on/off ratio (the two ran back to back, under
      // the same conditions), and their geometric mean.
      const ratios = [];
      for (let pair = 1; pair <= pairs; pair++) {
        const at = (mode) => measures.find((m) => m.case === caseName && m.metrics === mode && m.pair === pair)?.tasksPerSec;
        if (at('on') && at('off')) ratios.push(at('on') / at('off'));
      }
      const pairedChange = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length) - 1;
      const figure = {
        bench: 'metrics',
        case: `${caseName}_median`,
        pairs,
        tasksPerSecOn: round(on, 1),
        tasksPerSecOff: round(off, 1),
        throughputChangePct: round(change * 100, 1),
        pairedChangePct: round(pairedChange * 100, 1),
        pairRatios: ratios.map((r) => round(r, 3)),
        cpuMsPerTaskOn: round(cpuOn, 2),
        cpuMsPerTaskOff: round(cpuOff, 2),
        cpuChangePct: round(((cpuOn - cpuOff) / cpuOff) * 100, 1),
        withinTarget: change >= -TARGET && pairedChange >= -TARGET,
        scrapes,
      };
      summary.push(figure);
      ctx.emit(figure);
      ctx.progress.note(
        `${caseName}: metrics on ${figure.tasksPerSecOn} tasks/s, off ${figure.tasksPerSecOff} (medians ${figure.throughputChangePct} %, pairs ${figure.pairedChangePct} % [${figure.pairRatios.join(', ')}]; target ≥ −5 % on both: ${figure.withinTarget ? 'met' : 'NOT met'}); CPU per task on ${figure.cpuMsPerTaskOn} ms, off ${figure.cpuMsPerTaskOff} ms (${figure.cpuChangePct} %)`,
      );
    }
    return summary;
  } finally {
    clearInterval(scraper);
    await Promise.all(Object.values(stacks).map((s) => s.stop()));
  }
}
