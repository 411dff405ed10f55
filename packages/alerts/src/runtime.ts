import type { Redis } from 'ioredis';
import type { AlertWrites } from './alert-store.js';
import { AlertDeliverer, AlertDeliveryQueue, DEFAULT_DELIVERY_OPTIONS, type DeliveryOptions } from './delivery.js';
import type { AlertsDeps } from './deps.js';
import { AlertEvaluator } from './evaluator.js';

/**
 * After a write committed: alert events to subscribers (alertFired), deliveries to the queue. Both
 * best-effort: Postgres holds the alerts, and the reconciler queues any delivery whose job is lost.
 */
export async function publishAlertWrites(deps: Pick<AlertsDeps, 'events' | 'logger'>, queue: AlertDeliveryQueue | null, writes: AlertWrites): Promise<void> {
  const events = writes.changes.map(({ change, alert }) => ({ kind: 'alert' as const, tenantId: alert.tenantId, change, alert }));
  await Promise.all([
    deps.events.publishMany(events).catch((err: unknown) => deps.logger.warn({ err, alerts: events.length }, 'publishing alert events failed')),
    queue
      ?.enqueue(writes.deliveries)
      .catch((err: unknown) => deps.logger.warn({ err, deliveries: writes.deliveries.length }, 'queueing alert deliveries failed; the reconciler will')),
  ]);
}

export interface AlertingOptions {
  /** Evaluate the journal (and, every sweepMs, the timer rules). */
  evaluate: boolean;
  /** Consume the delivery queue. */
  deliver: boolean;
  evaluateEveryMs: number;
  sweepMs: number;
  reconcileMs: number;
  batchSize: number;
  delivery: DeliveryOptions;
}

export const DEFAULT_ALERTING_OPTIONS: AlertingOptions = {
  evaluate: true,
  deliver: true,
  evaluateEveryMs: 200,
  sweepMs: 5000,
  reconcileMs: 5000,
  batchSize: 2000,
  delivery: DEFAULT_DELIVERY_OPTIONS,
};

export interface AlertingHandle {
  evaluator: AlertEvaluator;
  deliverer: AlertDeliverer;
  queue: AlertDeliveryQueue;
  close(): Promise<void>;
}

/**
 * Alerting in a long-running process (the scheduler runs it): the evaluator loop, the delivery
 * consumer and its reconciler. Replicas are safe: one evaluator at a time holds the lock, and each
 * delivery is claimed by a compare-and-set.
 */
export function startAlerting(
  deps: AlertsDeps,
  redis: Redis,
  prefix: string,
  options: Partial<Omit<AlertingOptions, 'delivery'>> & { delivery?: Partial<DeliveryOptions> } = {},
): AlertingHandle {
  const opts = { ...DEFAULT_ALERTING_OPTIONS, ...options, delivery: { ...DEFAULT_DELIVERY_OPTIONS, ...options.delivery } };
  const queue = new AlertDeliveryQueue(redis, prefix);
  const evaluator = new AlertEvaluator(deps, { batchSize: opts.batchSize, sweepMs: opts.sweepMs });
  const deliverer = new AlertDeliverer(deps, queue, redis, prefix, opts.delivery);
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();

  const every = (name: string, ms: number, step: () => Promise<boolean>) => {
    const loop = () => {
      if (stopped) return;
      const p = step()
        .catch((err: unknown) => {
          deps.logger.error({ err }, `${name} failed`);
          return false;
        })
        .then((again) => {
          running.delete(p);
          if (stopped) return;
          const t = setTimeout(
            () => {
              timers.delete(t);
              loop();
            },
            again ? 0 : ms,
          );
          timers.add(t);
        });
      running.add(p);
    };
    loop();
  };

  if (opts.evaluate) {
    every('alert evaluation', opts.evaluateEveryMs, async () => {
      const result = await evaluator.evaluate();
      if (result.ran && (result.writes.changes.length > 0 || result.writes.deliveries.length > 0)) {
        deps.logger.debug({ changes: result.changes, alerts: result.writes.changes.length, deliveries: result.writes.deliveries.length }, 'alerts evaluated');
      }
      await publishAlertWrites(deps, queue, result.writes);
      return result.more;
    });
  }
  if (opts.deliver) {
    deliverer.start();
    every('alert delivery reconciliation', opts.reconcileMs, async () => {
      const r = await deliverer.reconcile();
      if (r.reclaimed + r.requeued > 0) deps.logger.info(r, 'alert deliveries reconciled');
      return false;
    });
  }
  deps.logger.info({ evaluate: opts.evaluate, deliver: opts.deliver, perChannel: opts.delivery.perChannel }, 'alerting started');

  return {
    evaluator,
    deliverer,
    queue,
    async close() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all(running);
      await deliverer.close();
      await queue.close();
    },
  };
}
