import { DateTime, IANAZone } from 'luxon';
import { TowerError } from '../errors.js';
import { isOnceSchedule, isValidTimezone, iterateFireTimes, nextFireAfter, prevFireAtOrBefore, prevFireBefore } from './cron.js';
import { wallTimeToInstant } from './wall-clock.js';

export interface DataInterval {
  start: Date;
  end: Date;
}

/** A run the scheduler should create: logicalDate = interval start; due when the interval ends. */
export interface ScheduledRunInfo {
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
  dueAt: Date;
}

/** The schedule-relevant part of a DAG spec. */
export interface ScheduleSpec {
  /** 5-field cron, preset, `@once`, or null (manual runs only). */
  schedule: string | null;
  timezone: string;
  /** Wall-clock ISO date-time in `timezone` (no offset), as in the DAG spec. */
  startDate: string | null;
  endDate: string | null;
  catchup: boolean;
}

// A date is required: luxon would read a bare time as "today", which depends on the clock.
const ISO_DATE_PREFIX = /^\d{4}-\d{2}-\d{2}(?:$|[T ])/;
const EXPLICIT_OFFSET = /[T ].*(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Parses a spec date to an instant. Without an offset it is wall-clock time in the DAG's zone
 * (a time in the spring-forward gap moves to the end of the gap, an ambiguous fall-back time
 * means its first occurrence, like fire times); with an explicit offset or Z it is that instant.
 */
export function parseLocalDate(value: string, timezone: string, path = 'startDate'): Date {
  const invalid = () => new TowerError('BAD_USER_INPUT', `${path} "${value}" is not an ISO date-time (e.g. 2026-01-01T00:00:00)`, { path });
  if (typeof value !== 'string' || !ISO_DATE_PREFIX.test(value.trim())) throw invalid();
  if (!isValidTimezone(timezone)) throw new TowerError('BAD_USER_INPUT', `unknown time zone "${timezone}"`, { path: 'timezone' });
  const text = value.trim().replace(' ', 'T');
  if (EXPLICIT_OFFSET.test(text)) {
    const absolute = DateTime.fromISO(text, { setZone: true });
    if (!absolute.isValid) throw invalid();
    return absolute.toJSDate();
  }
  const naive = DateTime.fromISO(text, { zone: 'UTC' });
  if (!naive.isValid) throw invalid();
  return new Date(wallTimeToInstant(IANAZone.create(timezone), naive.toMillis()));
}

function info(start: Date, end: Date): ScheduledRunInfo {
  return { logicalDate: start, dataIntervalStart: start, dataIntervalEnd: end, dueAt: end };
}

function later(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a >= b ? a : b;
}

function fireAtOrAfter(schedule: string, tz: string, t: Date): Date | null {
  return nextFireAfter(schedule, tz, new Date(t.getTime() - 1));
}

/**
 * Start of the latest interval that has ended by `now` (Airflow's `_skip_to_latest`): with `now`
 * exactly on a fire time, the interval ending now; otherwise the one ending at the last fire time.
 */
function latestCompleteIntervalStart(schedule: string, tz: string, now: Date): Date | null {
  const end = prevFireAtOrBefore(schedule, tz, now);
  if (!end) return fireAtOrAfter(schedule, tz, now);
  return prevFireBefore(schedule, tz, end) ?? end;
}

function bounds(dag: ScheduleSpec): { start: Date | null; end: Date | null } {
  return {
    start: dag.startDate ? parseLocalDate(dag.startDate, dag.timezone, 'startDate') : null,
    end: dag.endDate ? parseLocalDate(dag.endDate, dag.timezone, 'endDate') : null,
  };
}

/**
 * The next run the scheduler should create after the run at `lastLogicalDate` (Airflow 2's
 * CronDataIntervalTimetable.next_dagrun_info). It may lie in the future (`dueAt > now`): the
 * caller creates it once due.
 * - catchup: the interval right after the last run, or the first starting at/after startDate
 *   (without a startDate, the first run is the latest complete interval);
 * - no catchup: as above, but never older than the latest interval that has ended by `now`
 *   (missed intervals are skipped);
 * - nothing whose logical date is after endDate; `@once`: one run at startDate; null: none.
 */
export function nextScheduledRun(dag: ScheduleSpec, lastLogicalDate: Date | null, now: Date): ScheduledRunInfo | null {
  if (!dag.schedule) return null;
  const { schedule, timezone: tz } = dag;
  const range = bounds(dag);
  if (isOnceSchedule(schedule)) {
    if (lastLogicalDate || !range.start || (range.end && range.start > range.end)) return null;
    return info(range.start, range.start);
  }
  let earliest = range.start ? fireAtOrAfter(schedule, tz, range.start) : null;
  if (!dag.catchup || (!lastLogicalDate && !earliest)) earliest = later(earliest, latestCompleteIntervalStart(schedule, tz, now));
  let start: Date | null;
  if (lastLogicalDate) {
    const following = nextFireAfter(schedule, tz, lastLogicalDate);
    start = following && later(following, earliest);
  } else {
    start = earliest;
  }
  if (!start || (range.end && start > range.end)) return null;
  const end = nextFireAfter(schedule, tz, start);
  return end ? info(start, end) : null;
}

function checkMax(max: number): void {
  if (!Number.isInteger(max) || max < 0) throw new TowerError('BAD_USER_INPUT', 'max must be a non-negative integer', { path: 'max' });
}

/** Every run due by `now` after `lastLogicalDate`, in order, at most `max` (catchup=false yields at most one). */
export function catchupIntervals(dag: ScheduleSpec, lastLogicalDate: Date | null, now: Date, max: number): ScheduledRunInfo[] {
  checkMax(max);
  const first = max > 0 ? nextScheduledRun(dag, lastLogicalDate, now) : null;
  if (!first || first.dueAt > now) return [];
  const out = [first];
  if (isOnceSchedule(dag.schedule)) return out;
  const endAt = bounds(dag).end;
  // Once the first interval is known, the following ones are consecutive fire times.
  let start = first.dataIntervalEnd;
  for (const end of iterateFireTimes(dag.schedule!, dag.timezone, start)) {
    if (out.length >= max || end > now || (endAt && start > endAt)) break;
    out.push(info(start, end));
    start = end;
  }
  return out;
}

/**
 * The data interval of a manual run at `logicalDate` (Airflow's infer_manual_data_interval): for
 * a cron DAG, the latest complete interval ending at or before it; for an unscheduled or `@once`
 * DAG, [logicalDate, logicalDate].
 */
export function manualRunInterval(dag: ScheduleSpec, logicalDate: Date): DataInterval {
  if (!dag.schedule || isOnceSchedule(dag.schedule)) return { start: logicalDate, end: logicalDate };
  const end = prevFireAtOrBefore(dag.schedule, dag.timezone, logicalDate);
  const start = end && prevFireBefore(dag.schedule, dag.timezone, end);
  return end && start ? { start, end } : { start: logicalDate, end: logicalDate };
}

/**
 * The scheduled intervals whose logical date lies in [from, to], in order (for backfills; like
 * Airflow's backfill, startDate/endDate do not narrow the range). More than `max` is an error, so
 * a careless range cannot create an unbounded number of runs.
 */
export function intervalsBetween(dag: ScheduleSpec, from: Date, to: Date, max: number): ScheduledRunInfo[] {
  checkMax(max);
  if (!dag.schedule) throw new TowerError('BAD_USER_INPUT', 'a DAG without a schedule has no intervals to backfill', { path: 'dagId' });
  if (from > to) throw new TowerError('BAD_USER_INPUT', '`from` must not be after `to`', { path: 'from' });
  const out: ScheduledRunInfo[] = [];
  const push = (run: ScheduledRunInfo) => {
    if (out.length >= max) throw new TowerError('BAD_USER_INPUT', `the range covers more than ${max} runs; narrow it`, { path: 'to' });
    out.push(run);
  };
  if (isOnceSchedule(dag.schedule)) {
    const start = bounds(dag).start;
    if (start && start >= from && start <= to) push(info(start, start));
    return out;
  }
  let start = fireAtOrAfter(dag.schedule, dag.timezone, from);
  if (!start || start > to) return out;
  for (const end of iterateFireTimes(dag.schedule, dag.timezone, start)) {
    push(info(start, end));
    start = end;
    if (start > to) break;
  }
  return out;
}
