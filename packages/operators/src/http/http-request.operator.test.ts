import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { httpRequestOperator } from './http-request.operator.js';
import { OperatorError, type OperatorContext } from '../operator.js';
import { operatorFor } from '../registry.js';
import { noopOperator } from '../noop/noop.operator.js';

let server: http.Server;
const timers: NodeJS.Timeout[] = [];
let base: string;
const received: Array<{ method?: string; url?: string; body: string; headers: http.IncomingHttpHeaders }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, body, headers: req.headers });
      if (req.url === '/json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, n: 42 }));
      } else if (req.url === '/fail') {
        res.writeHead(503);
        res.end('unavailable');
      } else if (req.url === '/slow') {
        timers.push(setTimeout(() => res.end('late'), 2_000));
      } else {
        res.writeHead(201);
        res.end('created');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  timers.forEach(clearTimeout);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function ctx(params: Record<string, unknown>, signal = new AbortController().signal) {
  const logs: string[] = [];
  // http.request reads only these; the rest of the context is not its business.
  const context = {
    tenantId: 't',
    dagId: 'd',
    taskId: 'x',
    runId: 'r',
    tryNumber: 1,
    params,
    signal,
    log: (_level, message) => logs.push(message),
    xcomPush: () => undefined,
  } as Partial<OperatorContext> as OperatorContext;
  return { context, logs };
}

describe('http.request operator', () => {
  it('returns status and parsed JSON body as the return value', async () => {
    const { context, logs } = ctx({ url: `${base}/json` });
    await expect(httpRequestOperator.execute(context)).resolves.toEqual({ status: 200, body: { ok: true, n: 42 } });
    expect(logs.join('\n')).toMatch(/GET .*\/json → 200/);
  });

  it('sends a JSON body with a content type for object bodies', async () => {
    const { context } = ctx({ url: `${base}/echo`, method: 'post', body: { a: 1 }, expectedStatus: 201 });
    await expect(httpRequestOperator.execute(context)).resolves.toEqual({ status: 201, body: 'created' });
    const last = received[received.length - 1];
    expect(last.method).toBe('POST');
    expect(JSON.parse(last.body)).toEqual({ a: 1 });
    expect(last.headers['content-type']).toBe('application/json');
  });

  it('fails retryably on an unexpected status, naming it', async () => {
    const { context } = ctx({ url: `${base}/fail` });
    const err = await httpRequestOperator.execute(context).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperatorError);
    expect((err as OperatorError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/503/);
  });

  it('accepts a list of expected statuses', async () => {
    const { context } = ctx({ url: `${base}/fail`, expectedStatus: [200, 503] });
    await expect(httpRequestOperator.execute(context)).resolves.toMatchObject({ status: 503 });
  });

  it('stops when the try is aborted', async () => {
    const controller = new AbortController();
    const { context } = ctx({ url: `${base}/slow` }, controller.signal);
    const pending = httpRequestOperator.execute(context);
    setTimeout(() => controller.abort(new Error('timed out')), 50);
    await expect(pending).rejects.toThrow(/timed out|abort/i);
  });

  it('honours its own timeoutMs', async () => {
    const { context } = ctx({ url: `${base}/slow`, timeoutMs: 100 });
    await expect(httpRequestOperator.execute(context)).rejects.toBeInstanceOf(OperatorError);
  });
});

describe('noop operator and registry', () => {
  it('waits durationMs and can be aborted', async () => {
    const started = Date.now();
    await noopOperator.execute(ctx({ durationMs: 50 }).context);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    const controller = new AbortController();
    const pending = noopOperator.execute(ctx({ durationMs: 10_000 }, controller.signal).context);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });

  it('fails for good on a type this worker lacks', () => {
    expect(() => operatorFor('bogus.type')).toThrow(OperatorError);
    try {
      operatorFor('bogus.type');
    } catch (e) {
      expect((e as OperatorError).retryable).toBe(false);
    }
    expect(operatorFor('noop')).toBe(noopOperator);
  });
});
