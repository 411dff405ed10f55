// A paired comparison of two variants of Tower in one run: stacks side by side (two per variant,
// counterbalanced in start order), warmed up alike, the throughput cases (bench/benchmarks/throughput.mjs) run alternately on each in ABBA
// order over `pairs` pairs, so a load that drifts over the run falls on both sides alike; the idle
// stack meanwhile only ticks. Printed: each measure, then per case the median tasks/s and CPU per
// task (Tower's processes and the stack's Postgres backends) of each variant, each pair's ratio
// (the two ran back to back) with their geometric mean, and how far "on" is from "off" against
// the target. Used by `metrics` (metrics on against off) and `rls` (row-level security against the
// code before it).
import { startStack } from './stack.mjs';
import { warmUp } from './warmup.mjs';
import { round } from './util.mjs';
import { manyCase, wideCase } from '../benchmarks/throughput.mjs';

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

/**
 * @param {object} ctx the bench context
 * @param {{ bench: string, pairs: number, target: number, variants: { on: object, off: object }, onStarted?: (stacks: object) => () => void }} opts
 *   variants: startStack options of each side (env, root); onStarted: given { on: [stacks], off: [stacks] } once all run, returns its stop.
 */
export async function comparePaired(ctx, { bench, pairs, target, variants, onStarted }) {
  // About 10 s of work per measure: a case of one second (2,000 tasks) moved ±20 % from one
  // measure to the next on an idle box, far more than the 5 % to resolve.
  const wideN = ctx.size(20_000, 20);
  const runsN = ctx.size(2_000, 5);
  const dagsN = ctx.size(200, 1);
  const timeoutMs = ctx.smoke ? 30_000 : 20 * 60_000;
  // Stacks per variant, started on, off, off, on (…): an A/A run (the same code on both sides)
  // measured the first-started stack 5–8 % slower than the second, whatever ran on it, so each
  // variant gets stacks at both ends of the start order, and the pairs alternate between them.
  const perVariant = ctx.smoke ? 1 : Number(process.env.BENCH_PAIRED_STACKS ?? 2);
  const stacks = { on: [], off: [] };
  const all = [];
  let stopHelper = () => undefined;
  const measures = [];
  try {
    for (let k = 0; k < perVariant; k++) {
      for (const mode of k % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
        const stack = await startStack({ name: `${bench}_${mode}${k}`, progress: ctx.progress, ...variants[mode] });
        stacks[mode].push(stack);
        all.push(stack);
        await stack.startAll();
        await warmUp(ctx, stack);
      }
    }
    stopHelper = onStarted?.(stacks) ?? stopHelper;
    // BENCH_PAIRED_CASES=wide (or many) runs one case only: more pairs of it in the same time.
    const only = (process.env.BENCH_PAIRED_CASES ?? 'wide,many').split(',');
    const cases = [
      ['wide', (stack) => wideCase(ctx, stack, wideN, timeoutMs)],
      ['many', (stack) => manyCase(ctx, stack, { runsN, dagsN }, timeoutMs)],
    ].filter(([name]) => only.includes(name));
    for (let pair = 0; pair < pairs; pair++) {
      const order = pair % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
      const k = pair % perVariant;
      for (const [, run] of cases) {
        for (const mode of order) {
          ctx.progress.note(`pair ${pair + 1}/${pairs}: ${bench} ${mode} (stack ${k})`);
          const { cpu, ...figure } = await run(stacks[mode][k]);
          const measure = { ...figure, bench, [bench]: mode, pair: pair + 1, stack: k, cpuMsPerTask: stackCpu(cpu) };
          measures.push(measure);
          ctx.emit(measure);
        }
      }
    }
    const summary = [];
    for (const caseName of [...new Set(measures.map((m) => m.case))]) {
      const of = (mode, key) => median(measures.filter((m) => m.case === caseName && m[bench] === mode).map((m) => m[key]));
      const on = of('on', 'tasksPerSec');
      const off = of('off', 'tasksPerSec');
      const cpuOn = of('on', 'cpuMsPerTask');
      const cpuOff = of('off', 'cpuMsPerTask');
      const change = (on - off) / off;
      // The ABBA design's own statistic: each pair's on/off ratio (the two ran back to back, under
      // the same conditions), and their geometric mean.
      const ratios = [];
      for (let pair = 1; pair <= pairs; pair++) {
        const at = (mode) => measures.find((m) => m.case === caseName && m[bench] === mode && m.pair === pair)?.tasksPerSec;
        if (at('on') && at('off')) ratios.push(at('on') / at('off'));
      }
      const pairedChange = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length) - 1;
      const figure = {
        bench,
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
        withinTarget: change >= -target && pairedChange >= -target,
      };
      summary.push(figure);
      ctx.emit(figure);
      ctx.progress.note(
        `${caseName}: ${bench} on ${figure.tasksPerSecOn} tasks/s, off ${figure.tasksPerSecOff} (medians ${figure.throughputChangePct} %, pairs ${figure.pairedChangePct} % [${figure.pairRatios.join(', ')}]; target ≥ −${target * 100} % on both: ${figure.withinTarget ? 'met' : 'NOT met'}); CPU per task on ${figure.cpuMsPerTaskOn} ms, off ${figure.cpuMsPerTaskOff} ms (${figure.cpuChangePct} %)`,
      );
    }
    return summary;
  } finally {
    stopHelper();
    await Promise.all(all.map((s) => s.stop()));
  }
}
