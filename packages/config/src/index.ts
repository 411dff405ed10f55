import { z } from 'zod';

/**
 * One validated, typed configuration for every Tower process. Apps call loadConfig() once at boot;
 * nothing else reads process.env. Defaults are the local ones `npm start` uses.
 */
const schema = z.object({
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/tower'),
  /**
   * The API takes its Postgres role at connect (`SET ROLE tower_app`, a startup option), under
   * row-level security (docs/database.md, "Row-level security"). false when the login role's
   * sessions start in it already (`ALTER ROLE … SET role = tower_app`): behind PgBouncer in
   * transaction mode, which forwards no startup options.
   */
  DATABASE_SET_ROLE: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and channel: lets tests and tenants of a shared Redis stay apart. */
  REDIS_PREFIX: z.string().min(1).default('tower'),
  /**
   * The longest a process's own Redis commands (enqueue, publish, PING) wait: a stopped Redis
   * would keep them queued until it is back, a hung one forever. Past it they fail and the engine
   * moves on (events are best-effort, jobs are re-enqueued by the sweeps). Not applied to BullMQ
   * workers' blocking connections.
   */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  API_PORT: z.coerce.number().int().positive().default(4000),
  API_HOST: z.string().default('0.0.0.0'),
  WEB_ORIGIN: z.string().default('*'),
  /**
   * Which peers' X-Forwarded-For the API believes (Express's `trust proxy`): the web app proxies the
   * browser's /graphql, so without it every browser would share the web server's address (and its
   * failed-login budget). `loopback` (default: the web app on the same host), `false`, `true`, a hop
   * count, or addresses/CIDRs/`linklocal`/`uniquelocal`, comma-separated.
   */
  TRUST_PROXY: z
    .string()
    .default('loopback')
    .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(8),
  WORKER_ID: z.string().optional(),
  /**
   * The lanes this worker process serves, comma-separated: `interactive` (tenants' first tasks),
   * `bulk` (deep backlogs, backfills). Each lane runs up to WORKER_CONCURRENCY tries at once.
   */
  WORKER_LANES: z
    .string()
    .default('interactive,bulk')
    .transform((s) => [
      ...new Set(
        s
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(z.enum(['interactive', 'bulk'])).min(1, 'WORKER_LANES names no lane: use interactive, bulk or both')),
  /**
   * OS scheduling priority (nice, 0–19) the worker lowers itself to: a bulk-lane worker sharing
   * CPUs with interactive ones gives way to them (and to the API and scheduler) when CPU runs short,
   * and loses nothing when it does not.
   */
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(0),
  /**
   * How long a stopping worker (SIGTERM) lets its running tries finish before it aborts them.
   * Kubernetes: keep terminationGracePeriodSeconds well above it (infra/k8s).
   */
  WORKER_DRAIN_MS: z.coerce.number().int().min(0).default(30_000),
  SCHEDULER_TICK_MS: z.coerce.number().int().positive().default(1000),
  /** How often the scheduler lists the S3 objects of `s3.objectCreated` triggers. */
  FILE_TRIGGER_POLL_MS: z.coerce.number().int().positive().default(5000),
  /** A running try whose worker stopped heartbeating for this long is failed (and retried per policy). */
  ZOMBIE_AFTER_MS: z.coerce.number().int().positive().default(30_000),
  /** A task queued in Postgres this long without a BullMQ job (e.g. Redis was flushed) is enqueued again. */
  REQUEUE_AFTER_MS: z.coerce.number().int().positive().default(15_000),
  /** How often a worker renews the lease of its running tries. */
  HEARTBEAT_MS: z.coerce.number().int().positive().default(5_000),
  /** Alert rules are evaluated by the scheduler processes and delivered by the workers; false turns both off. */
  ALERTS_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** How often the alert evaluator reads the state-change journal. */
  ALERT_EVALUATE_MS: z.coerce.number().int().positive().default(200),
  /** How often the timer-driven alert rules (duration, deadline, freshness) are checked. */
  ALERT_SWEEP_MS: z.coerce.number().int().positive().default(5000),
  /** Alert sends in flight per process, and per channel per process (a slow channel holds no more). */
  ALERT_DELIVERY_CONCURRENCY: z.coerce.number().int().positive().default(128),
  ALERT_DELIVERY_PER_CHANNEL: z.coerce.number().int().positive().default(4),
  /** How long a channel may take to answer one send. */
  ALERT_DELIVERY_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /** The web app's public URL: alert messages link to runs there. */
  TOWER_WEB_URL: z.string().url().default('http://localhost:3000'),
  /** Schema introspection on /graphql (the schema is public: apps/api/schema.graphql). */
  GRAPHQL_INTROSPECTION: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /**
   * The ops HTTP port of the scheduler and the worker (`/healthz`, `/readyz`, `/metrics`); the API
   * serves the same paths on API_PORT. 0 picks a free port (logged): tests and several processes
   * on one machine. A port already taken is logged as an error and the process runs without it.
   */
  SCHEDULER_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9101),
  WORKER_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9102),
  OPS_HOST: z.string().default('0.0.0.0'),
  /** Prometheus metrics (prom-client) recorded and served on `/metrics`. */
  METRICS_ENABLED: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  /**
   * OpenTelemetry traces go to this OTLP/HTTP collector (`<url>/v1/traces`); unset, tracing is off.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /**
   * Retention (docs/retention.md): the scheduler deletes runs and logs past their tenant's policy
   * every RETENTION_INTERVAL_MS, RETENTION_BATCH_SIZE rows per statement, pausing RETENTION_PAUSE_MS
   * after each. false turns it off (nothing is ever deleted).
   */
  RETENTION_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  RETENTION_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
  RETENTION_PAUSE_MS: z.coerce.number().int().min(0).default(20),
  /**
   * The time retention takes for "now" (ISO 8601), instead of the clock: tests and drills that
   * check what a policy deletes at a given date. Never set in production.
   */
  TOWER_RETENTION_NOW: z
    .string()
    .optional()
    .refine((v) => v === undefined || !Number.isNaN(Date.parse(v)), 'TOWER_RETENTION_NOW must be an ISO 8601 date-time')
    .transform((v) => (v === undefined ? undefined : new Date(v))),
  /**
   * The platform's object store for archived task logs (S3; s3rver or MinIO with an endpoint). Unset
   * bucket: logs stay in Postgres until their retention. Credentials unset: the AWS SDK's default chain.
   */
  LOG_ARCHIVE_BUCKET: z.string().min(1).optional(),
  LOG_ARCHIVE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]+(\/[a-zA-Z0-9_.-]+)*$/, 'LOG_ARCHIVE_PREFIX is path segments of [a-zA-Z0-9_.-], without leading or trailing /')
    .default('task-logs'),
  LOG_ARCHIVE_S3_ENDPOINT: z.string().url().optional(),
  LOG_ARCHIVE_S3_REGION: z.string().default('us-east-1'),
  LOG_ARCHIVE_S3_ACCESS_KEY_ID: z.string().optional(),
  LOG_ARCHIVE_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** A finished run's logs are archived this long after it ended: Postgres keeps live and recent logs. */
  LOG_ARCHIVE_AFTER_MS: z.coerce.number().int().min(0).default(3_600_000),
  /**
   * Request rate limits, in requests per RATE_LIMIT_WINDOW_SECONDS, counted in Redis across API
   * replicas: per client address (HTTP requests to /graphql, graphql-ws connections and
   * subscriptions) and per signed-in principal (a user session or an API key; every operation).
   * 0 turns a limit off. Over a limit: TOO_MANY_REQUESTS with retryAfterSeconds (docs/api.md).
   */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_PER_IP: z.coerce.number().int().min(0).default(12_000),
  RATE_LIMIT_PER_PRINCIPAL: z.coerce.number().int().min(0).default(6_000),
  /**
   * graphql-ws subscriptions one principal (a user's session in a tenant, or an API key) may hold
   * open on one API process; the next is refused with TOO_MANY_REQUESTS until one of them ends.
   * Every open subscription costs the process memory and work on each of its tenant's events, so
   * one token must not be able to open them without bound (docs/api.md, Limits). 0: no limit.
   */
  SUBSCRIPTIONS_PER_PRINCIPAL: z.coerce.number().int().min(0).default(1000),
  /**
   * HTTP requests of one client address an API process works on at once; the address's further
   * requests wait their turn in arrival order, at most REQUESTS_QUEUED_PER_IP of them, past which
   * they are refused with TOO_MANY_REQUESTS. A burst from one address (100 parallel logins, say)
   * then takes turns with every other client on the process's one thread instead of queueing
   * ahead of them all (docs/api.md, "Abuse resistance"). Per process, in memory. 0 turns it off.
   */
  REQUESTS_IN_FLIGHT_PER_IP: z.coerce.number().int().min(0).default(8),
  REQUESTS_QUEUED_PER_IP: z.coerce.number().int().min(0).default(256),
  /**
   * Password hashes (scrypt, ~60 ms of a core and 32 MiB each) an API process computes at once;
   * more wait their turn. Unset: half the machine's cores, at least 1, so a burst of logins cannot
   * take every core from the requests of other tenants (docs/api.md, "Abuse resistance").
   */
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().positive().optional(),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 14),
  /** How long a member invitation's link stays valid (inviteMember). */
  INVITATION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3600),
  /**
   * The platform's own mail server, for invitation emails (tenants' alert emails use their own smtp
   * connections). Unset SMTP_HOST: invitations are not mailed, the inviter shares the link.
   */
  SMTP_HOST: z.string().optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  SMTP_SECURE: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
  SMTP_USERNAME: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_FROM: z.string().default('Tower <no-reply@tower.local>'),
  /** Base64 of 32 bytes, or "keyId:base64,keyId:base64" (first = current) for secret encryption. */
  TOWER_ENCRYPTION_KEYS: z.string().optional(),
  /** production refuses to start without TOWER_ENCRYPTION_KEYS. */
  NODE_ENV: z.string().default('development'),
  /** Where the API writes the generated schema; set only by the schema generator. */
  SCHEMA_OUTPUT: z.string().optional(),
});

export type TowerConfig = z.infer<typeof schema>;

/** The log archive the config names (LOG_ARCHIVE_*), or undefined when LOG_ARCHIVE_BUCKET is unset. */
export function logArchiveConfig(
  config: TowerConfig,
): { bucket: string; prefix: string; region: string; endpoint?: string; accessKeyId?: string; secretAccessKey?: string } | undefined {
  if (!config.LOG_ARCHIVE_BUCKET) return undefined;
  return {
    bucket: config.LOG_ARCHIVE_BUCKET,
    prefix: config.LOG_ARCHIVE_PREFIX,
    region: config.LOG_ARCHIVE_S3_REGION,
    endpoint: config.LOG_ARCHIVE_S3_ENDPOINT,
    accessKeyId: config.LOG_ARCHIVE_S3_ACCESS_KEY_ID,
    secretAccessKey: config.LOG_ARCHIVE_S3_SECRET_ACCESS_KEY,
  };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): TowerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid Tower configuration: ${issues}`);
  }
  return parsed.data;
}
