import { OperatorError, type Operator, type OperatorContext } from '../operator.js';
import { connectSnowflake, type SnowflakeSession } from '../snowflake/client.js';
import { snowflakeConnectionId } from '../snowflake/connection-id.js';
import { SnowflakeOperatorError } from '../snowflake/errors.js';
import { checkQuery, judge } from './check-sql.js';
import { parseChecks, type CheckType, type QualityCheck, type Severity } from './checks.js';

export interface CheckResult {
  name: string;
  type: CheckType;
  severity: Severity;
  passed: boolean;
  /** The number judged (row count, offending rows or keys); null when the query failed. */
  observed: number | null;
  message: string;
}

/** The return_value of quality.check (its `results` are also pushed as the `results` XCom). */
export interface QualityResult {
  passed: boolean;
  /** Failed checks of severity fail (0 in a return value: such a failure fails the task). */
  failed: number;
  /** Failed checks of severity warn. */
  warned: number;
  results: CheckResult[];
}

const SAMPLE_ROWS = 3;
const MAX_MESSAGE = 500;

const clip = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text);

async function runCheck(session: SnowflakeSession, check: QualityCheck): Promise<CheckResult> {
  const base = { name: check.name, type: check.type, severity: check.severity };
  const query = checkQuery(check);
  try {
    const { rows, rowCount } = await session.executeHead(query.sql, query.binds, check.type === 'customSql' ? SAMPLE_ROWS : 1, {
      label: `check ${check.name}`,
    });
    const observed = check.type === 'customSql' ? rowCount : Number(rows[0]?.OBSERVED ?? 0);
    const verdict = judge(check, observed);
    const sample = check.type === 'customSql' && rows.length > 0 ? `; first rows: ${JSON.stringify(rows)}` : '';
    return { ...base, passed: verdict.passed, observed, message: clip(verdict.message + (verdict.passed ? '' : sample)) };
  } catch (err) {
    // A check that cannot run (missing table or column, bad SQL) fails with its severity; a
    // transient failure (network) fails the try so that it is retried.
    if (err instanceof SnowflakeOperatorError && !err.retryable) return { ...base, passed: false, observed: null, message: clip(err.message) };
    throw err;
  }
}

/**
 * SQL assertions in Snowflake: one query per check, in order, in one session. Every check runs
 * and is logged; then a failed check of severity `fail` fails the task **without retry** — the
 * data does not change between tries, so a retry would fail the same way (fix the data, then
 * clear the task). Failed `warn` checks only log warnings. Results go to the `results` XCom and
 * the return value.
 */
export const qualityCheckOperator: Operator<'quality.check'> = {
  type: 'quality.check',
  async execute(ctx: OperatorContext): Promise<QualityResult> {
    let checks: QualityCheck[];
    try {
      checks = parseChecks(ctx.params.checks, ctx.params.table);
      checks.forEach(checkQuery); // identifiers are validated before connecting
    } catch (err) {
      throw new OperatorError((err as Error).message, false);
    }
    const conn = await ctx.connection(snowflakeConnectionId(ctx, ctx.params.connection), 'snowflake');
    const session = await connectSnowflake(conn, { signal: ctx.signal });
    const results: CheckResult[] = [];
    try {
      for (const check of checks) {
        const result = await runCheck(session, check);
        results.push(result);
        const verdict = result.passed ? 'passed' : result.severity === 'fail' ? 'FAILED' : 'WARNING';
        ctx.log(result.passed ? 'info' : result.severity === 'fail' ? 'error' : 'warn', `check ${result.name} (${result.type}) ${verdict}: ${result.message}`);
      }
    } finally {
      await session.close().catch(() => undefined);
    }
    const failedChecks = results.filter((r) => !r.passed && r.severity === 'fail');
    const warned = results.filter((r) => !r.passed && r.severity === 'warn').length;
    ctx.xcomPush('results', results);
    ctx.log('info', `${results.length} check(s): ${results.length - failedChecks.length - warned} passed, ${failedChecks.length} failed, ${warned} warned`);
    if (failedChecks.length > 0) {
      throw new OperatorError(`${failedChecks.length} quality check(s) failed: ${failedChecks.map((r) => `${r.name}: ${r.message}`).join('; ')}`, false);
    }
    return { passed: true, failed: 0, warned, results };
  },
};
