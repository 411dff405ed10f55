import { CronExpressionParser } from 'cron-parser';
import { IANAZone } from 'luxon';
import { TowerError } from '../errors.js';

/**
 * Cron in an IANA time zone, with Tower's DST rules (DESIGN §3):
 * - a fire time in the spring-forward gap runs at the first valid instant after the gap;
 * - at fall-back, a job whose hour field covers every hour (hourly-type) fires in both repeated
 *   hours, any other job (daily-type) only at the first occurrence.
 * cron-parser parses and expands the fields; the wall-clock walk is ours because the library's
 * own DST handling differs from these rules.
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

export interface CompiledCron {
  expression: string;
  timezone: string;
  zone: IANAZone;
  minutes: number[];
  hours: number[];
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
  /** Fires in every hour: at fall-back it fires in both repeated hours. */
  everyHour: boolean;
}

const cache = new Map<string, CompiledCron>();

export function isValidTimezone(tz: string): boolean {
  return typeof tz === 'string' && tz.length > 0 && IANAZone.isValidZone(tz);
}

/** Parses a 5-field cron or preset in a time zone; throws BAD_USER_INPUT with a reason. */
export function compileCron(schedule: string, timezone: string): CompiledCron {
  const key = `${timezone}|${schedule}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (!isValidTimezone(timezone)) throw new TowerError('BAD_USER_INPUT', `unknown time zone "${timezone}"`, { path: 'timezone' });
  const trimmed = schedule.trim();
  const expression = trimmed.startsWith('@') ? CRON_PRESETS[trimmed.toLowerCase()] : trimmed;
  if (!expression) {
    throw new TowerError('BAD_USER_INPUT', `unknown schedule preset "${trimmed}" (use @hourly, @daily, @weekly, @monthly or @yearly)`, { path: 'schedule' });
  }
  const fields = expression.split(/\s+/);
  if (fields.length !== 5) {
    throw new TowerError('BAD_USER_INPUT', `cron "${trimmed}" must have 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`, { path: 'schedule' });
  }
  if (/[LW#?]/i.test(fields[2] + fields[4])) {
    throw new TowerError('BAD_USER_INPUT', `cron "${trimmed}": L, W, # and ? are not supported in 5-field cron`, { path: 'schedule' });
  }
  let parsed;
  try {
    parsed = CronExpressionParser.parse(expression, { tz: 'UTC', strict: false });
  } catch (err) {
    throw new TowerError('BAD_USER_INPUT', `invalid cron "${trimmed}": ${(err as Error).message}`, { path: 'schedule' });
  }
  const f = parsed.fields;
  const dows = new Set((f.dayOfWeek.values as number[]).map((d) => (d === 7 ? 0 : d)));
  const compiled: CompiledCron = {
    expression,
    timezone,
    zone: IANAZone.create(timezone),
    minutes: [...(f.minute.values as number[])].sort((a, b) => a - b),
    hours: [...(f.hour.values as number[])].sort((a, b) => a - b),
    daysOfMonth: new Set(f.dayOfMonth.values as number[]),
    months: new Set(f.month.values as number[]),
    daysOfWeek: dows,
    domRestricted: fields[2] !== '*',
    dowRestricted: fields[4] !== '*',
    everyHour: (f.hour.values as number[]).length === 24,
  };
  cache.set(key, compiled);
  return compiled;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Civil date helpers on "naive" epoch ms (a wall-clock time written as if it were UTC). */
function civil(naive: number) {
  const d = new Date(naive);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), dow: d.getUTCDay(), h: d.getUTCHours(), mi: d.getUTCMinutes() };
}

function dayMatches(c: CompiledCron, naiveDay: number): boolean {
  const { mo, d, dow } = civil(naiveDay);
  if (!c.months.has(mo)) return false;
  const domOk = c.daysOfMonth.has(d);
  const dowOk = c.daysOfWeek.has(dow);
  // Vixie cron: when both day fields are restricted, either may match.
  if (c.domRestricted && c.dowRestricted) return domOk || dowOk;
  if (c.domRestricted) return domOk;
  if (c.dowRestricted) return dowOk;
  return true;
}

