import { alertLink, type AlertChannelType, type AlertEventType, type AlertMessage, type AlertMessageKind, type AlertSeverity } from '@tower/core';
import { sqlOf, type AlertChannel, type Sql } from '@tower/db';
import type { AlertSnapshot } from '@tower/events';
import { bullPrefix } from '@tower/queue';
import { alertDeliveries, metricsEnabled } from '@tower/telemetry';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ALERT_JSON } from './alert-store.js';
import { AlertChannelService } from './channel-service.js';
import type { AlertsDeps } from './deps.js';
import { sendToChannel, type SendResult } from './senders.js';

export const ALERT_QUEUE = 'alert-deliveries';

/** What a send needs of a channel row. */
type ChannelRow = Pick<AlertChannel, 'id' | 'tenantId' | 'name' | 'type' | 'config' | 'secretCiphertext'>;

const BUSY_WAIT_MIN_MS = 100;
const BUSY_WAIT_MAX_MS = 3000;

export interface DeliveryJob {
  deliveryId: string;
  channelId: string;
}

/** BullMQ job ids may not contain ':'; one job per attempt, so a retry is never mistaken for a duplicate. */
export const deliveryJobId = (id: string, attempt: number) => `ad_${id}_${attempt}`;

export interface DeliveryOptions {
  /** Sends in flight per process. Sends wait on the network, not the CPU. */
  concurrency: number;
  /** Sends in flight per channel per process: a slow channel holds at most this many slots. */
  perChannel: number;
  timeoutMs: number;
  maxAttempts: number;
  /** Backoff: base × 2^(attempt − 1), capped at maxBackoffMs, with ±20 % jitter. */
  backoffBaseMs: number;
  maxBackoffMs: number;
  /** A SENDING row whose claim was not renewed for this long is taken to be a crashed sender's and sent again. */
  stuckAfterMs: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  concurrency: 128,
  perChannel: 4,
  timeoutMs: 15_000,
  maxAttempts: 8,
  backoffBaseMs: 1000,
  maxBackoffMs: 5 * 60_000,
  stuckAfterMs: 60_000,
};

