// @tower/telemetry: health checks, the ops HTTP port, Prometheus metrics and OpenTelemetry traces.
export * from './metrics.js';
export {
  readiness,
  readinessResponse,
  standardChecks,
  CHECK_TIMEOUT_MS,
  type Readiness,
  type ReadinessCheck,
  type ReadinessResponse,
  type StandardCheckDeps,
} from './health.js';
export { startOpsServer, type OpsServer, type OpsServerOptions } from './ops-server.js';
export { rememberRunTrace, startTracing, traceEnqueue, traceparentForRun, traceparentOf, tracingEnabled, withSpan, type TracingOptions } from './tracing.js';
