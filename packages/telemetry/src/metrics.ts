import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Tower metric, in one registry per process (Prometheus text format on `/metrics`).
 *
 * Labels are bounded sets only: lanes, operators (the operator registry), outcomes (task states),
 * GraphQL operation names (capped, see graphqlOperationLabel). Tenant ids never become label values:
 * one series per tenant would grow without bound; per-tenant figures are the API's queries.
 *
 * The hot path (a try's claim and end) records through the helpers below, which do nothing while
 * metrics are disabled (METRICS_ENABLED=false), so the cost of metrics can be measured on and off.
 */
export const registry = new Registry();

let enabled = false;

/** Turns recording on and starts the process metrics (CPU, memory, GC, event-loop lag). Once per process. */
export function enableMetrics(processName: string): void {
  if (enabled) return;
  enabled = true;
  registry.setDefaultLabels({ process: processName });
  collectDefaultMetrics({ register: registry, prefix: 'tower_', eventLoopMonitoringPrecision: 20 });
}

export const metricsEnabled = (): boolean => enabled;

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];

// --- queue (scheduler) -------------------------------------------------------------------------

export const queueCollectErrors = new Counter({
  name: 'tower_queue_collect_errors_total',
  help: 'Scrapes that could not read the queues (Redis unreachable)',
  registers: [registry],
});

/**
 * Both queue gauges are read at scrape time from one read of the queues: prom-client collects the
 * metrics of a scrape concurrently, so the first collector to ask starts the read and the other
 * shares it.
 */
let laneRead: { at: number; stats: Promise<LaneStats[] | null> } | undefined;
function readLanes(): Promise<LaneStats[] | null> {
  if (!laneStatsSource) return Promise.resolve(null);
  if (!laneRead || Date.now() - laneRead.at > 1_000) {
    laneRead = {
      at: Date.now(),
      // A command to an unreachable Redis waits for the reconnect: the scrape must not.
      stats: Promise.race([
        laneStatsSource(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('queue read timed out')), 2_000).unref()),
      ]).catch(() => {
        queueCollectErrors.inc();
        return null;
      }),
    };
  }
  return laneRead.stats;
}

export const queueDepth = new Gauge({
  name: 'tower_queue_jobs',
  help: 'BullMQ jobs per lane and state (waiting includes prioritized jobs)',
  labelNames: ['lane', 'state'] as const,
  registers: [registry],
  async collect() {
    const stats = await readLanes();
    if (!stats) return;
    this.reset();
    for (const s of stats) for (const [state, n] of Object.entries(s.counts)) this.set({ lane: s.lane, state }, n);
  },
});

export const queueOldestJobAge = new Gauge({
  name: 'tower_queue_oldest_job_age_seconds',
  help: 'Age of the oldest job waiting in the lane (0 when empty)',
  labelNames: ['lane'] as const,
  registers: [registry],
  async collect() {
    const stats = await readLanes();
    if (!stats) return;
    for (const s of stats) this.set({ lane: s.lane }, s.oldestWaitingAgeSeconds);
  },
});

// --- scheduling lag (scheduler and worker) -------------------------------------------------------

export const schedulingLag = new Histogram({
  name: 'tower_scheduling_lag_seconds',
  help: 'due_to_created: a scheduled run created after its data interval ended; created_to_running: a run created until a root task runs; queued_to_running: a task queued until a worker claimed it',
  labelNames: ['stage'] as const,
  buckets: LAG_BUCKETS,
  registers: [registry],
});

// --- scheduler ----------------------------------------------------------------------------------

export const schedulerTicks = new Counter({
  name: 'tower_scheduler_ticks_total',
  help: 'Scheduler ticks completed',
  registers: [registry],
});

export const schedulerLastTick = new Gauge({
  name: 'tower_scheduler_last_tick_timestamp_seconds',
  help: 'Unix time of the last completed scheduler tick',
  registers: [registry],
});

export const schedulerWork = new Counter({
  name: 'tower_scheduler_actions_total',
  help: 'What the scheduler ticks did: runs created, retries promoted, zombies reaped, tasks requeued, runs timed out, stalled runs evaluated',
  labelNames: ['action'] as const,
  registers: [registry],
});

export const zombieReaps = new Counter({
  name: 'tower_zombie_reaps_total',
  help: 'Running tries failed because their worker stopped heartbeating',
  registers: [registry],
});

export const retentionRowsDeleted = new Counter({
  name: 'tower_retention_rows_deleted_total',
  help: 'Rows deleted by retention (docs/retention.md), per table',
  labelNames: ['table'] as const,
  registers: [registry],
});

export const logTriesArchived = new Counter({
  name: 'tower_log_tries_archived_total',
  help: 'Tries whose log lines retention moved to the object store',
  registers: [registry],
});

// --- tries (worker) -----------------------------------------------------------------------------

export const tries = new Counter({
  name: 'tower_task_tries_total',
  help: 'Tries that ended, by operator and the state the task instance went to (up_for_retry = a retry follows)',
  labelNames: ['operator', 'outcome'] as const,
  registers: [registry],
});

export const retries = new Counter({
  name: 'tower_task_retries_total',
  help: 'Tries that failed with tries left (a retry is scheduled)',
  labelNames: ['operator'] as const,
  registers: [registry],
});

export const taskDuration = new Histogram({
  name: 'tower_task_duration_seconds',
  help: 'Duration of a try, from claim to recorded end, by operator and outcome',
  labelNames: ['operator', 'outcome'] as const,
  buckets: DURATION_BUCKETS,
  registers: [registry],
});

export const sensorPokes = new Counter({
  name: 'tower_sensor_pokes_total',
  help: 'Sensor pokes (tries of sensor operators), by operator and outcome (up_for_reschedule = poke again later)',
  labelNames: ['operator', 'outcome'] as const,
  registers: [registry],
});

