import { OperatorError, type Operator } from '../operator.js';

interface HttpRequestParams {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  expectedStatus?: number | number[];
  timeoutMs?: number;
}

const MAX_BODY_CHARS = 32 * 1024;

function statusExpected(status: number, expected: HttpRequestParams['expectedStatus']): boolean {
  if (expected == null) return status >= 200 && status < 300;
  return Array.isArray(expected) ? expected.includes(status) : status === expected;
}

/**
 * Calls an HTTP endpoint; an unexpected status fails the try (and may retry). The response
 * (status + body, JSON when the server says so) becomes the task's return_value XCom.
 */
export const httpRequestOperator: Operator<'http.request'> = {
  type: 'http.request',
  async execute(ctx) {
    const p = ctx.params as unknown as HttpRequestParams;
    const method = (p.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = { ...(p.headers ?? {}) };
    let body: string | undefined;
    if (p.body !== undefined && method !== 'GET' && method !== 'HEAD') {
      body = typeof p.body === 'string' ? p.body : JSON.stringify(p.body);
      if (typeof p.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
    }
    const signal = p.timeoutMs ? AbortSignal.any([ctx.signal, AbortSignal.timeout(p.timeoutMs)]) : ctx.signal;
    ctx.log('info', `${method} ${p.url}`);
    let response: Response;
    try {
      response = await fetch(p.url, { method, headers, body, signal });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      throw new OperatorError(`${method} ${p.url} failed: ${(err as Error).message}`);
    }
    const text = await response.text();
    ctx.log('info', `${method} ${p.url} → ${response.status} (${text.length} bytes)`);
    if (!statusExpected(response.status, p.expectedStatus)) {
      throw new OperatorError(`${method} ${p.url} answered ${response.status}: ${text.slice(0, 500)}`);
    }
    let parsed: unknown = text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}… [truncated]` : text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text.length <= MAX_BODY_CHARS) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the text: a server may mislabel its content type
      }
    }
    return { status: response.status, body: parsed };
  },
};
