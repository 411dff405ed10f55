import type { OperatorContext } from '../operator.js';

export type RunStatus = 'success' | 'failure';
export type NotifyOn = 'success' | 'failure' | 'always';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const FAILED_STATES = new Set(['failed', 'upstream_failed']);

/** Direct upstream tasks that failed (or could not run because theirs failed). */
export function failedUpstream(ctx: Pick<OperatorContext, 'upstream' | 'upstreamStates'>): string[] {
  return ctx.upstream.filter((taskId) => FAILED_STATES.has(ctx.upstreamStates[taskId] ?? ''));
}

/**
 * The status to report. `with.status` ('success' | 'failure') wins; otherwise 'failure' when a
 * direct upstream task is failed / upstream_failed (notify runs with trigger rule all_done for
 * that) or returned `passed: false` (a quality.check with warnings only), else 'success'.
 */
export function resolveStatus(ctx: Pick<OperatorContext, 'upstream' | 'upstreamStates' | 'xcom'>, explicit: unknown): RunStatus {
  if (explicit !== undefined) {
    if (explicit !== 'success' && explicit !== 'failure') throw new Error(`with.status must be success or failure, got ${JSON.stringify(explicit)}`);
    return explicit;
  }
  if (failedUpstream(ctx).length > 0) return 'failure';
  const failed = ctx.upstream.some((taskId) => {
    const value = ctx.xcom[taskId]?.return_value;
    return isRecord(value) && value.passed === false;
  });
  return failed ? 'failure' : 'success';
}

/** Whether `on` (a value or a list; default always) asks for a notification of `status`. */
export function shouldNotify(on: unknown, status: RunStatus): boolean {
  const list = on === undefined ? ['always'] : Array.isArray(on) ? on : [on];
  for (const v of list)
    if (v !== 'success' && v !== 'failure' && v !== 'always') throw new Error(`with.on must be success, failure or always, got ${JSON.stringify(v)}`);
  return list.includes('always') || list.includes(status);
}

/** One line about an upstream task's return value, from the fields Tower's operators return. */
function describe(value: unknown): string {
  if (!isRecord(value)) return value === undefined ? 'no result' : 'done';
  const parts: string[] = [];
  if (typeof value.passed === 'boolean') {
    const checks = Array.isArray(value.results) ? `${value.results.length} check(s), ` : '';
    parts.push(`${value.passed ? 'passed' : 'FAILED'} (${checks}${Number(value.failed ?? 0)} failed, ${Number(value.warned ?? 0)} warned)`);
  }
  if (typeof value.rowsLoaded === 'number') parts.push(`${value.rowsLoaded} row(s) loaded${typeof value.table === 'string' ? ` into ${value.table}` : ''}`);
  if (typeof value.statements === 'number') parts.push(`${value.statements} statement(s), last returned ${Number(value.rowCount ?? 0)} row(s)`);
  if (parts.length === 0 && typeof value.bucket === 'string') parts.push(`s3://${value.bucket}/${String(value.key ?? value.prefix ?? '')}`);
  return parts.length ? parts.join('; ') : 'done';
}

/** The run line and one line per direct upstream task. */
export function summarize(ctx: Pick<OperatorContext, 'dagId' | 'runId' | 'logicalDate' | 'upstream' | 'upstreamStates' | 'xcom'>, status: RunStatus): string {
  const lines = [`${ctx.dagId} run ${ctx.runId} (logical date ${ctx.logicalDate.toISOString()}): ${status}`];
  for (const taskId of ctx.upstream) {
    const state = ctx.upstreamStates[taskId];
    lines.push(`- ${taskId}: ${state && FAILED_STATES.has(state) ? state.toUpperCase() : describe(ctx.xcom[taskId]?.return_value)}`);
  }
  return lines.join('\n');
}

export function defaultSubject(ctx: Pick<OperatorContext, 'dagId' | 'runId'>, status: RunStatus): string {
  return `[Tower] ${ctx.dagId} ${status === 'success' ? 'succeeded' : 'FAILED'} (${ctx.runId})`;
}