/**
 * The instants at which a wall-clock time fires: two at an ambiguous fall-back time, the first
 * valid instant after the gap for a nonexistent spring-forward time, otherwise one.
 */
function instantsOf(c: CompiledCron, naive: number): number[] {
  const before = c.zone.offset(naive - DAY);
  const after = c.zone.offset(naive + DAY);
  const valid = new Set<number>();
  for (const o of [before, after]) {
    const t = naive - o * MINUTE;
    if (c.zone.offset(t) === o) valid.add(t);
  }
  if (valid.size > 0) {
    const sorted = [...valid].sort((a, b) => a - b);
    return c.everyHour ? sorted : [sorted[0]];
  }
  // In the gap: the transition instant lies between the two readings; find it to the minute.
  let lo = naive - after * MINUTE; // reads as a time before the gap
  let hi = naive - before * MINUTE; // reads as a time after the gap
  if (lo > hi) [lo, hi] = [hi, lo];
  const offLo = c.zone.offset(lo);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / MINUTE / 2) * MINUTE;
    if (c.zone.offset(mid) === offLo) lo = mid;
    else hi = mid;
  }
  return [hi];
}

/** Walks local days from the wall-clock day of `fromMs`, yielding fire instants in order (per day). */
function* candidateInstants(c: CompiledCron, fromMs: number, maxDays: number): Generator<number> {
  const startNaive = fromMs + c.zone.offset(fromMs) * MINUTE;
  let day = Math.floor(startNaive / DAY) * DAY - DAY; // one day early: a gap/fold can move instants across midnight
  for (let i = 0; i < maxDays; i++, day += DAY) {
    if (!dayMatches(c, day)) continue;
    const out: number[] = [];
    for (const h of c.hours) for (const m of c.minutes) out.push(...instantsOf(c, day + h * 3_600_000 + m * MINUTE));
    out.sort((a, b) => a - b);
    yield* out;
  }
}

// 8 years covers any valid 5-field cron (Feb 29 on a given weekday recurs within 28 years, but
// with the OR rule such a cron also fires on other days; a pure Feb-29 cron recurs within 8).
const SEARCH_DAYS = 366 * 8 + 2;

export function nextFireAfter(schedule: string, timezone: string, after: Date): Date | null {
  const c = compileCron(schedule, timezone);
  const from = after.getTime();
  let last = -Infinity;
  for (const t of candidateInstants(c, from, SEARCH_DAYS)) {
    if (t > from && t !== last) return new Date(t);
    last = t;
  }
  return null;
}

export function nextFireTimes(schedule: string, timezone: string, after: Date, count: number): Date[] {
  const out: Date[] = [];
  let cursor = after;
  for (let i = 0; i < count; i++) {
    const next = nextFireAfter(schedule, timezone, cursor);
    if (!next) break;
    out.push(next);
    cursor = next;
  }
  return out;
}

/** The latest fire time at or before `at`. */
export function prevFireAtOrBefore(schedule: string, timezone: string, at: Date): Date | null {
  const c = compileCron(schedule, timezone);
  const target = at.getTime();
  // Walk back in windows: find the last fire in (start, target].
  for (let back = 2; back <= SEARCH_DAYS; back *= 2) {
    const start = target - back * DAY;
    let best: number | null = null;
    for (const t of candidateInstants(c, start, back + 3)) {
      if (t > target) break;
      if (t > start) best = t;
    }
    if (best !== null) return new Date(best);
  }
  return null;
}

/** Validates a schedule and time zone; throws BAD_USER_INPUT. */
export function parseSchedule(schedule: string, timezone: string): void {
  compileCron(schedule, timezone);
}
