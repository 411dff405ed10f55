import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from '@jest/globals';
import { signUp } from './support/graphql.js';
import { runFinished } from './support/runs.js';
import { startStack, waitFor } from './support/stack.js';

/** A span as the OTLP/HTTP JSON exporter sends it, with its service. */
interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{
      spans: Array<{
        name: string;
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        attributes?: Array<{ key: string; value: Record<string, unknown> }>;
      }>;
    }>;
  }>;
}

/** An OTLP/HTTP receiver in the test process: collects what the stack's processes export. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json')) {
        const data = JSON.parse(body) as OtlpExport;
        for (const rs of data.resourceSpans) {
          const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans) {
            for (const s of ss.spans) {
              const attributes = Object.fromEntries((s.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]]));
              spans.push({ service, name: s.name, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, attributes });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('traces (OpenTelemetry, OTLP)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('follows a triggered run in one trace: the API call, run creation, queueing and every worker try', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const stack = await startStack({ name: 'traces', env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });
    cleanups.push(() => stack.stop());
    const { client: api } = await signUp(stack.apiUrl, 'traces');
    await api.request(`mutation($s: JSON!) { upsertDag(spec: $s) { dagId } }`, {
      s: {
        dagId: 'traced',
        tasks: [
          { taskId: 'a', type: 'noop' },
          { taskId: 'b', type: 'noop', dependsOn: ['a'] },
          { taskId: 'c', type: 'noop', dependsOn: ['a'] },
        ],
      },
    });
    const { triggerDagRun: run } = await api.request<{ triggerDagRun: { id: string } }>(`mutation { triggerDagRun(dagId: "traced") { id } }`);
    expect((await runFinished(api, run.id, 60_000)).state).toBe('success');

    // The trace of this run: the one whose run.create span names it.
    const traceId = await waitFor(
      async () => receiver.spans.find((s) => s.name === 'run.create' && s.attributes['tower.run_id'] === run.id)?.traceId,
      20_000,
      'the run.create span',
    );
    const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
    await waitFor(async () => inTrace().filter((s) => s.name === 'task.try').length >= 3, 20_000, 'three task.try spans');
    const spans = inTrace();
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (s: ReceivedSpan) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);

    const root = spans.filter((s) => !s.parentSpanId);
    expect(root.map((s) => [s.service, s.name])).toEqual([['tower-api', 'graphql.triggerDagRun']]);
    const trigger = spans.find((s) => s.name === 'run.trigger')!;
    expect(parentOf(trigger)?.name).toBe('graphql.triggerDagRun');
    expect(parentOf(spans.find((s) => s.name === 'run.create')!)?.name).toBe('run.trigger');

    // Every span is linked to the trace's root through its parents (none dangles).
    for (const s of spans) {
      let p: ReceivedSpan | undefined = s;
      while (p?.parentSpanId) p = parentOf(p);
      expect([s.name, p?.name]).toEqual([s.name, 'graphql.triggerDagRun']);
    }
    // The worker's tries: one per task, each the child of a queueing span. The root task's was
    // queued by the API (in the trigger's trace), the others by the worker when `a` ended.
    const tries = spans.filter((s) => s.name === 'task.try');
    expect(tries).toHaveLength(3);
    for (const t of tries) {
      expect(t.service).toBe('tower-worker');
      expect(parentOf(t)?.name).toBe('task.enqueue');
    }
    const enqueues = spans.filter((s) => s.name === 'task.enqueue');
    expect(enqueues.map((e) => [e.service, parentOf(e)?.name]).sort()).toEqual([
      ['tower-api', 'run.trigger'],
      ['tower-worker', 'task.try'],
    ]);
  });
});
