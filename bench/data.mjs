#!/usr/bin/env node
// Data-path benchmark: s3.extract and transform.records on a large sales CSV in a real S3 API
// (s3rver), measuring throughput and the process's memory. Memory must stay bounded whatever the
// file size: the run fails (exit 1) when RSS grows by more than 150 MiB during a step.
//
//   npx turbo run build --filter=@tower/operators
//   node bench/data.mjs [--mib 1024]
//
// Prints one JSON line per step:
//   {"bench":"data","step":"extract","mib":1024,"seconds":…,"mibPerSec":…,"peakRssMiB":…,"rssGrowthMiB":…}
// s3rver runs in a child process (see startTestS3), so its own memory is not counted.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const MAX_RSS_GROWTH_MIB = 150;
const MiB = 1024 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), '../packages/operators/dist');
if (!existsSync(join(dist, 'index.js'))) {
  console.error('packages/operators/dist is missing: run `npx turbo run build --filter=@tower/operators` first');
  process.exit(2);
}
const { S3UploadStream, s3ExtractOperator, transformRecordsOperator } = await import(join(dist, 'index.js'));
const { startTestS3, testContext } = await import(join(dist, 's3/test-support.js'));

const { values } = parseArgs({ options: { mib: { type: 'string', default: '1024' } } });
const targetMiB = Number(values.mib);
if (!Number.isFinite(targetMiB) || targetMiB <= 0) {
  console.error(`--mib must be a positive number, got ${values.mib}`);
  process.exit(2);
}

const REGIONS = ['us', 'eu', 'apac', 'latam'];

/** Deterministic sales CSV of about `bytes` bytes, in chunks of 2000 rows. */
function* salesCsv(bytes) {
  yield 'order_id,amount,sold_at,region,sku,quantity,customer_email\n';
  let written = 0;
  let id = 0;
  while (written < bytes) {
    let chunk = '';
    for (let i = 0; i < 2000; i++) {
      id++;
      const cents = ((id * 7919) % 50_000) + 100;
      const amount = (id % 10 === 0 ? -cents : cents) / 100;
      const minute = String(id % 60).padStart(2, '0');
      const day = String((id % 28) + 1).padStart(2, '0');
      chunk += `${id},${amount.toFixed(2)},2026-01-${day}T${String(id % 24).padStart(2, '0')}:${minute}:00Z,${REGIONS[id % 4]},SKU-${1000 + (id % 9000)},${1 + (id % 5)},customer${id % 100_000}@example.com\n`;
    }
    written += chunk.length;
    yield chunk;
  }
}

/** Runs `fn`, sampling RSS every 100 ms; prints the step's line and returns its result. */
async function measure(step, mib, fn) {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const started = process.hrtime.bigint();
  try {
    const result = await fn();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    peak = Math.max(peak, process.memoryUsage().rss);
    const line = {
      bench: 'data',
      step,
      mib: Math.round(mib),
      seconds: Number(seconds.toFixed(1)),
      mibPerSec: Number((mib / seconds).toFixed(1)),
      peakRssMiB: Math.round(peak / MiB),
      rssGrowthMiB: Math.round((peak - baseline) / MiB),
      ...result.extra,
    };
    console.log(JSON.stringify(line));
    return { ...result, growthMiB: line.rssGrowthMiB };
  } finally {
    clearInterval(timer);
  }
}

const s3 = await startTestS3(['bench']);
let failed = false;
try {
  const inputKey = 'incoming/sales_data_bench.csv';
  const upload = await measure('upload', targetMiB, async () => {
    const stream = new S3UploadStream(s3.client, 'bench', inputKey);
    await pipeline(Readable.from(salesCsv(targetMiB * MiB)), stream);
    return { extra: { parts: stream.partCount, bytes: stream.bytes } };
  });
  const inputMiB = upload.extra.bytes / MiB;

  const connections = [s3.connection('bench_s3')];
  const log = () => undefined;
  const extract = await measure('extract', inputMiB, async () => {
    const { ctx } = testContext({
      taskId: 'extract',
      params: { connection: 'bench_s3', format: 'csv', bucket: 'bench', key: inputKey, requiredColumns: ['order_id', 'amount', 'sold_at'] },
      connections,
      log,
    });
    const out = await s3ExtractOperator.execute(ctx);
    return { out, extra: { rows: out.rowCount } };
  });

  const transform = await measure('transform', inputMiB, async () => {
    const { ctx } = testContext({
      taskId: 'transform',
      runId: 'bench',
      upstream: ['extract'],
      xcom: { extract: { return_value: extract.out } },
      params: {
        steps: [
          { select: ['order_id', 'amount', 'sold_at', 'region', 'quantity'] },
          { cast: { order_id: 'int', amount: 'decimal', quantity: 'int', sold_at: 'timestamp' } },
          { filter: 'amount > 0 and quantity > 0' },
          { derive: { total: 'round(amount * quantity, 2)', region: 'upper(region)' } },
          { rename: { sold_at: 'sold_at_utc' } },
        ],
      },
      connections,
      log,
    });
    const out = await transformRecordsOperator.execute(ctx);
    return { out, extra: { rowsIn: out.rowsIn, rowsOut: out.rowsOut } };
  });

  for (const [step, r] of [
    ['extract', extract],
    ['transform', transform],
  ]) {
    if (r.growthMiB > MAX_RSS_GROWTH_MIB) {
      console.error(`${step}: RSS grew by ${r.growthMiB} MiB, over the ${MAX_RSS_GROWTH_MIB} MiB budget`);
      failed = true;
    }
  }
  if (transform.out.rowsIn !== extract.out.rowCount) {
    console.error(`transform read ${transform.out.rowsIn} rows but extract counted ${extract.out.rowCount}`);
    failed = true;
  }
} finally {
  await s3.close();
}
process.exit(failed ? 1 : 0);
