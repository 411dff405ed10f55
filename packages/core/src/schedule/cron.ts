import { CronExpressionParser } from 'cron-parser';
import { IANAZone } from 'luxon';
import { TowerError } from '../errors.js';
import { DAY_MS, dayWallTimeResolver, HOUR_MS, MINUTE_MS, naiveOf } from './wall-clock.js';

/**
 * Cron in an IANA time zone with Tower's DST rules (docs/semantics.md, "Schedules and DST"):
 * - a fire time in the spring-forward gap runs at the first valid instant after the gap;
 * - at fall-back, a job whose hour field is a wildcard or a step (hourly-type: `*`, `1-23/2`)
 *   fires for both occurrences of the repeated wall time; a job with fixed hours (daily-type)
 *   fires once, at the first occurrence;
 * - no instant is produced twice.
 * cron-parser parses and expands the fields (and decides the day-of-month/day-of-week rule);
 * the walk over wall-clock days is ours because the library's DST handling differs from these
 * rules.
 */
export const CRON_PRESETS: Readonly<Record<string, string>> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

/** Runs once, at the DAG's startDate (Airflow's OnceTimetable). Not a cron: callers handle it. */
export const ONCE_SCHEDULE = '@once';

export function isOnceSchedule(schedule: string | null | undefined): boolean {
  return typeof schedule === 'string' && schedule.trim().toLowerCase() === ONCE_SCHEDULE;
}

export type FoldPolicy = 'both' | 'first';

export interface CompiledCron {
  /** The 5-field expression (presets expanded). */
  readonly expression: string;
  readonly timezone: string;
  readonly zone: IANAZone;
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
  /** What a fire time in the repeated hour at fall-back does. */
  readonly foldPolicy: FoldPolicy;
}

const FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const MONTH_NAMES = /JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC/gi;
const DAY_NAMES = /SUN|MON|TUE|WED|THU|FRI|SAT/gi;
const PLAIN_FIELD = /^[0-9*,/-]+$/;
// February counts 29 days: a Feb-29 schedule is valid, it fires in leap years.
const MAX_DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const CACHE_LIMIT = 1000;
const cache = new Map<string, CompiledCron>();

export function isValidTimezone(timezone: unknown): timezone is string {
  return typeof timezone === 'string' && timezone.length > 0 && IANAZone.isValidZone(timezone);
}

function scheduleError(message: string): TowerError {
  return new TowerError('BAD_USER_INPUT', message, { path: 'schedule' });
}

const neverFires = (schedule: string) => scheduleError(`cron "${schedule.trim()}" never fires: none of its months has those days`);

function expand(schedule: string): string {
  const trimmed = schedule.trim();
  if (!trimmed.startsWith('@')) return trimmed.split(/\s+/).join(' ');
  if (trimmed.toLowerCase() === ONCE_SCHEDULE) throw scheduleError('@once is not a recurring schedule: it runs once, at startDate');
  const preset = CRON_PRESETS[trimmed.toLowerCase()];
  if (!preset) throw scheduleError(`unknown schedule preset "${trimmed}" (use @hourly, @daily, @weekly, @monthly, @yearly or a 5-field cron)`);
  return preset;
}

function checkFields(schedule: string, fields: string[]): void {
  if (fields.length !== 5) {
    throw scheduleError(`cron "${schedule}" must have 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`);
  }
  fields.forEach((field, i) => {
    const plain = i === 3 ? field.replace(MONTH_NAMES, '1') : i === 4 ? field.replace(DAY_NAMES, '1') : field;
    if (!PLAIN_FIELD.test(plain)) {
      throw scheduleError(
        `cron "${schedule}": ${FIELD_NAMES[i]} field "${field}" may only use numbers${i >= 3 ? ', names' : ''}, *, ranges (a-b), steps (/n) and lists (,); L, W, #, ? and H are not supported`,
      );
    }
  });
}