export const triesRunning = new Gauge({
  name: 'tower_worker_tries_running',
  help: 'Tries this worker is running now',
  registers: [registry],
});

// --- alerts --------------------------------------------------------------------------------------

/**
 * Alert deliveries, incremented by the delivery consumer (packages/alerts): channel = the channel
 * type (webhook, slack, email, pagerduty), outcome = sent | failed | retried.
 */
export const alertDeliveries = new Counter({
  name: 'tower_alert_deliveries_total',
  help: 'Alert deliveries by channel and outcome',
  labelNames: ['channel', 'outcome'] as const,
  registers: [registry],
});

// --- API ----------------------------------------------------------------------------------------

export const graphqlOperations = new Counter({
  name: 'tower_graphql_operations_total',
  help: 'GraphQL operations by name, type and outcome (ok, client_error, server_error)',
  labelNames: ['operation', 'type', 'outcome'] as const,
  registers: [registry],
});

export const graphqlDuration = new Histogram({
  name: 'tower_graphql_operation_duration_seconds',
  help: 'GraphQL operation latency by name and type',
  labelNames: ['operation', 'type'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const subscriptionsActive = new Gauge({
  name: 'tower_graphql_subscriptions_active',
  help: 'graphql-ws subscriptions open on this API replica',
  registers: [registry],
});

let requestsWaitingNow: () => number = () => 0;

/** Where tower_api_requests_waiting is read from at each scrape (the API's per-address line). */
export function observeRequestsWaiting(source: () => number): void {
  requestsWaitingNow = source;
}

export const requestsWaiting = new Gauge({
  name: 'tower_api_requests_waiting',
  help: "HTTP requests waiting for their turn behind their own address's requests in progress (REQUESTS_IN_FLIGHT_PER_IP)",
  registers: [registry],
  collect() {
    this.set(requestsWaitingNow());
  },
});

export const requestsTurnedAway = new Counter({
  name: 'tower_api_requests_turned_away_total',
  help: "HTTP requests refused with 429 because their address's line was full (REQUESTS_QUEUED_PER_IP)",
  registers: [registry],
});

/** Distinct operation names kept as labels; later ones are counted as `other`. */
export const MAX_OPERATION_NAMES = 200;
const operationNames = new Set<string>();

/**
 * Operation names are chosen by clients: a label per name would let any client grow the series
 * without bound. The first MAX_OPERATION_NAMES names (well-formed, short) are kept; the rest are `other`.
 */
export function graphqlOperationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (operationNames.has(name)) return name;
  if (operationNames.size >= MAX_OPERATION_NAMES || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'other';
  operationNames.add(name);
  return name;
}

// --- recording helpers (no-ops while metrics are disabled) ---------------------------------------

/** A try ended: outcome is the state its task instance went to. */
export function recordTryEnd(operator: string, outcome: string, seconds: number, sensor: boolean): void {
  if (!enabled) return;
  tries.inc({ operator, outcome });
  taskDuration.observe({ operator, outcome }, seconds);
  if (outcome === 'up_for_retry') retries.inc({ operator });
  if (sensor) sensorPokes.inc({ operator, outcome });
}

export function recordLag(stage: 'due_to_created' | 'created_to_running' | 'queued_to_running', seconds: number): void {
  if (!enabled || !(seconds >= 0)) return;
  schedulingLag.observe({ stage }, seconds);
}

export function recordGraphqlOperation(operation: string | null | undefined, type: string, outcome: string, seconds: number): void {
  if (!enabled) return;
  const name = graphqlOperationLabel(operation);
  graphqlOperations.inc({ operation: name, type, outcome });
  graphqlDuration.observe({ operation: name, type }, seconds);
}

export function recordTick(stats: Record<string, number>): void {
  if (!enabled) return;
  schedulerTicks.inc();
  schedulerLastTick.set(Date.now() / 1000);
  for (const [action, n] of Object.entries(stats)) if (n > 0) schedulerWork.inc({ action }, n);
  if (stats.zombiesReaped) zombieReaps.inc(stats.zombiesReaped);
}

/** What one retention pass did (the scheduler's). */
export function recordRetention(stats: { triesArchived: number; deleted: Record<string, number> }): void {
  if (!enabled) return;
  for (const [table, n] of Object.entries(stats.deleted)) if (n > 0) retentionRowsDeleted.inc({ table }, n);
  if (stats.triesArchived) logTriesArchived.inc(stats.triesArchived);
}

// --- values read at scrape time -------------------------------------------------------------------

/** What the queue collector reads for one lane. */
export interface LaneStats {
  lane: string;
  /** Jobs per BullMQ state (wait, active, delayed, …). */
  counts: Record<string, number>;
  oldestWaitingAgeSeconds: number;
}

export interface PoolStatsLike {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

let laneStatsSource: (() => Promise<LaneStats[]>) | undefined;
let poolStatsSource: (() => PoolStatsLike | null) | undefined;

/** The process that reports queue depth (the scheduler): one Redis round trip per lane per scrape. */
export function observeQueue(source: () => Promise<LaneStats[]>): void {
  laneStatsSource = source;
}

/** The process's Postgres pool (createPrismaClient's). */
export function observePool(source: () => PoolStatsLike | null): void {
  poolStatsSource = source;
}

export const dbPool = new Gauge({
  name: 'tower_db_pool_connections',
  help: 'Postgres pool connections of this process: total, idle, waiting (callers queued for one), max',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    const stats = poolStatsSource?.();
    if (!stats) return;
    this.set({ state: 'total' }, stats.total);
    this.set({ state: 'idle' }, stats.idle);
    this.set({ state: 'waiting' }, stats.waiting);
    this.set({ state: 'max' }, stats.max);
  },
});
