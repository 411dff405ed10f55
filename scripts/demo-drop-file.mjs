#!/usr/bin/env node
// Drops a sample sales file into the demo bucket of the local S3 (`npm start` must be running):
// the daily_sales_pipeline's file trigger notices it and runs the whole pipeline.
//   npm run demo:drop-file [-- --rows 200 --bad]
import { parseArgs } from 'node:util';
import { DEMO_S3, uploadSalesFile } from './lib/demo-s3.mjs';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100' }, bad: { type: 'boolean', default: false } } });
try {
  const { key, rows, kept } = await uploadSalesFile({ rows: Number(values.rows), badRegion: values.bad });
  console.log(
    `Dropped s3://${DEMO_S3.bucket}/${key} (${rows} orders, ${kept} kept by the transform${values.bad ? ', with a region the quality checks reject' : ''}).`,
  );
  console.log('Watch daily_sales_pipeline in the web app: a run starts within a few seconds.');
} catch (err) {
  console.error(`Could not drop the file: ${err.message}. Is \`npm start\` running?`);
  process.exitCode = 1;
}
