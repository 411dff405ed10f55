// @tower/telemetry: health checks, the ops HTTP port, Prometheus metrics and OpenTelemetry traces.
export * from './metrics.js';
export {
  inspectAdvisories,
  readinessResponse,
  standardChecks,
  type ReadinessAdvisory,
  type ReadinessCheck,
  type ReadinessResponse,
  type StandardCheckDeps,
} from './health.js';
export {
  DEFAULT_VACUUM_THRESHOLDS,
  HOT_TABLES,
  vacuumAdvisory,
  vacuumWarnings,
  type TableVacuumStats,
  type VacuumStats,
  type VacuumThresholds,
} from './vacuum.js';
export { startOpsServer, type OpsServer, type OpsServerOptions } from './ops-server.js';
export { rememberRunTrace, startTracing, traceEnqueue, withSpan, type TracingOptions } from './tracing.js';
