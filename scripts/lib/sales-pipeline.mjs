// The reference pipeline (docs/operators.md, "The reference pipeline") and its sample data,
// shared by the demo (`npm start`, `npm run demo:drop-file`) and the end-to-end tests. Plain ESM
// without dependencies.

export const SALES_COLUMNS = ['order_id', 'amount', 'sold_at', 'region', 'sku', 'quantity'];
export const SALES_REGIONS = ['us', 'eu', 'apac'];

/**
 * `daily_sales_pipeline`: a new `incoming/sales_data_*.csv` in the bucket (file trigger), every day
 * at 03:00 New York time, or a manual trigger → sensor → extract → transform → load → quality
 * checks → notify. `notify` runs whatever happened (all_done), sends success or failure, and fails
 * itself after reporting a failed upstream so the run ends failed (Airflow's "watcher" pattern).
 */
export function salesPipelineSpec({
  s3 = 'sales_s3',
  snowflake = 'sales_snowflake',
  channels = ['ops_email', 'ops_webhook'],
  bucket = 'sales',
  table = 'SALES',
  pokeIntervalSeconds = 30,
  timeoutSeconds = 21600,
  retryDelaySeconds = 30,
  // Today in the DAG's zone: the first scheduled run is the next 03:00, not one for an interval
  // that ended before the DAG existed (whose sensor would wait for a file that may never come).
  startDate = `${new Date().toLocaleDateString('en-CA', { timeZone: 'America/New_York' })}T00:00:00`,
} = {}) {
  return {
    dagId: 'daily_sales_pipeline',
    description: 'Load daily sales into Snowflake',
    schedule: '0 3 * * *',
    timezone: 'America/New_York',
    startDate,
    catchup: false,
    maxActiveRuns: 1,
    tags: ['sales', 'demo'],
    params: { region: { type: 'string', default: 'us' } },
    defaultArgs: { retries: 2, retryDelaySeconds, retryExponentialBackoff: true, maxRetryDelaySeconds: 600, executionTimeoutSeconds: 3600 },
    triggers: [{ type: 's3.objectCreated', connection: s3, bucket, key: 'incoming/sales_data_*.csv' }],
    tasks: [
      {
        taskId: 'wait_for_sales_file',
        type: 's3.keySensor',
        connection: s3,
        with: { bucket, key: 'incoming/sales_data_*.csv', wildcard: true, pokeIntervalSeconds, timeoutSeconds, mode: 'reschedule', softFail: false },
      },
      {
        taskId: 'extract',
        type: 's3.extract',
        dependsOn: ['wait_for_sales_file'],
        connection: s3,
        with: { format: 'csv', requiredColumns: ['order_id', 'amount', 'sold_at'] },
      },
      {
        taskId: 'transform',
        type: 'transform.records',
        dependsOn: ['extract'],
        connection: s3,
        with: {
          steps: [
            { select: ['order_id', 'amount', 'sold_at', 'region', 'quantity'] },
            { cast: { order_id: 'int', amount: 'decimal', quantity: 'int', sold_at: 'timestamp' } },
            { filter: 'amount > 0 and quantity > 0' },
            { derive: { total: 'round(amount * quantity, 2)', region: 'upper(region)' } },
            { rename: { sold_at: 'sold_at_utc' } },
          ],
        },
      },
      {
        taskId: 'load',
        type: 'snowflake.load',
        dependsOn: ['transform'],
        retries: 3,
        with: {
          connection: snowflake,
          table,
          // Columns in the order the transform writes them (COPY maps CSV columns by position).
          createTable: {
            columns: {
              ORDER_ID: 'NUMBER(38,0)',
              AMOUNT: 'NUMBER(12,2)',
              SOLD_AT_UTC: 'TIMESTAMP_NTZ',
              REGION: 'VARCHAR',
              QUANTITY: 'NUMBER(10,0)',
              TOTAL: 'NUMBER(14,2)',
            },
          },
          fileFormat: { type: 'csv', skipHeader: 1 },
        },
      },
      {
        taskId: 'quality_checks',
        type: 'quality.check',
        dependsOn: ['load'],
        with: {
          connection: snowflake,
          table,
          checks: [
            { name: 'has_rows', type: 'rowCount', min: 1 },
            { name: 'order_id_not_null', type: 'notNull', column: 'ORDER_ID' },
            { name: 'order_id_unique', type: 'unique', column: 'ORDER_ID' },
            { name: 'known_regions', type: 'acceptedValues', column: 'REGION', values: SALES_REGIONS.map((r) => r.toUpperCase()) },
            { name: 'totals_match', type: 'customSql', sql: `select * from ${table} where total <> amount * quantity` },
          ],
        },
      },
      {
        taskId: 'notify',
        type: 'notify',
        dependsOn: ['quality_checks'],
        triggerRule: 'all_done',
        with: { channels, on: 'always', subject: 'daily_sales_pipeline {{ ds }}: {{ run_id }}' },
      },
    ],
  };
}

/** A deterministic pseudo-random generator, so a seed gives the same file every time. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sample sales rows: `rows` orders with ids from `firstId`, some of them refunds (amount ≤ 0) that
 * the transform filters out. Returns { csv, rows, expected } where `expected` are the rows the
 * pipeline's transform keeps, as { order_id, amount, quantity, total, region }.
 */
export function generateSalesCsv({ rows = 50, firstId = 1, seed = 42, date = '2026-11-30', badRegion = false } = {}) {
  const random = mulberry32(seed);
  const lines = [SALES_COLUMNS.join(',')];
  const expected = [];
  for (let i = 0; i < rows; i++) {
    const orderId = firstId + i;
    const refund = random() < 0.1;
    const cents = Math.floor(random() * 50_000) + 100;
    const amount = (refund ? -cents : cents) / 100;
    const quantity = 1 + Math.floor(random() * 5);
    const region = badRegion && i === 0 ? 'mars' : SALES_REGIONS[Math.floor(random() * SALES_REGIONS.length)];
    const minute = String(Math.floor(random() * 60)).padStart(2, '0');
    const soldAt = `${date}T${String(8 + (i % 12)).padStart(2, '0')}:${minute}:00Z`;
    const sku = `SKU-${1000 + Math.floor(random() * 9000)}`;
    lines.push([orderId, amount.toFixed(2), soldAt, region, sku, quantity].join(','));
    if (amount > 0)
      expected.push({
        order_id: orderId,
        amount: Number(amount.toFixed(2)),
        quantity,
        total: Number((amount * quantity).toFixed(2)),
        region: region.toUpperCase(),
      });
  }
  return { csv: `${lines.join('\n')}\n`, rows, expected };
}
