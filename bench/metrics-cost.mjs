#!/usr/bin/env node
// What recording a try's metrics costs the worker, in isolation from the rest of the stack (whose
// throughput on this shared 2-core box varies far more than this): the calls a worker makes per
// try — claim lag, running gauge up and down, the end's counters and histogram — timed over many
// tries, with metrics on and off. Needs the build (packages/telemetry/dist).
//   node bench/metrics-cost.mjs [tries]
import { performance } from 'node:perf_hooks';
import { enableMetrics, recordLag, recordTryEnd, registry, triesRunning } from '../packages/telemetry/dist/index.js';

const tries = Number(process.argv[2] ?? 1_000_000);
const operators = ['noop', 'http.request', 's3.extract', 'transform.records'];
const outcomes = ['success', 'success', 'success', 'up_for_retry', 'failed'];

function perTry(on) {
  const t0 = performance.now();
  for (let i = 0; i < tries; i++) {
    const operator = operators[i & 3];
    recordLag('queued_to_running', (i % 1000) / 1000);
    if (on) triesRunning.inc();
    recordTryEnd(operator, outcomes[i % 5], (i % 5000) / 1000, false);
    if (on) triesRunning.dec();
  }
  return ((performance.now() - t0) * 1e6) / tries; // ns per try
}

const off = [perTry(false), perTry(false), perTry(false)];
enableMetrics('bench');
const on = [perTry(true), perTry(true), perTry(true)];
const scrape = performance.now();
const text = await registry.metrics();
const result = {
  bench: 'metrics_cost',
  tries,
  nsPerTryOff: Math.min(...off).toFixed(0),
  nsPerTryOn: Math.min(...on).toFixed(0),
  scrapeMs: (performance.now() - scrape).toFixed(1),
  scrapeBytes: text.length,
};
console.log(JSON.stringify(result));