/** Parses a 5-field cron or preset in an IANA zone; throws BAD_USER_INPUT (path `timezone` or `schedule`) with the reason. */
export function compileCron(schedule: string, timezone: string): CompiledCron {
  const key = `${timezone}\u0000${schedule}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (!isValidTimezone(timezone))
    throw new TowerError('BAD_USER_INPUT', `unknown time zone "${timezone}" (use an IANA name such as America/New_York)`, { path: 'timezone' });
  if (typeof schedule !== 'string' || schedule.trim() === '') throw scheduleError('schedule must be a non-empty cron expression or preset');
  const expression = expand(schedule);
  const raw = expression.split(' ');
  checkFields(schedule.trim(), raw);
  let fields;
  try {
    fields = CronExpressionParser.parse(expression, { tz: 'UTC', strict: false }).fields;
  } catch (err) {
    const message = (err as Error).message;
    if (/explicit day of month/i.test(message)) throw neverFires(schedule);
    throw scheduleError(`invalid cron "${schedule.trim()}": ${message}`);
  }
  const numbers = (values: readonly unknown[]) => [...new Set(values.map(Number))].sort((a, b) => a - b);
  const daysOfMonth = new Set(numbers(fields.dayOfMonth.values));
  const months = new Set(numbers(fields.month.values));
  const domRestricted = !fields.dayOfMonth.isWildcard;
  const dowRestricted = !fields.dayOfWeek.isWildcard;
  if (domRestricted && !dowRestricted && ![...months].some((m) => [...daysOfMonth].some((d) => d <= MAX_DAYS_IN_MONTH[m]))) {
    throw neverFires(schedule);
  }
  const compiled: CompiledCron = {
    expression,
    timezone,
    zone: IANAZone.create(timezone),
    minutes: numbers(fields.minute.values),
    hours: numbers(fields.hour.values),
    daysOfMonth,
    months,
    daysOfWeek: new Set(numbers(fields.dayOfWeek.values).map((d) => (d === 7 ? 0 : d))),
    domRestricted,
    dowRestricted,
    foldPolicy: /[*/]/.test(raw[1]) ? 'both' : 'first',
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return compiled;
}

/** Validates a schedule and time zone; throws BAD_USER_INPUT. `@once` and null are the caller's to handle. */
export function parseSchedule(schedule: string, timezone: string): void {
  compileCron(schedule, timezone);
}

function dayMatches(c: CompiledCron, dayNaive: number): boolean {
  const d = new Date(dayNaive);
  if (!c.months.has(d.getUTCMonth() + 1)) return false;
  const domOk = c.daysOfMonth.has(d.getUTCDate());
  const dowOk = c.daysOfWeek.has(d.getUTCDay());
  // Vixie cron (and cron-parser): with both day fields restricted, either may match.
  if (c.domRestricted && c.dowRestricted) return domOk || dowOk;
  return domOk && dowOk;
}

/** The fire instants of one local day, ascending, without duplicates. */
function dayInstants(c: CompiledCron, dayNaive: number): number[] {
  if (!dayMatches(c, dayNaive)) return [];
  const resolve = dayWallTimeResolver(c.zone, dayNaive);
  const out: number[] = [];
  for (const h of c.hours) {
    for (const m of c.minutes) {
      const r = resolve(dayNaive + h * HOUR_MS + m * MINUTE_MS);
      if (r.kind === 'fold') out.push(...(c.foldPolicy === 'both' ? [r.first, r.second] : [r.first]));
      else out.push(r.instant);
    }
  }
  // Gaps and folds can reorder or merge instants; elsewhere this is already sorted and unique.
  out.sort((a, b) => a - b);
  return out.filter((t, i) => i === 0 || t !== out[i - 1]);
}

// Any valid 5-field cron fires at least once in 8 years (Feb 29 across a skipped leap year).
const MAX_EMPTY_DAYS = 366 * 9;

/**
 * Fire instants walking day by day from `startDay` (naive), strictly monotonic in the walk's
 * direction. A fold or gap right at midnight can make a day's instants overlap the next day's,
 * so a day's instants are held back until the next non-empty day shows none come before them.
 */
function* walk(c: CompiledCron, startDay: number, direction: 1 | -1): Generator<number> {
  const precedes = (a: number, b: number) => (direction > 0 ? a < b : a > b);
  let pending: number[] = [];
  let last: number | null = null;
  function* emit(values: number[]): Generator<number> {
    for (const t of values) {
      if (last === null || precedes(last, t)) {
        last = t;
        yield t;
      }
    }
  }
  let empty = 0;
  for (let day = startDay; empty <= MAX_EMPTY_DAYS; day += direction * DAY_MS) {
    const batch = dayInstants(c, day);
    if (direction < 0) batch.reverse();
    if (batch.length === 0) {
      empty++;
      yield* emit(pending);
      pending = [];
      continue;
    }
    empty = 0;
    const head = batch[0];
    yield* emit(pending.filter((t) => precedes(t, head)));
    pending = [...pending.filter((t) => !precedes(t, head)), ...batch].sort((a, b) => direction * (a - b));
  }
  yield* emit(pending);
}

function checkDate(value: Date, name: string): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new TowerError('BAD_USER_INPUT', `${name} must be a valid date`, { path: name });
  return ms;
}

function localDay(c: CompiledCron, instantMs: number): number {
  return Math.floor(naiveOf(c.zone, instantMs) / DAY_MS) * DAY_MS;
}

/** The first fire time strictly after `after`, or null if there is none. */
export function nextFireAfter(schedule: string, timezone: string, after: Date): Date | null {
  const c = compileCron(schedule, timezone);
  const from = checkDate(after, 'after');
  for (const t of walk(c, localDay(c, from) - DAY_MS, 1)) if (t > from) return new Date(t);
  return null;
}

/** The next `count` fire times strictly after `after`, ascending. */
export function nextFireTimes(schedule: string, timezone: string, after: Date, count: number): Date[] {
  const c = compileCron(schedule, timezone);
  const from = checkDate(after, 'after');
  if (!Number.isInteger(count) || count < 0) throw new TowerError('BAD_USER_INPUT', 'count must be a non-negative integer', { path: 'count' });
  const out: Date[] = [];
  if (count === 0) return out;
  for (const t of walk(c, localDay(c, from) - DAY_MS, 1)) {
    if (t <= from) continue;
    out.push(new Date(t));
    if (out.length === count) break;
  }
  return out;
}

/** The latest fire time at or before `at`, or null if there is none. */
export function prevFireAtOrBefore(schedule: string, timezone: string, at: Date): Date | null {
  const c = compileCron(schedule, timezone);
  const until = checkDate(at, 'at');
  for (const t of walk(c, localDay(c, until) + DAY_MS, -1)) if (t <= until) return new Date(t);
  return null;
}

/** The latest fire time strictly before `before`. */
export function prevFireBefore(schedule: string, timezone: string, before: Date): Date | null {
  return prevFireAtOrBefore(schedule, timezone, new Date(checkDate(before, 'before') - 1));
}

/** Fire times strictly after `after`, ascending, lazily (for enumerations that stop on a condition). */
export function iterateFireTimes(schedule: string, timezone: string, after: Date): Generator<Date> {
  // Validate eagerly: a generator body would only throw on the first next().
  const c = compileCron(schedule, timezone);
  const from = checkDate(after, 'after');
  return (function* () {
    for (const t of walk(c, localDay(c, from) - DAY_MS, 1)) if (t > from) yield new Date(t);
  })();
}

/** Whether `at` is exactly a fire time. */
export function isFireTime(schedule: string, timezone: string, at: Date): boolean {
  return prevFireAtOrBefore(schedule, timezone, at)?.getTime() === at.getTime();
}