export function backoffMs(attempt: number, opts: Pick<DeliveryOptions, 'backoffBaseMs' | 'maxBackoffMs'>, random = Math.random): number {
  const base = Math.min(opts.backoffBaseMs * 2 ** Math.max(0, attempt - 1), opts.maxBackoffMs);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Producer side: BullMQ carries a delivery's id; the AlertDelivery row is the truth. */
export class AlertDeliveryQueue {
  readonly queue: Queue;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue(ALERT_QUEUE, { connection, prefix: bullPrefix(prefix) });
  }

  async enqueue(deliveries: ReadonlyArray<{ id: string; channelId: string; attempt?: number; delayMs?: number }>): Promise<void> {
    if (deliveries.length === 0) return;
    await this.queue.addBulk(
      deliveries.map((d) => ({
        name: 'deliver',
        data: { deliveryId: d.id, channelId: d.channelId } satisfies DeliveryJob,
        opts: { jobId: deliveryJobId(d.id, d.attempt ?? 0), delay: d.delayMs, removeOnComplete: true, removeOnFail: true },
      })),
    );
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

/**
 * PENDING → SENDING, a compare-and-set, returning what the send needs (the alert, the channel) in
 * the same round trip. A RESOLVE waits until its channel's TRIGGER of the same alert has ended
 * (delivered or failed), so a retried trigger can never reopen what the resolve closed; the
 * reconciler brings the waiting RESOLVE back.
 */
const CLAIM = `WITH c AS (
    UPDATE "AlertDelivery" d SET status = 'SENDING', attempts = d.attempts + 1, "claimedAt" = now()
    WHERE d.id = $1 AND d.status = 'PENDING' AND d."nextAttemptAt" <= now() + interval '1 second'
      AND (d.kind <> 'RESOLVE' OR NOT EXISTS (
        SELECT 1 FROM "AlertDelivery" t WHERE t."alertId" = d."alertId" AND t."channelId" = d."channelId" AND t.kind = 'TRIGGER'
          AND t.status = ANY (ARRAY['PENDING', 'SENDING']::"AlertDeliveryStatus"[])))
    RETURNING d.id, d."tenantId", d."alertId", d."channelId", d.kind, d.attempts)
  SELECT c.*,
    (SELECT ${ALERT_JSON} FROM "Alert" a WHERE a.id = c."alertId") AS alert,
    (SELECT json_build_object('id', ch.id, 'tenantId', ch."tenantId", 'name', ch.name, 'type', ch.type, 'config', ch.config,
       'secretCiphertext', ch."secretCiphertext") FROM "AlertChannel" ch WHERE ch.id = c."channelId" AND ch."tenantId" = c."tenantId") AS channel
  FROM c`;

const DELIVERED = `UPDATE "AlertDelivery" SET status = 'DELIVERED', "deliveredAt" = now(), "lastStatusCode" = $3, "lastResponse" = $4, "lastError" = NULL
  WHERE id = $1 AND status = 'SENDING' AND attempts = $2`;

const FAILED_ATTEMPT = `UPDATE "AlertDelivery" SET status = $3::"AlertDeliveryStatus", "nextAttemptAt" = $4, "lastStatusCode" = $5, "lastResponse" = $6, "lastError" = $6
  WHERE id = $1 AND status = 'SENDING' AND attempts = $2`;

const RENEW = `UPDATE "AlertDelivery" SET "claimedAt" = now() WHERE id = ANY($1::uuid[]) AND status = 'SENDING'`;

/** Sends that a crashed process left SENDING are due again (at least once: a receiver may see one twice). */
const RECLAIM = `UPDATE "AlertDelivery" SET status = CASE WHEN attempts >= $2 THEN 'FAILED'::"AlertDeliveryStatus" ELSE 'PENDING' END,
    "nextAttemptAt" = now(), "lastError" = coalesce("lastError", 'the sending process stopped before recording the answer')
  WHERE status = 'SENDING' AND "claimedAt" < now() - $1 * interval '1 millisecond' RETURNING id`;

/** Deliveries overdue by a few seconds lost their job (Redis flushed, a crash before enqueue): queue them again. */
const OVERDUE = `SELECT id, "channelId", attempts FROM "AlertDelivery"
  WHERE status = 'PENDING' AND "nextAttemptAt" < now() - interval '3 seconds' ORDER BY "nextAttemptAt" LIMIT 1000`;

/** The message of a delivery: the stored alert as a channel tells it. */
export function messageOf(alert: AlertSnapshot, deliveryId: string, kind: AlertMessageKind, webUrl: string): AlertMessage {
  const details = (alert.details ?? {}) as { error?: string | null };
  return {
    kind,
    deliveryId,
    alertId: alert.id,
    tenantId: alert.tenantId,
    ruleName: alert.ruleName,
    event: alert.event as AlertEventType,
    severity: alert.severity as AlertSeverity,
    state: alert.state as 'FIRING' | 'RESOLVED',
    summary: alert.summary,
    dagId: alert.dagId,
    runId: alert.runId,
    dagRunId: alert.dagRunId,
    taskId: alert.taskId,
    error: details.error ?? null,
    occurrences: alert.occurrences,
    firedAt: new Date(alert.firedAt),
    resolvedAt: alert.resolvedAt ? new Date(alert.resolvedAt) : null,
    link: alertLink(webUrl, alert),
  };
}

/**
 * The consumer: claims a delivery (PENDING → SENDING, a compare-and-set, so a duplicate job or a
 * job re-added after a Redis flush never sends twice), sends it, records what the receiver said,
 * and schedules the next attempt with backoff. A channel with `perChannel` sends in flight makes
 * its next jobs wait (moved back to delayed) instead of taking the slots other channels need.
 */
export class AlertDeliverer {
  private readonly sql: Sql;
  private readonly channels: AlertChannelService;
  private readonly inFlight = new Map<string, number>();
  /** Each channel's typical delivery time here (a moving average, ms): how long a busy channel's next job waits. */
  private readonly sendMs = new Map<string, number>();
  /** Deliveries this process has claimed and not yet recorded: their claim is renewed (a lease). */
  private readonly sending = new Set<string>();
  private leaseTimer?: NodeJS.Timeout;
  private worker?: Worker;
  private workerConnection?: Redis;

  constructor(
    private readonly deps: AlertsDeps,
    private readonly queue: AlertDeliveryQueue,
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly opts: DeliveryOptions = DEFAULT_DELIVERY_OPTIONS,
  ) {
    this.sql = sqlOf(deps.prisma);
    this.channels = new AlertChannelService(deps);
  }

  start(): void {
    // A connection of its own: the worker blocks on it waiting for jobs, so without the command
    // timeout the process's command connection may carry (a blocking wait is not a hung server).
    this.workerConnection = this.connection.duplicate({ commandTimeout: undefined });
    this.worker = new Worker(ALERT_QUEUE, (job: Job<DeliveryJob>, token?: string) => this.process(job, token), {
      connection: this.workerConnection,
      prefix: bullPrefix(this.prefix),
      concurrency: this.opts.concurrency,
    });
    this.worker.on('error', (err) => this.deps.logger.warn({ err }, 'alert delivery worker error'));
    // A claim is a lease: renewed while the send runs, so only a process that stopped renewing
    // (crashed) has its sends taken back — never one that is merely slow.
    this.leaseTimer = setInterval(
      () => {
        if (this.sending.size === 0) return;
        this.sql.query(RENEW, [[...this.sending]]).catch((err: unknown) => this.deps.logger.warn({ err }, 'renewing alert delivery claims failed'));
      },
      Math.max(1000, Math.floor(this.opts.stuckAfterMs / 4)),
    );
    this.leaseTimer.unref();
  }

  /** Resolves once the consumer is connected (at once when it was not started). */
  async whenReady(): Promise<void> {
    await this.worker?.waitUntilReady();
  }

  async close(): Promise<void> {
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await this.worker?.close();
    this.workerConnection?.disconnect();
  }

  private async process(job: Job<DeliveryJob>, token?: string): Promise<void> {
    const { deliveryId, channelId } = job.data;
    const busy = this.inFlight.get(channelId) ?? 0;
    if (busy >= this.opts.perChannel) {
      // A busy channel's next job waits about one of its sends (a slot frees that often): a fast
      // channel's burst goes on within a few hundred ms, a channel taking 10 s a call waits its
      // 3 s cap a turn, so its backlog does not churn Redis for the others.
      const typical = Math.min(BUSY_WAIT_MAX_MS, Math.max(BUSY_WAIT_MIN_MS, this.sendMs.get(channelId) ?? BUSY_WAIT_MIN_MS));
      await job.moveToDelayed(Date.now() + Math.round(typical * (0.5 + Math.random())), token);
      throw new DelayedError();
    }
    this.inFlight.set(channelId, busy + 1);
    const started = Date.now();
    try {
      await this.deliver(deliveryId);
      const took = Date.now() - started;
      const before = this.sendMs.get(channelId);
      this.sendMs.set(channelId, before === undefined ? took : 0.8 * before + 0.2 * took);
    } finally {
      const left = (this.inFlight.get(channelId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(channelId, left);
      else this.inFlight.delete(channelId);
    }
  }

  /** One attempt of one delivery; a no-op unless it is due and nobody else has it. */
  async deliver(deliveryId: string): Promise<void> {
    const [claimed] = await this.sql.query<{
      id: string;
      tenantId: string;
      alertId: string | null;
      channelId: string;
      kind: AlertMessageKind;
      attempts: number;
      alert: AlertSnapshot | null;
      channel: ChannelRow | null;
    }>(CLAIM, [deliveryId]);
    if (!claimed) return;
    this.sending.add(claimed.id);
    let result: SendResult;
    const { alert, channel } = claimed;
    try {
      if (!alert || !channel) result = { ok: false, statusCode: null, response: 'the alert or the channel was deleted', retryable: false };
      else result = await this.send(channel, messageOf(alert, claimed.id, claimed.kind, this.deps.webUrl));
    } catch (err) {
      result = { ok: false, statusCode: null, response: (err as Error).message, retryable: true };
    }
    const channelType = channel?.type.toLowerCase() ?? 'unknown';
    try {
      await this.record(claimed, result, channelType);
    } finally {
      this.sending.delete(claimed.id);
    }
  }

  private send(channelRow: ChannelRow, message: AlertMessage): Promise<SendResult> {
    return sendToChannel(this.channels.resolved(channelRow), message, {
      prisma: this.deps.prisma,
      keyring: this.deps.keyring,
      timeoutMs: this.opts.timeoutMs,
      now: this.deps.clock,
    });
  }

  private async record(d: { id: string; channelId: string; attempts: number; tenantId: string }, result: SendResult, channelType: string): Promise<void> {
    const log = { deliveryId: d.id, tenantId: d.tenantId, channelId: d.channelId, attempt: d.attempts, statusCode: result.statusCode };
    const retry = !result.ok && result.retryable && d.attempts < this.opts.maxAttempts;
    // tower_alert_deliveries_total{channel, outcome}: the channel type, never a tenant or channel id.
    if (metricsEnabled()) alertDeliveries.inc({ channel: channelType, outcome: result.ok ? 'sent' : retry ? 'retried' : 'failed' });
    if (result.ok) {
      await this.sql.query(DELIVERED, [d.id, d.attempts, result.statusCode, result.response]);
      this.deps.logger.debug(log, 'alert delivered');
      return;
    }
    const delay = retry ? backoffMs(d.attempts, this.opts) : 0;
    const next = new Date(Date.now() + delay);
    await this.sql.query(FAILED_ATTEMPT, [d.id, d.attempts, retry ? 'PENDING' : 'FAILED', next, result.statusCode, result.response]);
    this.deps.logger.warn(
      { ...log, response: result.response, retryInMs: retry ? delay : null },
      retry ? 'alert delivery failed; retrying' : 'alert delivery failed for good',
    );
    if (retry) {
      await this.queue
        .enqueue([{ id: d.id, channelId: d.channelId, attempt: d.attempts, delayMs: delay }])
        .catch((err: unknown) => this.deps.logger.warn({ err, deliveryId: d.id }, 'could not queue the retry; the reconciler will'));
    }
  }

  /** Rebuilds what Redis lost: stuck sends are due again, overdue deliveries are queued again. */
  async reconcile(): Promise<{ reclaimed: number; requeued: number }> {
    const reclaimed = await this.sql.query(RECLAIM, [this.opts.stuckAfterMs, this.opts.maxAttempts]);
    const overdue = await this.sql.query<{ id: string; channelId: string; attempts: number }>(OVERDUE);
    await this.queue.enqueue(overdue.map((d) => ({ id: d.id, channelId: d.channelId, attempt: d.attempts })));
    return { reclaimed: reclaimed.length, requeued: overdue.length };
  }
}

/** Sends a test message through a channel and records it (kind TEST) in the delivery log. */
export async function testChannel(
  deps: AlertsDeps,
  channelRow: AlertChannel,
  timeoutMs = DEFAULT_DELIVERY_OPTIONS.timeoutMs,
): Promise<SendResult & { deliveryId: string }> {
  const now = deps.clock();
  const delivery = await deps.prisma.alertDelivery.create({
    data: { tenantId: channelRow.tenantId, channelId: channelRow.id, kind: 'TEST', status: 'SENDING', attempts: 1, claimedAt: now },
  });
  const message: AlertMessage = {
    kind: 'TEST',
    deliveryId: delivery.id,
    alertId: `test-${delivery.id}`,
    tenantId: channelRow.tenantId,
    ruleName: 'test',
    event: 'RUN_FAILED',
    severity: 'INFO',
    state: 'FIRING',
    summary: `channel "${channelRow.name}" (${channelRow.type as AlertChannelType}) works`,
    dagId: null,
    runId: null,
    dagRunId: null,
    taskId: null,
    error: null,
    occurrences: 1,
    firedAt: now,
    resolvedAt: null,
    link: deps.webUrl,
  };
  const result = await sendToChannel(new AlertChannelService(deps).resolved(channelRow), message, {
    prisma: deps.prisma,
    keyring: deps.keyring,
    timeoutMs,
    now: deps.clock,
  });
  await deps.prisma.alertDelivery.update({
    where: { id: delivery.id },
    data: {
      status: result.ok ? 'DELIVERED' : 'FAILED',
      deliveredAt: result.ok ? deps.clock() : null,
      lastStatusCode: result.statusCode,
      lastResponse: result.response,
      lastError: result.ok ? null : result.response,
    },
  });
  return { ...result, deliveryId: delivery.id };
}
