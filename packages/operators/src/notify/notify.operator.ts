import { OperatorError, type Operator, type OperatorContext, type ResolvedConnection } from '../operator.js';
import { sendEmail } from './email.js';
import { defaultSubject, failedUpstream, resolveStatus, shouldNotify, summarize, type RunStatus } from './status.js';
import { postWebhook } from './webhook.js';

interface NotifyParams {
  channels?: unknown;
  on?: unknown;
  subject?: unknown;
  message?: unknown;
  status?: unknown;
  propagateFailure?: unknown;
}

/** The JSON body POSTed to http channels (`text` makes it a Slack-compatible incoming webhook too). */
export interface WebhookPayload {
  dagId: string;
  runId: string;
  taskId: string;
  logicalDate: string;
  status: RunStatus;
  summary: string;
  subject: string;
  message: string | null;
  text: string;
}

export interface ChannelResult {
  channel: string;
  type: 'smtp' | 'http';
  /** smtp: accepted recipients; http: the response status. */
  detail: string;
}

/** The return_value of notify. */
export type NotifyResult = { status: RunStatus; sent: ChannelResult[] } | { status: RunStatus; skipped: true; reason: string };

function channelsOf(ctx: OperatorContext, channels: unknown): string[] {
  const list = channels === undefined ? (ctx.defaultConnection ? [ctx.defaultConnection] : []) : channels;
  if (!Array.isArray(list) || list.length === 0 || !list.every((c) => typeof c === 'string' && c)) {
    throw new OperatorError('notify needs with.channels: a list of smtp or http connection ids (or a task-level connection)', false);
  }
  return [...new Set(list as string[])];
}

function optionalText(value: unknown, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new OperatorError(`with.${key} must be a string`, false);
  return value;
}

async function send(conn: ResolvedConnection, subject: string, text: string, payload: WebhookPayload, signal: AbortSignal): Promise<ChannelResult> {
  if (conn.type === 'smtp') {
    const r = await sendEmail(conn, { subject, text });
    return { channel: conn.connId, type: 'smtp', detail: `accepted by ${r.accepted.join(', ')}` };
  }
  if (conn.type === 'http') {
    const r = await postWebhook(conn, payload, signal);
    return { channel: conn.connId, type: 'http', detail: `HTTP ${r.status}` };
  }
  throw new OperatorError(`channel ${conn.connId} is a ${conn.type} connection; notify sends through smtp and http connections`, false);
}

/**
 * After reporting a failed upstream, notify fails itself (non-retryable) unless
 * `propagateFailure: false`: with trigger rule all_done it is the pipeline's leaf, and the run
 * outcome follows the leaves — so a failed quality check still fails the run, as Airflow's
 * "watcher" task pattern does.
 */
function propagate(ctx: OperatorContext, p: NotifyParams): void {
  if (p.propagateFailure === false) return;
  const failed = failedUpstream(ctx);
  if (failed.length > 0) throw new OperatorError(`notified the failure of ${failed.join(', ')}; failing so the run fails too`, false);
}

/**
 * Tells people how the run went, through the tenant's smtp (email) and http (webhook)
 * connections. The status comes from with.status or the upstream XComs (see resolveStatus);
 * `on` filters which statuses notify. Every channel is tried; if any fails the task fails,
 * retryable unless every failure is permanent — a retry sends to every channel again, so a
 * channel that succeeded may get a duplicate (at-least-once).
 */
export const notifyOperator: Operator<'notify'> = {
  type: 'notify',
  async execute(ctx: OperatorContext): Promise<NotifyResult> {
    const p = ctx.params as NotifyParams;
    let status: RunStatus;
    let wanted: boolean;
    try {
      status = resolveStatus(ctx, p.status);
      wanted = shouldNotify(p.on, status);
    } catch (err) {
      throw new OperatorError((err as Error).message, false);
    }
    const channels = channelsOf(ctx, p.channels);
    const subject = optionalText(p.subject, 'subject') ?? defaultSubject(ctx, status);
    const message = optionalText(p.message, 'message') ?? null;
    if (!wanted) {
      const reason = `the run status is ${status} and on is ${JSON.stringify(p.on)}`;
      ctx.log('info', `not notifying: ${reason}`);
      propagate(ctx, p);
      return { status, skipped: true, reason };
    }
    const summary = summarize(ctx, status);
    const text = message ? `${message}\n\n${summary}` : summary;
    const payload: WebhookPayload = {
      dagId: ctx.dagId,
      runId: ctx.runId,
      taskId: ctx.taskId,
      logicalDate: ctx.logicalDate.toISOString(),
      status,
      summary,
      subject,
      message,
      text: `${subject}\n${text}`,
    };
    const sent: ChannelResult[] = [];
    const failures: OperatorError[] = [];
    for (const channel of channels) {
      try {
        const result = await send(await ctx.connection(channel), subject, text, payload, ctx.signal);
        sent.push(result);
        ctx.log('info', `notified ${status} via ${channel} (${result.type}): ${result.detail}`);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        const failure = err instanceof OperatorError ? err : new OperatorError(`notify via ${channel} failed: ${(err as Error).message}`);
        failures.push(failure);
        ctx.log('error', failure.message);
      }
    }
    if (failures.length > 0) {
      throw new OperatorError(
        `${failures.length} of ${channels.length} channel(s) failed: ${failures.map((f) => f.message).join('; ')}`,
        failures.some((f) => f.retryable),
      );
    }
    propagate(ctx, p);
    return { status, sent };
  },
};
