import { context, propagation, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * OpenTelemetry traces, off unless an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT).
 * One trace follows a triggered run: the API's `triggerDagRun`, the engine's run creation and the
 * queueing of its tasks, and each worker's try. The trace context crosses processes in the BullMQ
 * job payload (`traceparent`, W3C). Inside a process, the engine's work is batched across runs
 * (group commits), so the active context of a batch belongs to whichever call started it: the
 * context of each run is kept by run id instead (rememberRunTrace, read by traceEnqueue).
 * Disabled, every helper is a check of one boolean.
 */
let provider: NodeTracerProvider | undefined;

export interface TracingOptions {
  /** `tower-api`, `tower-scheduler`, `tower-worker`. */
  serviceName: string;
  /** The collector's base URL; spans go to `<endpoint>/v1/traces` (OTLP over HTTP, JSON). */
  endpoint: string;
  /** How long spans wait in the batch before export. */
  exportDelayMs?: number;
}

export function startTracing(opts: TracingOptions): { shutdown(): Promise<void> } {
  if (provider) throw new Error('tracing already started in this process');
  const exporter = new OTLPTraceExporter({ url: `${opts.endpoint.replace(/\/$/, '')}/v1/traces` });
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: opts.exportDelayMs ?? 1_000 })],
  });
  // The AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  const registered = provider;
  return {
    async shutdown() {
      await registered.shutdown();
    },
  };
}

const tracer = () => trace.getTracer('tower');

/** The W3C `traceparent` of a context (the active one by default), if it holds a span. */
function traceparentOf(ctx: Context = context.active()): string | undefined {
  if (!provider) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

function contextOf(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(context.active(), { traceparent }) : context.active();
}

/**
 * Runs `fn` in a span, a child of `parent` (a traceparent) when given, else of the active span.
 * The span ends when `fn` settles; a thrown error marks it failed (and is rethrown).
 */
export async function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span | undefined) => Promise<T>, parent?: string): Promise<T> {
  if (!provider) return fn(undefined);
  return tracer().startActiveSpan(name, { attributes }, contextOf(parent), async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Runs of this process's recent triggers and tries → the traceparent their later work joins. */
const runTraces = new Map<string, string>();
const MAX_RUN_TRACES = 10_000;

/** The active span's context becomes the one later work of the run (its tasks' queueing) joins. */
export function rememberRunTrace(runId: string, traceparent: string | undefined = traceparentOf()): void {
  if (!provider || !traceparent) return;
  runTraces.delete(runId);
  runTraces.set(runId, traceparent);
  // Oldest first: a Map iterates in insertion order.
  if (runTraces.size > MAX_RUN_TRACES) runTraces.delete(runTraces.keys().next().value!);
}

/**
 * Jobs about to be enqueued: each job of a traced run gets its run's traceparent, and each such
 * run gets a `task.enqueue` span (a child of its trace) around the enqueue call, whose own
 * traceparent the jobs carry — so a worker's try is the child of its queueing.
 */
export async function traceEnqueue<J extends { payload: { dagRunId: string; traceparent?: string } }>(
  jobs: J[],
  enqueue: (jobs: J[]) => Promise<void>,
): Promise<void> {
  if (!provider || jobs.length === 0) return enqueue(jobs);
  const spans = new Map<string, Span>();
  for (const job of jobs) {
    const runId = job.payload.dagRunId;
    const parent = runTraces.get(runId);
    if (!parent) continue;
    let span = spans.get(runId);
    if (!span) {
      span = tracer().startSpan('task.enqueue', { attributes: { 'tower.run_id': runId } }, contextOf(parent));
      spans.set(runId, span);
    }
    job.payload.traceparent = traceparentOf(trace.setSpan(context.active(), span));
  }
  try {
    await enqueue(jobs);
  } catch (err) {
    spans.forEach((s) => s.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message }));
    throw err;
  } finally {
    for (const [runId, span] of spans) {
      span.setAttribute('tower.jobs', jobs.filter((j) => j.payload.dagRunId === runId).length);
      span.end();
    }
  }
}
