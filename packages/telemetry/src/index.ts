// @tower/telemetry: health checks, the ops HTTP port, Prometheus metrics and OpenTelemetry traces.
export * from './metrics.js';
export { readinessResponse, standardChecks, type ReadinessCheck, type ReadinessResponse, type StandardCheckDeps } from './health.js';
export { startOpsServer, type OpsServer, type OpsServerOptions } from './ops-server.js';
export { rememberRunTrace, startTracing, traceEnqueue, withSpan, type TracingOptions } from './tracing.js';
