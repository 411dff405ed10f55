// metrics: what Prometheus metrics cost the engine's throughput, measured in one run
// (lib/paired.mjs): one stack with METRICS_ENABLED=true (its API's /metrics scraped every 15 s,
// as Prometheus would), one with METRICS_ENABLED=false, over BENCH_METRICS_PAIRS pairs (default 6);
// the target: "on" within 5 % of "off".
import { comparePaired } from '../lib/paired.mjs';

export default async function metrics(ctx) {
  let scrapes = 0;
  const summary = await comparePaired(ctx, {
    bench: 'metrics',
    pairs: ctx.smoke ? 1 : Number(process.env.BENCH_METRICS_PAIRS ?? 6),
    target: 0.05,
    variants: { on: { env: { METRICS_ENABLED: 'true' } }, off: { env: { METRICS_ENABLED: 'false' } } },
    onStarted: (stacks) => {
      // Every "on" stack is scraped, as Prometheus would.
      const scraper = setInterval(async () => {
        for (const stack of stacks.on) {
          const res = await fetch(stack.apiUrl.replace('/graphql', '/metrics')).catch(() => null);
          if (res?.ok) {
            await res.text();
            scrapes++;
          }
        }
      }, 15_000);
      return () => clearInterval(scraper);
    },
  });
  ctx.emit({ bench: 'metrics', case: 'scrapes', scrapes });
  return summary;
}
