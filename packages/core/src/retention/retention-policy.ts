import type { SpecError } from '../spec/spec-error.js';

/**
 * A tenant's retention policy: a finished run (with its task instances, tries, XComs and journal
 * rows) is deleted `runRetentionDays` after it ended, its log lines `logRetentionDays` after. A
 * run that has not ended (queued, running, or reopened by a clear) is never deleted.
 */
export interface RetentionPolicy {
  runRetentionDays: number;
  logRetentionDays: number;
}

export const DEFAULT_RETENTION_POLICY: RetentionPolicy = { runRetentionDays: 90, logRetentionDays: 30 };

/** Ten years: longer is "forever", which a table that grows by millions of rows a day cannot promise. */
export const MAX_RETENTION_DAYS = 3650;

const DAY_MS = 86_400_000;

/**
 * What is wrong with `policy`, each with its field's path (empty when it is valid): whole days from
 * 1 to MAX_RETENTION_DAYS, and logs kept no longer than their runs (a run's logs go with it).
 */
export function retentionPolicyErrors(policy: RetentionPolicy): SpecError[] {
  const errors: SpecError[] = [];
  for (const field of ['runRetentionDays', 'logRetentionDays'] as const) {
    const v = policy[field];
    if (!Number.isInteger(v) || v < 1 || v > MAX_RETENTION_DAYS)
      errors.push({ path: field, message: `${field} must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}` });
  }
  if (errors.length === 0 && policy.logRetentionDays > policy.runRetentionDays) {
    errors.push({
      path: 'logRetentionDays',
      message: `logRetentionDays (${policy.logRetentionDays}) must not exceed runRetentionDays (${policy.runRetentionDays}): a run's logs are deleted with it`,
    });
  }
  return errors;
}

/** The end times before which a run, and a run's logs, are past the policy at `now`. */
export function retentionCutoffs(policy: RetentionPolicy, now: Date): { runsEndedBefore: Date; logsEndedBefore: Date } {
  return {
    runsEndedBefore: new Date(now.getTime() - policy.runRetentionDays * DAY_MS),
    logsEndedBefore: new Date(now.getTime() - policy.logRetentionDays * DAY_MS),
  };
}
