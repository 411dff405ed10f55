// The demo's local S3 (s3rver, started by `npm start`) and the sample-file upload shared by
// `npm run demo:drop-file` and the web app's "Drop a sample file" button (through the API).
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { generateSalesCsv } from './sales-pipeline.mjs';

export const DEMO_S3 = {
  endpoint: process.env.TOWER_DEMO_S3_ENDPOINT ?? 'http://127.0.0.1:4569',
  bucket: 'sales',
  // s3rver's fixed account: any other key is refused.
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
};

export async function uploadSalesFile({ rows = 100, badRegion = false, now = new Date() } = {}) {
  const date = now.toISOString().slice(0, 10);
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  // Order ids grow with time so files dropped later never collide with earlier ones.
  const firstId = Math.floor(now.getTime() / 1000) * 1000;
  const { csv, expected } = generateSalesCsv({ rows, firstId, seed: now.getTime() % 2 ** 31, date, badRegion });
  const key = `incoming/sales_data_${date}_${stamp}.csv`;
  const client = new S3Client({
    endpoint: DEMO_S3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: DEMO_S3.accessKeyId, secretAccessKey: DEMO_S3.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    await client.send(new PutObjectCommand({ Bucket: DEMO_S3.bucket, Key: key, Body: csv, ContentType: 'text/csv' }));
  } finally {
    client.destroy();
  }
  return { key, rows, kept: expected.length };
}
