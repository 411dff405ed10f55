import { DateTime } from 'luxon';
import { TowerError } from '../errors.js';
import { nextFireAfter, prevFireAtOrBefore } from './cron.js';

export interface DataInterval {
  start: Date;
  end: Date;
}

/** A run the scheduler should create: logicalDate = interval start, due when the interval ends. */
export interface ScheduledRunInfo {
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  dueAt: Date;
}

export interface ScheduleSpec {
  schedule: string | null;
  timezone: string;
  /** Local wall-clock ISO (no offset) in `timezone`, as in the DAG spec. */
  startDate: string | null;
  endDate: string | null;
  catchup: boolean;
}

/** Parses a spec date (local to the DAG's zone unless it carries an offset) to an instant. */
export function parseLocalDate(value: string, timezone: string, path = 'startDate'): Date {
  const dt = DateTime.fromISO(value, { zone: timezone, setZone: false });
  if (!dt.isValid) throw new TowerError('BAD_USER_INPUT', `${path} "${value}" is not an ISO date-time`, { path });
  return dt.toJSDate();
}

function info(start: Date, end: Date): ScheduledRunInfo {
  return { logicalDate: start, dataIntervalStart: start, dataIntervalEnd: end, dueAt: end };
}

/** The fire time strictly before `t`. */
function prevFireBefore(schedule: string, tz: string, t: Date): Date | null {
  return prevFireAtOrBefore(schedule, tz, new Date(t.getTime() - 1));
}

/**
 * The next run to create after `lastLogicalDate` (Airflow 2 interval semantics). It may lie in
 * the future (`dueAt > now`): the caller stores it and creates it when due.
 * - catchup: the interval right after the last one, or the first starting at/after startDate;
 * - no catchup: never older than the latest interval that has ended by `now`.
 */
export function nextScheduledRun(dag: ScheduleSpec, lastLogicalDate: Date | null, now: Date): ScheduledRunInfo | null {
  if (!dag.schedule) return null;
  const { schedule, timezone: tz } = dag;
  const start = dag.startDate ? parseLocalDate(dag.startDate, tz) : null;
  const end = dag.endDate ? parseLocalDate(dag.endDate, tz, 'endDate') : null;

  let candidate: Date | null;
  if (lastLogicalDate) candidate = nextFireAfter(schedule, tz, lastLogicalDate);
  else if (start) candidate = prevFireAtOrBefore(schedule, tz, start)?.getTime() === start.getTime() ? start : nextFireAfter(schedule, tz, start);
  else candidate = null;

  if (!dag.catchup || !candidate) {
    // The latest complete interval [s, e) with e <= now.
    const e = prevFireAtOrBefore(schedule, tz, now);
    const s = e ? prevFireBefore(schedule, tz, e) : null;
    let latest = s;
    if (latest && start && latest < start) latest = null;
    if (!candidate || (latest && latest > candidate)) candidate = latest ?? candidate;
    if (!candidate) {
      // nothing complete yet: the first interval starting at or after max(start, now's previous fire)
      const from = start && (!e || start > e) ? start : e ?? now;
      candidate = prevFireAtOrBefore(schedule, tz, from)?.getTime() === from.getTime() ? from : nextFireAfter(schedule, tz, from);
    }
  }
  if (!candidate) return null;
  if (end && candidate > end) return null;
  const intervalEnd = nextFireAfter(schedule, tz, candidate);
  if (!intervalEnd) return null;
  return info(candidate, intervalEnd);
}

/** Every run due by `now` after `lastLogicalDate`, in order, at most `max`. */
export function catchupIntervals(dag: ScheduleSpec, lastLogicalDate: Date | null, now: Date, max: number): ScheduledRunInfo[] {
  const out: ScheduledRunInfo[] = [];
  let last = lastLogicalDate;
  while (out.length < max) {
    const next = nextScheduledRun(dag, last, now);
    if (!next || next.dueAt > now) break;
    out.push(next);
    last = next.logicalDate;
  }
  return out;
}

/**
 * The data interval of a manual run at `logicalDate`: for a cron DAG, the latest interval that
 * has ended at or before it (Airflow's infer_manual_data_interval); otherwise [t, t].
 */
export function manualRunInterval(dag: ScheduleSpec, logicalDate: Date): DataInterval {
  if (!dag.schedule) return { start: logicalDate, end: logicalDate };
  const end = prevFireAtOrBefore(dag.schedule, dag.timezone, logicalDate);
  const start = end ? prevFireBefore(dag.schedule, dag.timezone, end) : null;
  if (!end || !start) return { start: logicalDate, end: logicalDate };
  return { start, end };
}
