import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The chaos suite's DAGs (e2e/chaos.e2e.test.ts), its HTTP service and its fault record. */
export const CHAOS_BUCKET = 'landing';

const noop = (taskId: string, extra: Record<string, unknown> = {}) => ({
  taskId,
  type: 'noop',
  retries: 5,
  retryDelaySeconds: 1,
  with: { durationMs: 30 },
  ...extra,
});
const chain = (prefix: string, n: number, first: string) =>
  Array.from({ length: n }, (_, i) => noop(`${prefix}${i + 1}`, { dependsOn: [i === 0 ? first : `${prefix}${i}`] }));

/** The DAGs and, per task, the state its logic dictates whatever the faults (ok: a sensor run's key is there). */
export function chaosDags(receiverUrl: string) {
  const get = (taskId: string, url: string, extra: Record<string, unknown> = {}) => ({
    taskId,
    type: 'http.request',
    retries: 5,
    retryDelaySeconds: 1,
    with: { url, timeoutMs: 5_000 },
    ...extra,
  });
  return {
    chain_ok: {
      spec: { dagId: 'chain_ok', maxActiveRuns: 50, tasks: [get('fetch', `${receiverUrl}/ok/{{ run_id }}/fetch`), ...chain('step', 9, 'fetch')] },
      expect: () => ({ run: 'success', tasks: {} as Record<string, string>, otherwise: 'success' }),
    },
    fan_retry: {
      spec: {
        dagId: 'fan_retry',
        maxActiveRuns: 50,
        tasks: [
          noop('root'),
          ...Array.from({ length: 7 }, (_, i) => noop(`branch${i + 1}`, { dependsOn: ['root'], with: { durationMs: 100 } })),
          // Answers 500 to its first call of each run: a retry follows, then it succeeds.
          get('flaky', `${receiverUrl}/flaky/{{ run_id }}/flaky`, { dependsOn: ['root'] }),
          noop('join', { dependsOn: ['flaky', ...Array.from({ length: 7 }, (_, i) => `branch${i + 1}`)] }),
        ],
      },
      expect: () => ({ run: 'success', tasks: {}, otherwise: 'success' }),
    },
    fail_rules: {
      spec: {
        dagId: 'fail_rules',
        maxActiveRuns: 50,
        tasks: [
          get('boom', 'http://127.0.0.1:1/closed', { retries: 1 }),
          noop('cleanup', { dependsOn: ['boom'], triggerRule: 'all_done' }),
          noop('after', { dependsOn: ['boom'] }),
          noop('alert', { dependsOn: ['boom'], triggerRule: 'one_failed' }),
          ...Array.from({ length: 6 }, (_, i) => noop(`side${i + 1}`)),
        ],
      },
      expect: () => ({ run: 'failed', tasks: { boom: 'failed', after: 'upstream_failed' }, otherwise: 'success' }),
    },
    timeouts: {
      spec: {
        dagId: 'timeouts',
        maxActiveRuns: 50,
        tasks: [
          noop('slow', { retries: 0, executionTimeoutSeconds: 1, with: { durationMs: 60_000 } }),
          noop('on_fail', { dependsOn: ['slow'], triggerRule: 'one_failed' }),
          noop('never', { dependsOn: ['slow'] }),
          ...Array.from({ length: 7 }, (_, i) => noop(`side${i + 1}`)),
        ],
      },
      expect: () => ({ run: 'failed', tasks: { slow: 'failed', never: 'upstream_failed' }, otherwise: 'success' }),
    },
    sensor: {
      spec: {
        dagId: 'sensor',
        maxActiveRuns: 50,
        tasks: [
          {
            taskId: 'wait',
            type: 's3.keySensor',
            connection: 'lake',
            retries: 3,
            retryDelaySeconds: 1,
            with: { bucket: CHAOS_BUCKET, key: 'in/{{ ds }}.csv', pokeIntervalSeconds: 1, timeoutSeconds: 3, mode: 'reschedule', softFail: true },
          },
          ...chain('load', 9, 'wait'),
        ],
      },
      // Even days' files are there before the trigger; odd days' never come (softFail: skipped).
      expect: (ok: boolean) => ({ run: 'success', tasks: {}, otherwise: ok ? 'success' : 'skipped' }),
    },
    daily: {
      spec: {
        dagId: 'daily',
        schedule: '0 0 * * *',
        startDate: '2030-01-01T00:00:00',
        maxActiveRuns: 16,
        tasks: [noop('first'), ...chain('next', 9, 'first')],
      },
      expect: () => ({ run: 'success', tasks: {}, otherwise: 'success' }),
    },
  };
}

export interface Fault {
  name: string;
  at: number;
  injectedAt?: number;
  repairedAt?: number;
  recoveredAt?: number | null;
}

/** A local HTTP service the http tasks call: it counts calls per path; /flaky/ answers 500 once per path. */
export async function startReceiver() {
  const calls = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    const n = (calls.get(url) ?? 0) + 1;
    calls.set(url, n);
    if (url.startsWith('/flaky/') && n === 1) return void res.writeHead(500).end('first call fails');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
